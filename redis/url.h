#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollcall::redis {

// Where Redis is, in one of three forms:
//
//   redis://[[user]:password@]host[:port][/db]
//     one server (port 6379 by default).
//
//   redis+sentinel://[[user]:password@]host1[:port1][,host2[:port2]...]/MASTERNAME[?options]
//     the primary of MASTERNAME, as Redis Sentinel reports it; the hosts are the sentinels
//     (port 26379 by default), asked in turn on every (re)connect. The user and password
//     authenticate to the primary, not to the sentinels. Options (query parameters):
//       db=N                       database to SELECT (default 0)
//       sentinel_password=SECRET   AUTH sent to each sentinel (requirepass of the sentinels)
//     e.g. redis+sentinel://:s3cret@10.0.0.1,10.0.0.2:26380,[::1]/rollcall?db=2
//
//   redis+cluster://[[user]:password@]host1[:port1][,host2[:port2]...]
//     a Redis Cluster (port 6379 by default): the hosts are some of its primaries, asked for the
//     slot map (redis::ClusterCommands); the user and password authenticate to every node.
//     host and port are the first of them (a single link, such as the subscriber, starts there
//     and tries the others in turn).
//     e.g. redis+cluster://:s3cret@127.0.0.1:7000,127.0.0.1:7001
//
// Percent-encoding works in the user, password, master name and option values.
struct Url {
  struct Endpoint {
    std::string host;
    unsigned short port = 0;

    // "host:port", an IPv6 literal in brackets: how logs and cluster replies name a node.
    std::string text() const;
    // The inverse of text(): the host without brackets. Port 0 when `text` has none.
    static Endpoint of_text(std::string_view text);
  };

  // The server (plain form). In the Sentinel form these are unused: the primary's address is
  // only known at connect time.
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string username;
  std::string password;
  int db = 0;

  // Sentinel form only (sentinels is empty in the plain form).
  std::vector<Endpoint> sentinels;
  std::string master_name;
  std::string sentinel_password;

  bool sentinel() const { return !sentinels.empty(); }

  // Cluster form only (empty otherwise).
  std::vector<Endpoint> nodes;
  bool cluster() const { return !nodes.empty(); }

  // nullopt and a one-line reason in *error when the text is not such a URL.
  static std::optional<Url> parse(std::string_view text, std::string* error);

  // For logs; never contains a secret. "host:port", "sentinel master NAME via h1:p1,h2:p2", or
  // "cluster via h1:p1,h2:p2".
  std::string where() const;
};

}  // namespace rollcall::redis
