// rollcall-admin ticket issue|rotate-key: beacon tickets, so that a public virtual-event page
// lets its participant be online (as exactly that participant) without holding a platform token.
#include <iostream>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "rollcall/v1/auth.pb.h"
#include "services/auth/ticket.h"
#include "services/presence/ticket_claims.h"
#include "services/registry/country_codes.h"
#include "services/store/access_call.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace auth = services::auth;
namespace store = services::store;

// The event's ticket key, made now if it has none (HSETNX: a gateway making one at the same
// moment wins or loses cleanly, and both use the one stored).
std::string ticket_key(redis::SyncSession& redis, const std::string& event_id) {
  const auto secrets = store::secrets_key(event_id);
  const std::string field(store::kTicketKeyField);
  redis.query(store::secret_create(event_id, field, auth::generate_ticket_key()));
  const auto hex = stored(store::read_field(redis.query(store::secret_read(event_id, field))),
                          "the ticket key of " + event_id);
  auto key = auth::ticket_key_bytes(hex.value_or(""));
  if (!key) {
    throw AdminError(secrets + " " + field +
                     " is not a ticket key (64 hex digits): `ticket rotate-key` replaces it");
  }
  return *key;
}

v1::Event event_config(redis::SyncSession& redis, const std::string& event_id) {
  v1::Event config;
  const auto json = stored(store::read_field(redis.query(store::event_config_read(event_id))),
                           "the configuration of " + event_id);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (json && !google::protobuf::util::JsonStringToMessage(*json, &config, options).ok()) {
    throw AdminError("the configuration of " + event_id + " in Redis is unreadable");
  }
  config.set_event_id(event_id);
  return config;
}

int issue(int argc, char** argv) {
  const std::string program = "rollcall-admin ticket issue";
  po::options_description options(
      "Usage: rollcall-admin ticket issue --event EVENT --participant ID [--badge B]\n"
      "                                   [--country CC] [--category C] [--expires-in 8h]\n"
      "                                   [--redis URL]\n\n"
      "Prints a beacon ticket alone on stdout: it lets exactly this participant be present\n"
      "on /v1/online?event=EVENT&ticket=TICKET (or the subprotocol rollcall.ticket.TICKET)\n"
      "until it expires, and nothing else. Country, category and badge are part of the\n"
      "ticket: its holder cannot change them. Platforms get tickets from the gateway\n"
      "instead (POST /v1/events/EVENT/tickets with a platform token).\n\nOptions",
      100, 50);
  EventOptions event;
  v1::TicketRequest wanted;
  std::string participant, badge, country, category, expires_in = "8h";
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  // clang-format off
  options.add_options()
    ("participant", po::value(&participant)->value_name("ID"),
     "the participant's id on the platform (required)")
    ("badge", po::value(&badge)->value_name("B"), "their badge id, when registered on site too")
    ("country", po::value(&country)->value_name("CC"), "ISO 3166-1 alpha-2 code")
    ("category", po::value(&category)->value_name("C"), "one of the event's categories")
    ("expires-in", po::value(&expires_in)->value_name("N{s|m|h|d}"),
     "lifetime from now, at most 7d (default 8h)");
  // clang-format on
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (!values.count("participant")) return cli::usage_error(program, "--participant is required");
  const auto lifetime = parse_lifetime(expires_in);
  if (!lifetime || *lifetime > auth::kMaxTicketLifetimeSeconds) {
    return cli::usage_error(program, "--expires-in \"" + expires_in +
                                         "\" is not a lifetime like 90m or 8h (at most 7d)");
  }
  wanted.set_participant_id(participant);
  wanted.set_badge_id(badge);
  wanted.set_country(country);
  wanted.set_category(category);
  wanted.set_expires_in_seconds(*lifetime);

  auto redis = open_event(event);
  const auto countries = services::registry::CountryCodes::load();
  v1::BeaconTicket claims;
  if (auto why =
          services::presence::ticket_claims(wanted, countries, event_config(redis, event.event_id),
                                            now_timestamp().seconds(), &claims)) {
    return cli::usage_error(program, *why);
  }
  std::cout << auth::sign_ticket(claims, ticket_key(redis, event.event_id)) << '\n' << std::flush;
  std::cerr << "ticket for participant " << claims.participant_id() << " of " << event.event_id
            << ", expires "
            << time_text(google::protobuf::util::TimeUtil::SecondsToTimestamp(claims.expires_at()))
            << '\n';
  return 0;
}

int rotate_key(int argc, char** argv) {
  const std::string program = "rollcall-admin ticket rotate-key";
  po::options_description options(
      "Usage: rollcall-admin ticket rotate-key --event EVENT [--redis URL]\n\n"
      "Replaces the event's ticket key: every ticket issued so far is refused from now on\n"
      "(gateways notice within 5 s; beacons already open stay open). New tickets use the new\n"
      "key.\n\nOptions",
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
  redis.query(store::ticket_key_write(event.event_id, auth::generate_ticket_key()));
  std::cerr << "new ticket key for " << event.event_id
            << ": every ticket issued before is refused from now on\n";
  return 0;
}

}  // namespace

int ticket_command(std::string_view action, int argc, char** argv) {
  if (action == "issue") return issue(argc, argv);
  if (action == "rotate-key") return rotate_key(argc, argv);
  return cli::usage_error("rollcall-admin ticket",
                          "unknown action \"" + std::string(action) + "\" (issue, rotate-key)");
}

}  // namespace rollcall::tools::admin
