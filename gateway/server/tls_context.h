#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace rollcall::gateway::server {

// The server side of TLS: TLS 1.2 and 1.3 only, forward-secret AEAD suites for 1.2, no
// compression or renegotiation; the certificate chain and its key from PEM files. Throws
// std::runtime_error naming the file when they cannot be loaded or do not match.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                                   const std::string& key_file);

}  // namespace rollcall::gateway::server
