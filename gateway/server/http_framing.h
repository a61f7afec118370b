#pragma once

#include <string>
#include <string_view>

namespace rollcall::gateway::server {

// Why a request header leaves the length of its body open to more than one reading ("" when it
// does not), from its raw bytes (request line to the blank line, CRLFs included). RFC 9112
// §6.3: a proxy in front of the gateway may read such a header differently, and the bytes one of
// them takes for a body the other takes for the next request (request smuggling). So, stricter
// than the RFC requires: Transfer-Encoding at most once and exactly "chunked" (any case, the
// only coding the gateway decodes), Content-Length at most once and plain decimal digits, never
// both, either value after the colon and at most one space with nothing else around it; no
// folded header lines (obs-fold) and no bare CR or LF.
std::string framing_problem(std::string_view header);

}  // namespace rollcall::gateway::server
