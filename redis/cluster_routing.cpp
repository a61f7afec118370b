#include "redis/cluster_routing.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>
#include <vector>

#include "redis/hash_slot.h"

namespace rollcall::redis {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool one_of(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Route refuse(std::string why) {
  return Route{.kind = Route::Kind::refused, .refusal = std::move(why)};
}

// The route of keys args[first, last): one slot, or refused as CROSSSLOT.
Route by_keys(const std::vector<std::string>& args, std::size_t first, std::size_t last,
              const std::string& name) {
  last = std::min(last, args.size());
  if (first >= last) return Route{.kind = Route::Kind::any};
  const auto slot = key_slot(args[first]);
  for (std::size_t i = first + 1; i < last; ++i) {
    if (key_slot(args[i]) != slot) {
      return refuse("CROSSSLOT " + name + " names keys of different hash slots (" + args[first] +
                    ", " + args[i] + ")");
    }
  }
  return Route{.kind = Route::Kind::slot, .slot = slot};
}

bool parse_number(std::string_view text, long long& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

Route route_of(const Command& command) {
  const auto args = command.args();
  if (args.empty()) return refuse("an empty command");
  const auto name = upper(args[0]);
  if (one_of(name, {"MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"})) {
    return refuse(name + ": a transaction needs one connection to one node");
  }
  if (one_of(name, {"SCAN", "KEYS", "RANDOMKEY", "FLUSHALL", "FLUSHDB", "SELECT", "SWAPDB",
                    "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "ASKING", "READONLY"})) {
    return refuse(name + " is about one node, not the cluster");
  }
  if (name == "SORT" || name == "SORT_RO") {
    // Redis 7.0 Cluster denies GET and BY patterns even within the key's hash tag ("ERR GET
    // option of SORT denied in Cluster mode"); the registry reads use rollcall_registry instead.
    for (std::size_t i = 2; i < args.size(); ++i) {
      const auto option = upper(args[i]);
      if (option == "GET" ||
          (option == "BY" && i + 1 < args.size() && upper(args[i + 1]) != "NOSORT")) {
        return refuse(name + " with a " + option + " pattern is denied by Redis Cluster");
      }
    }
  }
  if (one_of(name, {"FCALL", "FCALL_RO", "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"})) {
    long long count = 0;
    if (args.size() < 3 || !parse_number(args[2], count) || count < 0 ||
        static_cast<std::size_t>(count) > args.size() - 3) {
      return refuse(name + " without a valid number of keys");
    }
    auto route = by_keys(args, 3, 3 + static_cast<std::size_t>(count), name);
    route.script = true;
    return route;
  }
  if (one_of(name, {"DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "SUNION", "SINTER", "SDIFF",
                    "SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE"})) {
    return by_keys(args, 1, args.size(), name);
  }
  if (one_of(name, {"RENAME", "RENAMENX", "SMOVE", "RPOPLPUSH", "LMOVE", "COPY"})) {
    return by_keys(args, 1, 3, name);
  }
  if (one_of(name, {"XINFO", "OBJECT", "MEMORY"})) return by_keys(args, 2, 3, name);
  if (one_of(name, {"PING", "ECHO", "INFO", "CONFIG", "TIME", "FUNCTION", "SCRIPT", "CLUSTER",
                    "CLIENT", "COMMAND", "ROLE", "WAIT", "PUBLISH", "HELLO", "AUTH", "DBSIZE",
                    "LASTSAVE", "SLOWLOG", "LATENCY"})) {
    return Route{.kind = Route::Kind::any};
  }
  return by_keys(args, 1, 2, name);
}

Redirect redirect_of(const Reply& reply) {
  if (!reply.is_error()) return {};
  const std::string_view text = reply.str;
  if (text.starts_with("TRYAGAIN")) return Redirect{.kind = Redirect::Kind::try_again};
  if (text.starts_with("CLUSTERDOWN")) return Redirect{.kind = Redirect::Kind::cluster_down};
  Redirect redirect;
  if (text.starts_with("MOVED ")) {
    redirect.kind = Redirect::Kind::moved;
  } else if (text.starts_with("ASK ")) {
    redirect.kind = Redirect::Kind::ask;
  } else {
    return {};
  }
  // "MOVED <slot> <host>:<port>"; the host may be empty (":6380") or an IPv6 literal.
  const auto slot_at = text.find(' ') + 1;
  const auto space = text.find(' ', slot_at);
  const auto colon = text.rfind(':');
  long long slot = -1;
  long long port = 0;
  if (space == std::string_view::npos || colon == std::string_view::npos || colon < space ||
      !parse_number(text.substr(slot_at, space - slot_at), slot) || slot < 0 ||
      slot >= kSlotCount || !parse_number(text.substr(colon + 1), port) || port <= 0 ||
      port > 65535) {
    return {};  // not a redirection we can follow: delivered as the error it is
  }
  redirect.slot = static_cast<std::uint16_t>(slot);
  redirect.host = std::string(text.substr(space + 1, colon - space - 1));
  if (redirect.host == "?") redirect.host.clear();
  redirect.port = static_cast<unsigned short>(port);
  return redirect;
}

Step next_step(const Reply& reply, const Route& route, int redirects, int waits,
               const RedirectLimits& limits) {
  auto redirect = redirect_of(reply);
  using K = Redirect::Kind;
  const auto wait = [&]() -> Step {
    if (waits >= limits.waits) return Step{.kind = Step::Kind::give_up};
    const auto delay = std::chrono::milliseconds(std::min(100, 10 << std::min(waits, 4)));
    return Step{.kind = Step::Kind::wait, .delay = delay};
  };
  switch (redirect.kind) {
    case K::none:
      return Step{.kind = Step::Kind::deliver};
    case K::moved:
      if (redirects >= limits.redirects) return Step{.kind = Step::Kind::give_up};
      return Step{.kind = Step::Kind::resend, .redirect = std::move(redirect)};
    case K::ask:
      // The slot is migrating. A script's undeclared keys may be split between both nodes, so
      // it waits for the move to finish (then MOVED) rather than run on the importing node.
      if (route.script) return wait();
      if (redirects >= limits.redirects) return Step{.kind = Step::Kind::give_up};
      return Step{.kind = Step::Kind::ask, .redirect = std::move(redirect)};
    case K::try_again:
    case K::cluster_down:
      return wait();
  }
  return Step{.kind = Step::Kind::deliver};
}

}  // namespace rollcall::redis
