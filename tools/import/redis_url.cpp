#include "tools/import/redis_url.h"

#include <charconv>
#include <stdexcept>

#include <boost/url/parse.hpp>

namespace rollcall::tools::import {

RedisUrl RedisUrl::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return std::invalid_argument("--redis " + std::string(text) + ": " + std::string(why) +
                                 " (expected redis://[[user]:password@]host[:port][/db])");
  };
  auto parsed = boost::urls::parse_uri(boost::core::string_view(text.data(), text.size()));
  if (!parsed) throw bad("not a URL");
  const auto& url = *parsed;
  if (url.scheme() != "redis") throw bad("the scheme must be redis://");
  if (url.has_query() || url.has_fragment()) throw bad("no query or fragment allowed");

  RedisUrl out;
  if (url.host_address().empty()) throw bad("no host");
  out.host = url.host_address();
  if (url.has_port()) {
    // port_number() wraps values above 65535, so read the digits ourselves.
    const std::string_view digits = url.port();
    unsigned long port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 ||
        port > 65535) {
      throw bad("the port must be 1 to 65535");
    }
    out.port = static_cast<unsigned short>(port);
  }
  if (url.has_userinfo()) {
    // redis-cli's form: the password always follows a ':'; a bare "name@" would send no password.
    if (!url.has_password()) throw bad("the user info must be [user]:password");
    out.user = url.user();
    out.password = url.password();
  }
  std::string_view path = url.encoded_path();
  if (!path.empty() && path != "/") {
    path.remove_prefix(1);
    int db = -1;
    const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), db);
    if (ec != std::errc() || end != path.data() + path.size() || db < 0) {
      throw bad("the database must be a number");
    }
    out.db = db;
  }
  return out;
}

}  // namespace rollcall::tools::import
