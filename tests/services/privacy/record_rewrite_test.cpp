#include "services/privacy/record_rewrite.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <random>
#include <set>

#include "services/export/counter_recount.h"
#include "services/export/export_job.h"

namespace rollcall::services::privacy {
namespace {

using exporting::LogEntry;

Pseudonyms fresh() {
  return Pseudonyms(Pseudonyms::random_key());
}

// ---------------------------------------------------------------------------------------------
// A generated event: a registry with replaced badges and walk-ins, and a log of every kind of
// entry. The rewrite must leave the recount and every aggregate export exactly as they were.

const std::vector<std::string> kCountries = {"CH", "KE", "BR", "JP", ""};
const std::vector<std::string> kCategories = {"minister", "civil_society", "un", "youth"};
const std::vector<std::string> kDays = {"2025-07-07", "2025-07-08", "2025-07-09"};
const std::vector<std::string> kStatuses = {"accepted",       "reentry",    "exit",
                                            "already_inside", "not_inside", "unknown_badge",
                                            "revoked",        "wrong_day"};

struct Generated {
  v1::Event event;
  std::vector<v1::Badge> registry;
  std::vector<LogEntry> log;
  std::set<std::string> personal;  // every name, organization, badge, person, participant id
};

Generated generate(std::mt19937& rng) {
  Generated g;
  g.event.set_event_id("ev");
  g.event.set_time_zone("Europe/Zurich");
  for (const auto& d : kDays) g.event.add_days(d);
  const int people = 20 + rng() % 40;
  std::vector<std::pair<std::string, std::string>> holders;  // badge -> person (if not own)
  for (int i = 0; i < people; ++i) {
    v1::Badge b;
    b.set_badge_id("B" + std::to_string(i) + "-" + std::to_string(rng() % 1000));
    b.set_country(kCountries[rng() % kCountries.size()]);
    b.set_category(kCategories[rng() % kCategories.size()]);
    b.set_name("Name" + std::to_string(rng()));
    b.set_organization("Org" + std::to_string(rng()));
    if (rng() % 7 == 0) b.set_registered_by("tok" + std::to_string(rng() % 3));
    g.personal.insert(b.badge_id());
    g.personal.insert(b.name());
    g.personal.insert(b.organization());
    if (rng() % 4 == 0) {
      // Replaced at the desk: the new badge carries the person, the old one is revoked.
      v1::Badge n = b;
      n.set_badge_id("R" + std::to_string(i) + "-" + std::to_string(rng() % 1000));
      n.set_person_id(b.badge_id());
      b.set_revoked(true);
      b.set_revoked_reason("replaced");
      b.set_replaced_by(n.badge_id());
      b.set_person_id(b.badge_id());
      g.personal.insert(n.badge_id());
      holders.emplace_back(n.badge_id(), b.badge_id());
      g.registry.push_back(n);
    }
    holders.emplace_back(b.badge_id(), "");
    g.registry.push_back(b);
  }
  std::int64_t ms = 1751871600000;
  int seq = 0;
  auto add = [&](std::vector<std::pair<std::string, std::string>> fields) {
    ms += 1 + rng() % 60000;
    g.log.push_back({std::to_string(ms) + "-" + std::to_string(seq++ % 3), std::move(fields)});
  };
  const int entries = 200 + rng() % 400;
  for (int i = 0; i < entries; ++i) {
    const auto& [badge, person] = holders[rng() % holders.size()];
    const auto& day = kDays[std::min<std::size_t>(kDays.size() - 1, i * kDays.size() / entries)];
    const auto kind = rng() % 10;
    if (kind < 6) {
      std::vector<std::pair<std::string, std::string>> f = {
          {"type", "scan"},
          {"scan_id", "s" + std::to_string(i)},
          {"badge_id", badge},
          {"desk_id", "d" + std::to_string(rng() % 3)},
          {"zone", rng() % 2 ? "hall" : "room"},
          {"direction", rng() % 3 ? "in" : "out"},
          {"status", kStatuses[rng() % kStatuses.size()]},
          {"day", day},
          {"device_ms", std::to_string(ms - rng() % 5000)},
          {"server_ms", std::to_string(ms)},
          {"late", "0"},
          {"device_time_ignored", "0"}};
      if (!person.empty()) f.emplace_back("person", person);
      if (rng() % 5 == 0) {
        f.emplace_back("manual", "other");
        f.emplace_back("note", "with the delegation of " + badge);
      }
      add(f);
    } else if (kind < 9) {
      const auto participant = "p" + std::to_string(rng() % 30);
      g.personal.insert(participant);
      const bool with_badge = std::stoi(participant.substr(1)) % 2 == 0;
      add({{"type", rng() % 3 ? "join" : "leave"},
           {"presence_id", rng() % 8 == 0 ? "resync" : "pid" + std::to_string(i)},
           {"participant_id", participant},
           {"badge_id",
            with_badge ? holders[std::stoi(participant.substr(1)) % holders.size()].first : ""},
           {"country", kCountries[rng() % kCountries.size()]},
           {"category", kCategories[rng() % kCategories.size()]},
           {"platform", "zoom"},
           {"session", "s1"},
           {"status", rng() % 4 ? "joined" : (rng() % 2 ? "rejoined" : "left")},
           {"day", day},
           {"time_ms", std::to_string(ms)},
           {"server_ms", std::to_string(ms)},
           {"via", rng() % 5 ? "bridge" : "lease"},
           {"count", "1"}});
    } else {
      switch (rng() % 3) {
        case 0:
          add({{"type", "reset_inside"}, {"day", day}, {"count", "1"}});
          break;
        case 1:
          add({{"type", "badge_registered"},
               {"request_id", "r" + std::to_string(i)},
               {"badge_id", badge},
               {"country", "CH"},
               {"category", "un"},
               {"by", "tok1"},
               {"server_ms", std::to_string(ms)}});
          break;
        default:
          add({{"type", "badge_replaced"},
               {"request_id", "q" + std::to_string(i)},
               {"badge_id", badge},
               {"new_badge_id", holders[rng() % holders.size()].first},
               {"person", person.empty() ? badge : person},
               {"reason", "lost"},
               {"by", "tok1"},
               {"server_ms", std::to_string(ms)}});
      }
    }
  }
  return g;
}

// The registry as a shred leaves it: each badge hash through Rewriter::badge, under its
// pseudonym (the way the export reader then reads it back).
std::vector<v1::Badge> rewrite_registry(const std::vector<v1::Badge>& registry,
                                        const Rewriter& rw) {
  std::vector<v1::Badge> out;
  for (const auto& b : registry) {
    Fields fields = {{"country", b.country()},
                     {"category", b.category()},
                     {"name", b.name()},
                     {"organization", b.organization()},
                     {"revoked", b.revoked() ? "1" : "0"}};
    if (!b.person_id().empty()) fields.emplace_back("person", b.person_id());
    if (!b.revoked_reason().empty()) fields.emplace_back("revoked_reason", b.revoked_reason());
    if (!b.replaced_by().empty()) fields.emplace_back("replaced_by", b.replaced_by());
    if (!b.registered_by().empty()) fields.emplace_back("registered_by", b.registered_by());
    v1::Badge n;
    n.set_badge_id(rw.subject(b.badge_id()));
    for (const auto& [name, value] : rw.badge(fields)) {
      if (name == "country") n.set_country(value);
      if (name == "category") n.set_category(value);
      if (name == "name" || name == "organization") ADD_FAILURE() << name << " kept";
      if (name == "revoked") n.set_revoked(value == "1");
      if (name == "person") n.set_person_id(value);
      if (name == "revoked_reason") n.set_revoked_reason(value);
      if (name == "replaced_by") n.set_replaced_by(value);
      if (name == "registered_by") n.set_registered_by(value);
    }
    out.push_back(n);
  }
  std::sort(out.begin(), out.end(),
            [](const v1::Badge& a, const v1::Badge& b) { return a.badge_id() < b.badge_id(); });
  return out;
}

std::map<std::string, std::int64_t> recount(const Generated& g,
                                            const std::vector<v1::Badge>& registry,
                                            const std::vector<LogEntry>& log) {
  exporting::CounterRecount r(g.event, registry);
  for (const auto& e : log) r.feed(e);
  return r.counters();
}

std::string export_table(const Generated& g, const std::vector<v1::Badge>& registry,
                         const std::vector<LogEntry>& log, exporting::Table table,
                         exporting::Format format) {
  exporting::ExportOptions options;
  options.table = table;
  options.format = format;
  exporting::ExportJob job(options, g.event, registry);
  std::string out, chunk;
  for (const auto& e : log) {
    job.feed(e);
    while (job.take(&chunk)) out += chunk;
  }
  job.finish();
  while (job.take(&chunk)) out += chunk;
  return out;
}

TEST(RecordRewrite, ShreddingKeepsTheRecountAndEveryAggregateExportOfGeneratedEvents) {
  std::mt19937 rng(1500);
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto g = generate(rng);
    const auto names = fresh();
    const auto scope = Scope::everyone();
    const Rewriter rw(names, scope);
    const auto registry = rewrite_registry(g.registry, rw);
    std::vector<LogEntry> log;
    for (const auto& e : g.log) log.push_back(rw.entry(e));

    const auto before = recount(g, g.registry, g.log);
    EXPECT_EQ(recount(g, registry, log), before);
    EXPECT_GT(before.size(), 5u);
    for (const auto table :
         {exporting::Table::summary, exporting::Table::countries, exporting::Table::categories}) {
      for (const auto format : {exporting::Format::csv, exporting::Format::json}) {
        const auto original = export_table(g, g.registry, g.log, table, format);
        EXPECT_EQ(export_table(g, registry, log, table, format), original)
            << exporting::table_name(table) << "." << exporting::format_name(format);
        EXPECT_GT(original.size(), 20u);
      }
    }
    // Nothing personal left in the log, the registry or the per-person exports.
    std::string everything;
    for (const auto& e : log) {
      EXPECT_EQ(e.fields.size(), g.log[&e - log.data()].fields.size());
      EXPECT_EQ(e.id, g.log[&e - log.data()].id);
      for (const auto& [name, value] : e.fields) everything += value + "\n";
      EXPECT_EQ(e.get("note"), "");
    }
    for (const auto& b : registry) everything += b.DebugString();
    everything +=
        export_table(g, registry, log, exporting::Table::attendees, exporting::Format::csv);
    everything += export_table(g, registry, log, exporting::Table::scans, exporting::Format::csv);
    for (const auto& text : g.personal) {
      EXPECT_EQ(everything.find("\n" + text + "\n"), std::string::npos) << text;
      if (text.starts_with("Name") || text.starts_with("Org")) {
        EXPECT_EQ(everything.find(text), std::string::npos) << text;
      }
    }
    // Applied twice, it is applied once.
    for (const auto& e : log) EXPECT_EQ(rw.entry(e).fields, e.fields);
  }
}

// Erasing one generated person at a time: the same figures, and only that person's ids change.
TEST(RecordRewrite, ErasingOnePersonKeepsTheFiguresAndTouchesNoOneElse) {
  std::mt19937 rng(1501);
  for (int round = 0; round < 30; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto g = generate(rng);
    // A person with a replaced badge when there is one: both badges and the person id.
    const v1::Badge* chosen = &g.registry[rng() % g.registry.size()];
    for (const auto& b : g.registry) {
      if (!b.person_id().empty() && rng() % 2) chosen = &b;
    }
    const auto person = chosen->person_id().empty() ? chosen->badge_id() : chosen->person_id();
    std::set<std::string> subjects = {person};
    for (const auto& b : g.registry) {
      if ((b.person_id().empty() ? b.badge_id() : b.person_id()) == person) {
        subjects.insert(b.badge_id());
      }
    }
    std::set<std::string> participants;
    for (const auto& e : g.log) {
      if (subjects.contains(std::string(e.get("badge_id"))) && !e.get("participant_id").empty()) {
        participants.insert(std::string(e.get("participant_id")));
      }
    }
    const auto names = fresh();
    const auto scope = Scope::person(subjects, participants);
    const Rewriter rw(names, scope);
    const auto registry = rewrite_registry(g.registry, rw);
    std::vector<LogEntry> log;
    std::size_t touched = 0;
    for (const auto& e : g.log) {
      log.push_back(rw.entry(e));
      if (log.back().fields != e.fields) {
        ++touched;
        EXPECT_TRUE(rw.mentions(e));
      } else {
        EXPECT_FALSE(rw.mentions(e) && (!e.get("badge_id").empty() || !e.get("person").empty()))
            << e.id;
      }
    }
    EXPECT_EQ(recount(g, registry, log), recount(g, g.registry, g.log));
    EXPECT_EQ(
        export_table(g, registry, log, exporting::Table::summary, exporting::Format::csv),
        export_table(g, g.registry, g.log, exporting::Table::summary, exporting::Format::csv));
    EXPECT_EQ(
        export_table(g, registry, log, exporting::Table::countries, exporting::Format::csv),
        export_table(g, g.registry, g.log, exporting::Table::countries, exporting::Format::csv));
    for (const auto& e : log) {
      for (const auto& [name, value] : e.fields) {
        if (name == "badge_id" || name == "person" || name == "new_badge_id") {
          EXPECT_FALSE(subjects.contains(value)) << value;
        }
        if (name == "participant_id") {
          EXPECT_FALSE(participants.contains(value)) << value;
        }
      }
    }
    // Everyone else is as they were.
    for (std::size_t i = 0; i < g.registry.size(); ++i) {
      if (subjects.contains(g.registry[i].badge_id())) continue;
      EXPECT_EQ(rw.subject(g.registry[i].badge_id()), g.registry[i].badge_id());
    }
    EXPECT_LT(touched, g.log.size());
  }
}

TEST(RecordRewrite, BadgeHashLosesNamesAndPseudonymizesLinks) {
  const auto names = fresh();
  const auto scope = Scope::everyone();
  const Rewriter rw(names, scope);
  const Fields badge = {{"country", "CH"},
                        {"category", "minister"},
                        {"name", "Anna Meier"},
                        {"organization", "Swiss Confederation"},
                        {"revoked", "1"},
                        {"person", "M2"},
                        {"revoked_reason", "replaced"},
                        {"replaced_by", "M2-b"},
                        {"replacement_reason", "lost"},
                        {"registered_by", "tok9"}};
  const auto out = rw.badge(badge);
  const Fields expected = {{"country", "CH"},
                           {"category", "minister"},
                           {"revoked", "1"},
                           {"person", names.of(IdKind::subject, "M2")},
                           {"revoked_reason", "replaced"},
                           {"replaced_by", names.of(IdKind::subject, "M2-b")},
                           {"replacement_reason", "lost"},
                           {"registered_by", "tok9"}};
  EXPECT_EQ(out, expected);
  EXPECT_EQ(rw.badge(out), out);
}

TEST(RecordRewrite, StoredAnswersAndParticipantRecords) {
  const auto names = fresh();
  const auto everyone = Scope::everyone();
  const Rewriter rw(names, everyone);
  const auto outcome = boost::json::parse(
      rw.scan_outcome(R"({"s":"accepted","b":"M1","z":"hall","d":"2025-07-07","t":"1","l":"0",)"
                      R"("since":"1","c":"0"})"));
  EXPECT_EQ(outcome.at("b").as_string(), names.of(IdKind::subject, "M1"));
  EXPECT_EQ(outcome.at("s").as_string(), "accepted");
  EXPECT_EQ(rw.scan_outcome("not json"), "not json");

  const auto answer = boost::json::parse(rw.registry_answer(
      R"({"badge_id":"W1","country":"CH","category":"un","name":"Li Wei","organization":"ITU",)"
      R"("person":"W0","replaced":"W0","registered_by":"tok"})"));
  EXPECT_EQ(answer.at("name").as_string(), "");
  EXPECT_EQ(answer.at("organization").as_string(), "");
  EXPECT_EQ(answer.at("badge_id").as_string(), names.of(IdKind::subject, "W1"));
  EXPECT_EQ(answer.at("person").as_string(), names.of(IdKind::subject, "W0"));
  EXPECT_EQ(answer.at("replaced").as_string(), names.of(IdKind::subject, "W0"));
  EXPECT_EQ(answer.at("registered_by").as_string(), "tok");

  const Fields participant = {{"country", "KE"}, {"badge_id", "M1"}, {"conns", "2"}};
  EXPECT_EQ(
      rw.participant_record(participant),
      (Fields{{"country", "KE"}, {"badge_id", names.of(IdKind::subject, "M1")}, {"conns", "2"}}));

  // One person's scope: another person's answer is left as it is.
  const auto one = Scope::person({"X1"}, {});
  const Rewriter only(names, one);
  const std::string other = R"({"badge_id":"W1","name":"Li Wei"})";
  EXPECT_EQ(only.registry_answer(other), other);
  EXPECT_FALSE(only.registry_answer_mentions(other));
  EXPECT_TRUE(only.registry_answer_mentions(R"({"badge_id":"X1","name":"Li Wei"})"));
}

TEST(RecordRewrite, MarkerPresenceIdsAndEmptyIdsStay) {
  const auto names = fresh();
  const auto everyone = Scope::everyone();
  const Rewriter rw(names, everyone);
  for (const char* marker : {"resync", "ticket", "lease:gw:abc", "lease:bridge:zoom"}) {
    EXPECT_EQ(rw.presence(marker, "p1"), marker);
  }
  EXPECT_EQ(rw.presence("", "p1"), "");
  EXPECT_EQ(rw.subject(""), "");
  EXPECT_EQ(rw.participant(""), "");
  EXPECT_EQ(rw.presence("zoom-abc", "p1"), names.of(IdKind::presence, "zoom-abc"));
  const LogEntry leave{"5-0",
                       {{"type", "leave"},
                        {"presence_id", "lease:gw:1"},
                        {"participant_id", "p1"},
                        {"badge_id", ""},
                        {"via", "lease"}}};
  const auto out = rw.entry(leave);
  EXPECT_EQ(out.get("presence_id"), "lease:gw:1");
  EXPECT_EQ(out.get("participant_id"), names.of(IdKind::participant, "p1"));
  EXPECT_EQ(out.get("badge_id"), "");
  EXPECT_EQ(out.id, "5-0");
}

}  // namespace
}  // namespace rollcall::services::privacy

