// rollcall-admin shred | person export | person erase: personal data after the event
// (docs/privacy.md). Shredding removes every name, organization and person id of an event and
// pseudonymizes its identifiers, keeping every figure; a person's data can be exported (GDPR
// art. 15) or erased (art. 17) one person at a time, with the same rules.
#include <chrono>
#include <fstream>
#include <iostream>

#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/privacy_store.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void print_tally(const services::privacy::Tally& tally, std::ostream& out) {
  for (const auto& [what, count] : tally.lines()) out << "  " << what << ": " << count << '\n';
  out << "  log entries kept (same ids, counts unchanged): " << tally.log_total << '\n';
}

struct PersonOptions {
  EventOptions event;
  PersonSelector who;
  std::string out;

  void add_to(po::options_description& options, bool with_out) {
    event.add_to(options);
    // clang-format off
    options.add_options()
      ("badge", po::value(&who.badge_id)->value_name("B"), "the person of this badge")
      ("person", po::value(&who.person_id)->value_name("P"),
       "the person id (a replaced badge's person, or an imported person_id)")
      ("participant", po::value(&who.participant_id)->value_name("ID"),
       "the person of this online participant id");
    // clang-format on
    if (with_out) {
      options.add_options()("out,o", po::value(&out)->value_name("FILE")->default_value("-"),
                            "where to write the JSON; - is stdout");
    }
  }
  std::string check(const po::variables_map& values) {
    if (auto why = event.check(values); !why.empty()) return why;
    const int given = values.count("badge") + values.count("person") + values.count("participant");
    if (given != 1) return "give exactly one of --badge, --person, --participant";
    for (const auto* id : {&who.badge_id, &who.person_id, &who.participant_id}) {
      if (id->size() > 128) return "an id is at most 128 bytes";
    }
    return {};
  }
};

int person_export(int argc, char** argv) {
  const std::string program = "rollcall-admin person export";
  po::options_description options(
      "Usage: rollcall-admin person export --event EVENT (--badge B | --person P |\n"
      "                                    --participant ID) [--out FILE] [--redis URL]\n\n"
      "Writes everything the event stores about one person as one JSON document (an access\n"
      "request, GDPR art. 15): every badge of theirs (replaced ones too), their attendance\n"
      "state, their online participant records, the stored answers to their scans and joins,\n"
      "the registration desk's records, every log entry naming them, and the venue's person\n"
      "link. An unknown or erased person is refused (exit 1).\n\nOptions",
      100, 50);
  PersonOptions person;
  options.add_options()("help,h", "show this help and exit");
  person.add_to(options, true);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = person.check(values); !why.empty()) return cli::usage_error(program, why);
  auto redis = open_event(person.event);
  const auto json = export_person(redis, person.event.event_id, person.who, now_ms());
  if (person.out == "-") {
    std::cout << json << '\n';
  } else {
    const auto temp = person.out + ".part";
    {
      std::ofstream file(temp, std::ios::binary | std::ios::trunc);
      file << json << '\n';
      if (!file.flush()) throw AdminError("cannot write " + temp);
    }
    if (std::rename(temp.c_str(), person.out.c_str()) != 0) {
      throw AdminError("cannot write " + person.out);
    }
  }
  std::cerr << "exported what " << person.event.event_id << " stores about one person ("
            << json.size() << " bytes)\n";
  return 0;
}

int person_erase(int argc, char** argv) {
  const std::string program = "rollcall-admin person erase";
  po::options_description options(
      "Usage: rollcall-admin person erase --event EVENT (--badge B | --person P |\n"
      "                                   --participant ID) [--redis URL]\n\n"
      "Erases one person (an erasure request, GDPR art. 17) as `shred` does for everyone:\n"
      "their names and organizations go, their badge, person and participant ids become\n"
      "pseudonyms whose key is thrown away; every figure and the audit recount stay as they\n"
      "were. In one transaction with the rewritten log. An unknown person is refused (exit 1);\n"
      "a second request says the person was already erased.\n\nOptions",
      100, 50);
  PersonOptions person;
  options.add_options()("help,h", "show this help and exit");
  person.add_to(options, false);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = person.check(values); !why.empty()) return cli::usage_error(program, why);
  auto redis = open_event(person.event);
  const auto report = erase_person(redis, person.event.event_id, person.who, now_ms());
  if (report.already_erased) {
    std::cout << report.person << " of " << person.event.event_id
              << " was already erased: nothing to do\n";
    return 0;
  }
  std::cout << "erased person " << report.person << " of " << person.event.event_id << " ("
            << report.badges << " badge" << (report.badges == 1 ? "" : "s") << ", "
            << report.participants << " online participant id"
            << (report.participants == 1 ? "" : "s") << "; the last step took " << report.attempts
            << " attempt" << (report.attempts == 1 ? "" : "s") << "):\n";
  print_tally(report.tally, std::cout);
  return 0;
}

int shred(int argc, char** argv) {
  const std::string program = "rollcall-admin shred";
  po::options_description options(
      "Usage: rollcall-admin shred --event EVENT [--force] [--dry-run] [--redis URL]\n\n"
      "Removes the personal data of an event once it has ended: names and organizations,\n"
      "badge, person and participant ids (replaced by pseudonyms whose key is thrown away),\n"
      "free-text notes. Keeps every counter, the log's entries (same ids, same counts) and so\n"
      "every export's figures and the audit recount (rollcall-export verify). Runs once: a\n"
      "second run says so and changes nothing. Refused before the end of the event's last day\n"
      "(in its time zone) unless --force. Venue-wide person ids ({@VENUE}:persons) are left.\n\n"
      "Options",
      100, 50);
  EventOptions event;
  ShredRequest request;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  // clang-format off
  options.add_options()
    ("force", po::bool_switch(&request.force), "shred even though the event has not ended")
    ("dry-run", po::bool_switch(&request.dry_run), "count what would go; change nothing");
  // clang-format on
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  auto redis = open_event(event);
  request.now_ms = now_ms();
  const auto report = shred_event(redis, event.event_id, request);
  google::protobuf::Timestamp at;
  at.set_seconds(report.shredded_ms / 1000);
  switch (report.outcome) {
    case ShredReport::Outcome::already_shredded:
      std::cout << "event " << event.event_id << " was already shredded at " << time_text(at)
                << ": nothing to do\n";
      break;
    case ShredReport::Outcome::dry_run:
      std::cout << "dry run: shredding " << event.event_id << " would change:\n";
      print_tally(report.tally, std::cout);
      break;
    case ShredReport::Outcome::shredded:
      std::cout << "shredded " << event.event_id << (report.resumed ? " (resumed)" : "") << " at "
                << time_text(at) << ":\n";
      print_tally(report.tally, std::cout);
      break;
  }
  for (const auto& [venue, persons] : report.venue_persons) {
    std::cout << "venue " << venue << ": " << persons << " venue-wide person ids in "
              << services::store::venue_persons_key(venue)
              << " left as they are (shared with the venue's other events)\n";
  }
  return 0;
}

}  // namespace

int shred_command(int argc, char** argv) {
  return shred(argc, argv);
}

int person_command(std::string_view action, int argc, char** argv) {
  if (action == "export") return person_export(argc, argv);
  if (action == "erase") return person_erase(argc, argv);
  return cli::usage_error("rollcall-admin person",
                          "unknown action \"" + std::string(action) + "\" (export, erase)");
}

}  // namespace rollcall::tools::admin
