#include "gateway/redis/url.h"

#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace rollcall::gateway::redis {

namespace {

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// Digits only, within [min, max]; from_chars alone would accept "+1" in some forms or trailing
// junk if we did not check the end pointer.
bool parse_number(std::string_view text, long long min, long long max, long long& out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  out = value;
  return true;
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text, std::string* error) {
  const std::string quoted = "'" + std::string(text) + "'";
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    fail(error,
         "bad redis URL " + quoted + ": expected redis://[[user]:password@]host[:port][/db]");
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;

  if (u.scheme() != "redis") {
    fail(error, "bad redis URL " + quoted + ": scheme must be redis://");
    return std::nullopt;
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    fail(error, "bad redis URL " + quoted + ": missing host");
    return std::nullopt;
  }
  if (u.has_query() || u.has_fragment()) {
    fail(error, "bad redis URL " + quoted + ": query and fragment are not supported");
    return std::nullopt;
  }

  Url url;
  // host_address() drops the brackets of an IPv6 literal, which is what hiredis wants.
  url.host = u.host_address();

  if (u.has_port()) {
    long long port = 0;
    if (!parse_number(u.port(), 1, 65535, port)) {
      fail(error, "bad redis URL " + quoted + ": port must be a number from 1 to 65535");
      return std::nullopt;
    }
    url.port = static_cast<unsigned short>(port);
  }

  if (u.has_userinfo()) {
    // Without the colon it is ambiguous (user or password?), so we ask for the explicit form.
    if (!u.has_password()) {
      fail(error,
           "bad redis URL " + quoted + ": write the password as redis://[user]:password@host");
      return std::nullopt;
    }
    url.username = u.user();
    url.password = u.password();
  }

  std::string_view path = u.encoded_path();
  if (!path.empty() && path != "/") {
    long long db = 0;
    if (path.front() != '/' || !parse_number(path.substr(1), 0, 1 << 20, db)) {
      fail(error, "bad redis URL " + quoted + ": database must be a number, as in /0");
      return std::nullopt;
    }
    url.db = static_cast<int>(db);
  }
  return url;
}

}  // namespace rollcall::gateway::redis