namespace rollcall::services::privacy {
namespace {

// A desk's note names the person in someone else's check-in: an erasure empties it too, and
// leaves notes that do not name them.
TEST(RecordRewrite, AnErasureEmptiesNotesThatNameThePersonWhoeverWasCheckedIn) {
  const auto names = Pseudonyms(Pseudonyms::random_key());
  const auto scope = Scope::person({"M1"}, {}, {"Anna Meier", "x"});
  const Rewriter rw(names, scope);
  std::mt19937 rng(1502);
  for (int i = 0; i < 200; ++i) {
    const bool named = rng() % 2;
    std::string note = "escorted by ";
    note += named ? (rng() % 2 ? "ANNA MEIER" : "anna meier") : "Someone Else";
    const LogEntry other{"1-" + std::to_string(i),
                         {{"type", "scan"},
                          {"badge_id", "B" + std::to_string(i)},
                          {"manual", "other"},
                          {"note", note}}};
    EXPECT_EQ(rw.mentions(other), named);
    const auto out = rw.entry(other);
    EXPECT_EQ(out.get("note"), named ? "" : note);
    EXPECT_EQ(out.get("badge_id"), "B" + std::to_string(i));  // not theirs: kept
  }
  // A text shorter than 3 bytes ("x") never matches.
  EXPECT_FALSE(rw.mentions({"2-0", {{"type", "scan"}, {"badge_id", "B"}, {"note", "x ray"}}}));
}

}  // namespace
}  // namespace rollcall::services::privacy

