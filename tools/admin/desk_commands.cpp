// rollcall-admin desk list|forget: the desks an event's totals track. A desk is its token; a desk
// that should no longer show (its tablet was lost, or a made-up desk id from before desks were
// bound to tokens) is forgotten: its counters go, its scans stay counted and logged.
#include <iostream>
#include <map>

#include "rollcall/v1/auth.pb.h"
#include "services/auth/token.h"
#include "services/auth/token_check.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/text_table.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace auth = services::auth;
namespace store = services::store;

int forget(int argc, char** argv) {
  const std::string program = "rollcall-admin desk forget";
  po::options_description options(
      "Usage: rollcall-admin desk forget --event EVENT --desk ID [--desk ID...] [--redis URL]\n\n"
      "Removes desks from the event's totals at once (their counters; displays drop them).\n"
      "Their scans stay counted and logged; a forgotten desk that scans again is counted but\n"
      "not shown, until a token is issued for its desk id anew (token issue --desk ID).\n"
      "token revoke --forget-desk revokes a desk's token and forgets its desk.\n\nOptions",
      100, 50);
  EventOptions event;
  std::vector<std::string> desks;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  options.add_options()("desk", po::value(&desks)->value_name("ID"),
                        "a desk id as `desk list` shows it (required, repeatable)");
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (desks.empty()) return cli::usage_error(program, "--desk is required");

  auto redis = open_event(event);
  int forgotten = 0;
  for (const auto& desk : desks) {
    const auto removed = forget_desk(redis, event.event_id, desk);
    if (removed > 0) ++forgotten;
    std::cerr << "desk " << desk << (removed > 0 ? " removed from" : " was not in")
              << " the totals of " << event.event_id << '\n';
  }
  std::cerr << forgotten << " of " << desks.size() << " desk" << (desks.size() == 1 ? "" : "s")
            << " forgotten\n";
  return 0;
}

int list(int argc, char** argv) {
  const std::string program = "rollcall-admin desk list";
  po::options_description options(
      "Usage: rollcall-admin desk list --event EVENT [--redis URL]\n\n"
      "Lists the desks in the event's totals: desk id, scans, rejected, and the desk tokens\n"
      "that scan for it (state in brackets), or \"no token\" for a desk no token names.\n\n"
      "Options",
      100, 50);
  EventOptions event;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);

  auto redis = open_event(event);
  struct Desk {
    std::string scans = "0", rejected = "0";
    std::string tokens;
  };
  std::map<std::string, Desk> desks;
  const auto counters = stored(store::read_hash(redis.query(store::counters_read(event.event_id))),
                               "the counters of " + event.event_id);
  for (const auto& [counter, value] : counters) {
    std::string_view name = counter;
    if (!name.starts_with("desk:")) continue;
    name.remove_prefix(5);
    const auto colon = name.rfind(':');
    if (colon == std::string_view::npos) continue;
    auto& desk = desks[std::string(name.substr(0, colon))];
    if (name.substr(colon + 1) == "scans") desk.scans = value;
    if (name.substr(colon + 1) == "rejected") desk.rejected = value;
  }
  const auto tokens = stored(store::read_hash(redis.query(store::tokens_read(event.event_id))),
                             "the tokens of " + event.event_id);
  const auto now = std::chrono::system_clock::now();
  for (const auto& [hash, json] : tokens) {
    v1::TokenRecord record;
    from_json(json, &record, "token " + auth::token_id(hash) + " of " + event.event_id);
    if (record.role() != v1::desk) continue;
    const auto found = desks.find(auth::desk_id_of(record));
    if (found == desks.end()) continue;
    auto& text = found->second.tokens;
    if (!text.empty()) text += ", ";
    const auto verdict = auth::check_token(&record, now);
    text += record.id() + " (" +
            (verdict == auth::TokenVerdict::ok ? "active" : auth::verdict_name(verdict)) + ")";
  }
  TextTable table({"DESK", "SCANS", "REJECTED", "TOKENS"});
  for (const auto& [id, desk] : desks) {
    table.add({id, desk.scans, desk.rejected, desk.tokens.empty() ? "no token" : desk.tokens});
  }
  table.print(std::cout);
  std::cerr << desks.size() << " desk" << (desks.size() == 1 ? "" : "s") << " in the totals of "
            << event.event_id << '\n';
  return 0;
}

}  // namespace

int desk_command(std::string_view action, int argc, char** argv) {
  if (action == "forget") return forget(argc, argv);
  if (action == "list") return list(argc, argv);
  return cli::usage_error("rollcall-admin desk",
                          "unknown action \"" + std::string(action) + "\" (list, forget)");
}

}  // namespace rollcall::tools::admin
