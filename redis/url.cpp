#include "redis/url.h"

#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace rollcall::redis {

namespace {

constexpr std::string_view plain_scheme = "redis://";
constexpr std::string_view sentinel_scheme = "redis+sentinel://";
constexpr std::string_view cluster_scheme = "redis+cluster://";
constexpr unsigned short default_sentinel_port = 26379;
constexpr unsigned short default_port = 6379;

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

bool parse_port(std::string_view text, unsigned short& port) {
  long long value = 0;
  if (!parse_number(text, 1, 65535, value)) return false;
  port = static_cast<unsigned short>(value);
  return true;
}

bool parse_db(std::string_view text, int& db) {
  long long value = 0;
  if (!parse_number(text, 0, 1 << 20, value)) return false;
  db = static_cast<int>(value);
  return true;
}

// user:password@ of either form.
bool parse_userinfo(const boost::urls::url_view& u, const std::string& quoted, Url& url,
                    std::string* error) {
  if (!u.has_userinfo()) return true;
  // Without the colon it is ambiguous (user or password?), so we ask for the explicit form.
  if (!u.has_password()) {
    return fail(error,
                "bad redis URL " + quoted + ": write the password as redis://[user]:password@host");
  }
  url.username = u.user();
  url.password = u.password();
  return true;
}

std::optional<Url> parse_plain(std::string_view text, const std::string& quoted,
                               std::string* error) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    fail(error,
         "bad redis URL " + quoted + ": expected redis://[[user]:password@]host[:port][/db]");
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;
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
  if (u.has_port() && !parse_port(u.port(), url.port)) {
    fail(error, "bad redis URL " + quoted + ": port must be a number from 1 to 65535");
    return std::nullopt;
  }
  if (!parse_userinfo(u, quoted, url, error)) return std::nullopt;

  std::string_view path = u.encoded_path();
  if (!path.empty() && path != "/") {
    if (path.front() != '/' || !parse_db(path.substr(1), url.db)) {
      fail(error, "bad redis URL " + quoted + ": database must be a number, as in /0");
      return std::nullopt;
    }
  }
  return url;
}

// The host list holds commas, which no URI parser accepts in an authority with ports, so it is
// split off by hand; the rest (userinfo, path, query) goes through Boost.URL with a stand-in
// host. `rest` is the text after the scheme; `tail` gets what follows the hosts, `userinfo`
// the user and password with their '@'.
bool parse_hosts(std::string_view rest, const std::string& quoted, const std::string& form,
                 std::string_view what, unsigned short port, std::vector<Url::Endpoint>& hosts,
                 std::string_view& userinfo, std::string_view& tail, std::string* error) {
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  tail = rest.substr(authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at + 1);  // with the '@'
    authority.remove_prefix(at + 1);
  }
  while (true) {
    const size_t comma = authority.find(',');
    const std::string_view entry = authority.substr(0, comma);
    auto host = boost::urls::parse_authority(entry);
    if (entry.empty() || !host || host->has_userinfo() || host->encoded_host().empty()) {
      return fail(error, "bad redis URL " + quoted + ": bad " + std::string(what) + " address '" +
                             std::string(entry) + "'" + form);
    }
    Url::Endpoint endpoint{host->host_address(), port};
    if (host->has_port() && !parse_port(host->port(), endpoint.port)) {
      return fail(error, "bad redis URL " + quoted + ": port must be a number from 1 to 65535");
    }
    hosts.push_back(std::move(endpoint));
    if (comma == std::string_view::npos) return true;
    authority.remove_prefix(comma + 1);
  }
}