namespace rollcall::services::privacy {
namespace {

TEST(RecordRewrite, VenuePersonsOfTheEventArePseudonymizedAndVenueWideOnesLeft) {
  const auto names = Pseudonyms(Pseudonyms::random_key());
  const auto everyone = Scope::everyone();
  const Rewriter rw(names, everyone);
  std::mt19937 rng(1503);
  for (int i = 0; i < 300; ++i) {
    const auto id = "X" + std::to_string(rng());
    EXPECT_EQ(rw.venue_person("ev", "ev/" + id), "ev/" + names.of(IdKind::subject, id));
    EXPECT_EQ(rw.venue_person("ev", "ev/~" + id), "ev/~" + names.of(IdKind::participant, id));
    EXPECT_EQ(rw.venue_person("ev", id), id);                        // linked: the venue's
    EXPECT_EQ(rw.venue_person("ev", "other/" + id), "other/" + id);  // another event's
    EXPECT_EQ(rw.venue_person("ev", "ev2/" + id), "ev2/" + id);
    EXPECT_EQ(rw.venue_participant("ev", "ev/" + id), "ev/" + names.of(IdKind::participant, id));
    EXPECT_EQ(rw.venue_participant("ev", "other/" + id), "other/" + id);
    const auto once = rw.venue_person("ev", "ev/" + id);
    EXPECT_EQ(rw.venue_person("ev", once), once);
  }
  // One person's scope: only theirs.
  const auto one = Scope::person({"B1"}, {"p1"});
  const Rewriter only(names, one);
  EXPECT_EQ(only.venue_person("ev", "ev/B2"), "ev/B2");
  EXPECT_EQ(only.venue_person("ev", "ev/B1"), "ev/" + names.of(IdKind::subject, "B1"));
  EXPECT_EQ(only.venue_person("ev", "ev/~p1"), "ev/~" + names.of(IdKind::participant, "p1"));
}

}  // namespace
}  // namespace rollcall::services::privacy
