// rollcall-admin token issue|revoke|list: access tokens for devices and people, stored hashed.
#include <algorithm>
#include <iostream>

#include <google/protobuf/util/time_util.h>

#include "rollcall/v1/auth.pb.h"
#include "services/auth/access.h"
#include "services/auth/token.h"
#include "services/auth/token_check.h"
#include "services/checkin/scan_validator.h"
#include "services/registry/utf8.h"
#include "services/store/access_call.h"
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
using google::protobuf::util::TimeUtil;

constexpr std::size_t kMaxNameBytes = 200;
constexpr long long kMaxLifetimeSeconds = 10LL * 366 * 24 * 3600;

struct StoredToken {
  std::string hash;
  v1::TokenRecord record;
};

std::vector<StoredToken> read_tokens(redis::SyncSession& redis, const std::string& event_id) {
  auto fields = stored(store::read_hash(redis.query(store::tokens_read(event_id))),
                       "the tokens of " + event_id);
  std::vector<StoredToken> tokens;
  for (auto& [hash, json] : fields) {
    StoredToken token;
    token.hash = std::move(hash);
    from_json(json, &token.record, "token " + auth::token_id(token.hash) + " of " + event_id);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// The events a token of `options` also opens: a venue's member events, none for an event.
std::vector<std::string> member_events(redis::SyncSession& redis, const EventOptions& options) {
  if (options.venue_id.empty()) return {};
  return venue_events(redis, options.venue_id);
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

int issue(int argc, char** argv) {
  const std::string program = "rollcall-admin token issue";
  po::options_description options(
      "Usage: rollcall-admin token issue --event EVENT --role ROLE --name NAME [--desk ID]\n"
      "                                  [--scope registration] [--expires-in 12h | --expires-at\n"
      "                                  TIME] [--redis URL]\n\n"
      "Issues an access token for one device or person and prints it alone on stdout; it is\n"
      "shown only this once (Redis keeps its SHA-256). Roles: desk (scans, sees the attendee\n"
      "just scanned), platform (reports online presence, issues beacon tickets), display\n"
      "(aggregated totals only), organizer (everything, exports). A desk is its token: every\n"
      "scan made with a desk token counts for its --desk (default: the token's id), whatever\n"
      "desk_id the frames carry. A desk token with --scope registration may also find attendees\n"
      "by name, check people in by hand, replace lost badges, register walk-ins and print\n"
      "badges.\n\nOptions",
      100, 50);
  EventOptions event;
  event.venue_allowed = true;
  std::string role_text, name, desk_id, expires_in, expires_at;
  std::vector<std::string> scope_texts;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  // clang-format off
  options.add_options()
    ("role", po::value(&role_text)->value_name("ROLE"),
     "desk, platform, display or organizer (required)")
    ("name", po::value(&name)->value_name("NAME"),
     "who or what holds it, e.g. \"Desk 4, hall A\" (required)")
    ("desk", po::value(&desk_id)->value_name("ID"),
     "desk tokens: the desk its scans count for, e.g. hall-a-4 (1-64 letters, digits or _.:-; "
     "default: the token's id)")
    ("scope", po::value(&scope_texts)->value_name("SCOPE"),
     "desk tokens: an extra permission; registration (find, check in by hand, replace, "
     "register walk-ins, print). Repeatable")
    ("expires-in", po::value(&expires_in)->value_name("N{s|m|h|d}"),
     "lifetime from now, e.g. 12h or 5d (default: no expiry)")
    ("expires-at", po::value(&expires_at)->value_name("TIME"),
     "expiry as RFC 3339 / ISO 8601, e.g. 2025-07-11T20:00:00Z or 2025-07-11T22:00:00+02:00");
  // clang-format on
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (!values.count("role")) return cli::usage_error(program, "--role is required");
  const auto role = auth::parse_role(role_text);
  if (!role) {
    return cli::usage_error(
        program, "--role \"" + role_text + "\" is not one of desk, platform, display, organizer");
  }
  if (!values.count("name")) return cli::usage_error(program, "--name is required");
  if (name.empty() || name.size() > kMaxNameBytes || !services::registry::is_valid_utf8(name) ||
      has_control(name)) {
    return cli::usage_error(program,
                            "--name must be 1 to 200 bytes of UTF-8 text without control "
                            "characters");
  }
  if (values.count("desk")) {
    if (*role != v1::desk) return cli::usage_error(program, "--desk is for desk tokens only");
    if (!services::checkin::is_identifier(desk_id)) {
      return cli::usage_error(program, "--desk must be 1 to 64 letters, digits or _.:-");
    }
  }
  std::vector<v1::Scope> scopes;
  for (const auto& text : scope_texts) {
    if (*role != v1::desk) return cli::usage_error(program, "--scope is for desk tokens only");
    const auto scope = auth::parse_scope(text);
    if (!scope) return cli::usage_error(program, "--scope \"" + text + "\" is not registration");
    if (std::find(scopes.begin(), scopes.end(), *scope) == scopes.end()) scopes.push_back(*scope);
  }
  if (values.count("expires-in") && values.count("expires-at")) {
    return cli::usage_error(program, "give --expires-in or --expires-at, not both");
  }

  v1::TokenRecord record;
  record.set_role(*role);
  record.set_name(name);
  record.set_desk_id(desk_id);
  for (const auto scope : scopes) record.add_scopes(scope);
  *record.mutable_issued_at() = now_timestamp();
  if (values.count("expires-in")) {
    const auto seconds = parse_lifetime(expires_in);
    if (!seconds || *seconds > kMaxLifetimeSeconds) {
      return cli::usage_error(program, "--expires-in \"" + expires_in +
                                           "\" is not a lifetime like 90m, 12h or 5d (at most "
                                           "10 years)");
    }
    *record.mutable_expires_at() =
        TimeUtil::SecondsToTimestamp(record.issued_at().seconds() + *seconds);
  } else if (values.count("expires-at")) {
    google::protobuf::Timestamp at;
    if (!TimeUtil::FromString(expires_at, &at)) {
      return cli::usage_error(
          program, "--expires-at \"" + expires_at + "\" is not a time like 2025-07-11T20:00:00Z");
    }
    if (at <= record.issued_at()) {
      return cli::usage_error(program, "--expires-at " + expires_at + " is in the past");
    }
    at.set_nanos(0);  // whole seconds, as everything else in rollcall
    *record.mutable_expires_at() = at;
  }

  auto redis = open_event(event);
  const auto token = auth::generate_token();
  const auto hash = auth::token_hash(token);
  record.set_id(auth::token_id(hash));
  const bool added = stored(
      store::read_created(redis.query(store::token_create(event.event_id, hash, to_json(record)))),
      "the new token");
  if (!added) throw AdminError("a token with this hash exists already; try again");
  // A venue's token opens each of its events too (the venue wall shows them side by side; a
  // desk of the venue scans for any of them). Revoking it revokes it everywhere.
  for (const auto& member : member_events(redis, event)) {
    redis.query(store::token_write(member, hash, to_json(record)));
  }
  if (*role == v1::desk && !desk_id.empty()) {
    // A desk forgotten earlier (its tablet lost) shows again under its new token.
    const bool back =
        stored(store::read_created(redis.query(store::desk_unforget(event.event_id, desk_id))),
               "the forgotten desks");
    if (back) std::cerr << "desk " << desk_id << " was forgotten; it shows again\n";
  }

  std::cout << token << '\n' << std::flush;
  std::cerr << "issued " << auth::role_name(*role) << " token " << record.id() << " (\"" << name
            << "\")"
            << (*role == v1::desk ? " for desk " + auth::desk_id_of(record) : std::string())
            << (scopes.empty() ? std::string() : " with scope registration") << " of "
            << event.event_id << ", expires "
            << (record.has_expires_at() ? time_text(record.expires_at()) : "never")
            << ". It is shown only now: hand it to its holder.\n";
  return 0;
}

int revoke(int argc, char** argv) {
  const std::string program = "rollcall-admin token revoke";
  po::options_description options(
      "Usage: rollcall-admin token revoke --event EVENT --id ID [--forget-desk] [--redis URL]\n\n"
      "Revokes a token at once: the gateway refuses it from now on. ID is the 12-digit id\n"
      "that token list shows. --forget-desk also removes a desk token's desk from the totals\n"
      "(its counters; displays drop it); its scans stay counted and logged.\n\nOptions",
      100, 50);
  EventOptions event;
  event.venue_allowed = true;
  std::string id;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  options.add_options()("id", po::value(&id)->value_name("ID"), "the token's id (required)")(
      "forget-desk", "desk tokens: remove the desk from the event's totals too");
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (!values.count("id")) return cli::usage_error(program, "--id is required");

  auto redis = open_event(event);
  auto tokens = read_tokens(redis, event.event_id);
  std::vector<StoredToken*> matches;
  for (auto& token : tokens) {
    if (token.record.id() == id) matches.push_back(&token);
  }
  if (matches.empty()) {
    throw AdminError("no token " + id + " in " + event.event_id + " (see token list)");
  }
  if (matches.size() > 1) throw AdminError("several tokens have the id " + id);
  auto& token = *matches.front();
  const bool forget = values.count("forget-desk") > 0;
  if (forget && !event.venue_id.empty()) {
    return cli::usage_error(program, "--forget-desk is per event: give --event");
  }
  if (forget && token.record.role() != v1::desk) {
    throw AdminError("token " + id + " is a " + std::string(auth::role_name(token.record.role())) +
                     " token: only desk tokens have a desk to forget");
  }
  if (token.record.has_revoked_at()) {
    std::cerr << "token " << id << " (\"" << token.record.name() << "\") was revoked already at "
              << time_text(token.record.revoked_at()) << '\n';
  } else {
    *token.record.mutable_revoked_at() = now_timestamp();
    redis.query(store::token_write(event.event_id, token.hash, to_json(token.record)));
    for (const auto& member : member_events(redis, event)) {
      // Only where it is the same token (a member event never had it if added to the venue later).
      if (stored(store::read_exists(redis.query(store::token_exists_read(member, token.hash))),
                 "the tokens of " + member)) {
        redis.query(store::token_write(member, token.hash, to_json(token.record)));
      }
    }
    std::cerr << "revoked " << auth::role_name(token.record.role()) << " token " << id << " (\""
              << token.record.name() << "\") of " << event.event_id << '\n';
  }
  if (forget) {
    // Revoked first: a desk still scanning would otherwise reappear at its next scan (until the
    // gateways' token cache, at most 5 s, has seen the revocation).
    const auto desk = auth::desk_id_of(token.record);
    const auto removed = forget_desk(redis, event.event_id, desk);
    std::cerr << "desk " << desk << (removed > 0 ? " removed from" : " was not in")
              << " the totals of " << event.event_id << '\n';
  }
  return 0;
}

int list(int argc, char** argv) {
  const std::string program = "rollcall-admin token list";
  po::options_description options(
      "Usage: rollcall-admin token list --event EVENT [--redis URL]\n\n"
      "Lists the event's tokens, oldest first: id, role (with scopes, e.g. desk+registration),\n"
      "desk (desk tokens), name, issued,\n"
      "expires, state (active, expired or revoked). Tokens themselves are never stored, so\n"
      "never shown.\n\n"
      "Options",
      100, 50);
  EventOptions event;
  event.venue_allowed = true;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);

  auto redis = open_event(event);
  auto tokens = read_tokens(redis, event.event_id);
  std::sort(tokens.begin(), tokens.end(), [](const StoredToken& a, const StoredToken& b) {
    if (a.record.issued_at() != b.record.issued_at()) {
      return a.record.issued_at() < b.record.issued_at();
    }
    return a.record.id() < b.record.id();
  });
  const auto now = std::chrono::system_clock::now();
  TextTable table({"ID", "ROLE", "DESK", "NAME", "ISSUED", "EXPIRES", "STATE"});
  for (const auto& token : tokens) {
    const auto& r = token.record;
    const auto verdict = auth::check_token(&r, now);
    auto role = std::string(auth::role_name(r.role()));
    for (const int scope : r.scopes()) {
      if (v1::Scope_IsValid(scope)) role += "+" + std::string(auth::scope_name(v1::Scope(scope)));
    }
    table.add({r.id(), role, r.role() == v1::desk ? auth::desk_id_of(r) : "-", r.name(),
               time_text(r.issued_at()), time_text(r.expires_at(), r.has_expires_at()),
               verdict == auth::TokenVerdict::ok ? "active" : auth::verdict_name(verdict)});
  }
  table.print(std::cout);
  std::cerr << tokens.size() << " token" << (tokens.size() == 1 ? "" : "s") << " in "
            << event.event_id << '\n';
  return 0;
}

}  // namespace

int token_command(std::string_view action, int argc, char** argv) {
  if (action == "issue") return issue(argc, argv);
  if (action == "revoke") return revoke(argc, argv);
  if (action == "list") return list(argc, argv);
  return cli::usage_error("rollcall-admin token",
                          "unknown action \"" + std::string(action) + "\" (issue, revoke, list)");
}

}  // namespace rollcall::tools::admin