std::optional<Url> parse_cluster(std::string_view text, const std::string& quoted,
                                 std::string* error) {
  const std::string form =
      ": expected redis+cluster://[[user]:password@]host[:port][,host[:port]...]";
  Url url;
  std::string_view userinfo, tail;
  if (!parse_hosts(text.substr(cluster_scheme.size()), quoted, form, "node", default_port,
                   url.nodes, userinfo, tail, error)) {
    return std::nullopt;
  }
  // A cluster has database 0 only: no path, no options.
  if (!tail.empty() && tail != "/") {
    fail(error,
         "bad redis URL " + quoted + ": a cluster URL has no database, path or options" + form);
    return std::nullopt;
  }
  const std::string rebuilt = "redis://" + std::string(userinfo) + "cluster";  // outlives the view
  auto parsed = boost::urls::parse_uri(rebuilt);
  if (!parsed || !parse_userinfo(*parsed, quoted, url, error)) {
    if (!parsed) fail(error, "bad redis URL " + quoted + form);
    return std::nullopt;
  }
  url.host = url.nodes.front().host;
  url.port = url.nodes.front().port;
  return url;
}

std::optional<Url> parse_sentinel(std::string_view text, const std::string& quoted,
                                  std::string* error) {
  const std::string form =
      ": expected redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/MASTERNAME"
      "[?db=N]";
  Url url;
  url.host.clear();
  url.port = 0;
  std::string_view userinfo, tail;
  if (!parse_hosts(text.substr(sentinel_scheme.size()), quoted, form, "sentinel",
                   default_sentinel_port, url.sentinels, userinfo, tail, error)) {
    return std::nullopt;
  }

  const std::string rebuilt = "redis://" + std::string(userinfo) + "sentinel" + std::string(tail);
  auto parsed = boost::urls::parse_uri(rebuilt);
  if (!parsed) {
    fail(error, "bad redis URL " + quoted + form);
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;
  if (!parse_userinfo(u, quoted, url, error)) return std::nullopt;
  if (u.has_fragment()) {
    fail(error, "bad redis URL " + quoted + ": fragment is not supported");
    return std::nullopt;
  }
  const auto segments = u.segments();
  if (segments.size() != 1 || (*segments.begin()).empty()) {
    fail(error, "bad redis URL " + quoted + ": the path must be the master name, as in /mymaster");
    return std::nullopt;
  }
  url.master_name = *segments.begin();
  for (const auto& param : u.params()) {
    if (param.key == "db") {
      if (!param.has_value || !parse_db(param.value, url.db)) {
        fail(error, "bad redis URL " + quoted + ": db must be a number, as in ?db=0");
        return std::nullopt;
      }
    } else if (param.key == "sentinel_password") {
      url.sentinel_password = param.value;
    } else {
      fail(error, "bad redis URL " + quoted + ": unknown option '" + param.key +
                      "' (known: db, sentinel_password)");
      return std::nullopt;
    }
  }
  return url;
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text, std::string* error) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.starts_with(sentinel_scheme)) return parse_sentinel(text, quoted, error);
  if (text.starts_with(cluster_scheme)) return parse_cluster(text, quoted, error);
  if (!text.starts_with(plain_scheme)) {
    if (text.find("://") != std::string_view::npos) {
      fail(error, "bad redis URL " + quoted +
                      ": scheme must be redis://, redis+sentinel:// or redis+cluster://");
    } else {
      fail(error,
           "bad redis URL " + quoted + ": expected redis://[[user]:password@]host[:port][/db]");
    }
    return std::nullopt;
  }
  return parse_plain(text, quoted, error);
}

std::string Url::Endpoint::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Url::Endpoint Url::Endpoint::of_text(std::string_view text) {
  const auto colon = text.rfind(':');
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned short port = 0;
  if (colon != std::string_view::npos) {
    std::from_chars(text.data() + colon + 1, text.data() + text.size(), port);
  }
  return Endpoint{std::string(host), port};
}

std::string Url::where() const {
  if (!sentinel() && !cluster()) return host + ":" + std::to_string(port);
  std::string out = cluster() ? "cluster via " : "sentinel master " + master_name + " via ";
  const auto& hosts = cluster() ? nodes : sentinels;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (i > 0) out += ',';
    out += hosts[i].text();
  }
  return out;
}

}  // namespace rollcall::redis
