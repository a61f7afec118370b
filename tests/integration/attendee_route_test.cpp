// GET /v1/events/E/attendees?q= end to end: a generated mixed-script registry imported by the
// real rollcall-import, the real gateway, plain HTTP GETs with generated queries.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/http_get.h"

namespace rollcall::gateway {
namespace {

using tests::support::GatewayProcess;
using tests::support::RedisServer;
using tools::client::http_get;

constexpr const char* kEvent = "lookup-2026";

struct Syllable {
  const char* written;  // with its marks
  const char* bare;     // as typed without them, same script
  const char* typed;    // on an ASCII keyboard
};
const std::vector<std::vector<Syllable>> kScripts = {
    {{"Mü", "Mu", "mu"},
     {"lé", "le", "le"},
     {"ñá", "na", "na"},
     {"ço", "co", "co"},
     {"rò", "ro", "ro"},
     {"sâ", "sa", "sa"},
     {"kï", "ki", "ki"},
     {"dè", "de", "de"}},
    {{"Ка", "Ка", "ka"},
     {"ло", "ло", "lo"},
     {"ми", "ми", "mi"},
     {"рё", "ре", "re"},
     {"ту", "ту", "tu"},
     {"ва", "ва", "va"},
     {"но", "но", "no"},
     {"се", "се", "se"}},
    {{"بَ", "ب", "b"},
     {"تِ", "ت", "t"},
     {"دُ", "د", "d"},
     {"رْ", "ر", "r"},
     {"سَ", "س", "s"},
     {"كِ", "ك", "k"},
     {"لُ", "ل", "l"},
     {"مَ", "م", "m"}},
};

struct Person {
  std::string badge_id, name, family_bare, family_typed;
};

class AttendeeRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(14);
    std::set<std::string> names;
    std::string csv = "badge_id,country,category,name,organization\n";
    while (people_.size() < 1500) {
      const auto& script = kScripts[rng() % kScripts.size()];
      Person person;
      std::string given;
      for (int i = 0; i < 2; ++i) given += script[rng() % script.size()].written;
      std::string family;
      for (int i = 0; i < 4; ++i) {
        const auto& s = script[rng() % script.size()];
        family += s.written;
        person.family_bare += s.bare;
        person.family_typed += s.typed;
      }
      person.name = given + " " + family;
      if (!names.insert(person.name).second) continue;
      person.badge_id = "LK-" + std::to_string(10000 + people_.size());
      csv += person.badge_id + ",FR,civil_society,\"" + person.name + "\",ONG Démo\n";
      people_.push_back(std::move(person));
    }
    // Chinese: written without spaces, found by its pinyin.
    csv += "ZH-1,CN,academia,张伟,清华大学\nZH-2,CN,academia,王芳,北京大学\n";
    import(csv);
    organizer_ = tests::support::issue_token(redis_, kEvent, v1::organizer);
    desk_ = tests::support::issue_token(redis_, kEvent, v1::desk);
    display_ = tests::support::issue_token(redis_, kEvent, v1::display);
    other_organizer_ = tests::support::issue_token(redis_, "other-event", v1::organizer);
    gateway_ = std::make_unique<GatewayProcess>(redis_.url());
  }

  void import(const std::string& csv) {
    ASSERT_TRUE(tests::support::import_registry(redis_, kEvent, csv));
  }

  static std::string encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
        out.push_back(static_cast<char>(c));
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  tools::client::HttpResponse find(std::string_view query, const std::string& token,
                                   const std::string& event = kEvent) {
    return http_get(gateway_->host(), gateway_->port(),
                    "/v1/events/" + event + "/attendees?q=" + encode(query),
                    tools::client::bearer(token), std::chrono::seconds(30));
  }

  // The badge ids the organizer's search answers, in order.
  std::vector<std::string> ids(std::string_view query) {
    const auto response = find(query, organizer_);
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    std::vector<std::string> found;
    if (response.status != 200) return found;
    const auto json = boost::json::parse(response.body).as_object();
    for (const auto& match : json.at("matches").as_array()) {
      found.emplace_back(match.as_object().at("badge_id").as_string());
    }
    return found;
  }

  RedisServer redis_;
  std::vector<Person> people_;
  std::string organizer_, desk_, display_, other_organizer_;
  std::unique_ptr<GatewayProcess> gateway_;
};

bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST_F(AttendeeRoute, FindsEveryoneByBadgeIdNameAndTransliteration) {
  std::size_t queries = 0;
  double total_ms = 0;
  for (std::size_t i = 0; i < people_.size(); i += 5) {
    const auto& person = people_[i];
    const auto start = std::chrono::steady_clock::now();
    auto found = ids(i % 2 ? person.badge_id : "lk-" + person.badge_id.substr(3));
    ASSERT_FALSE(found.empty()) << person.badge_id;
    EXPECT_EQ(found[0], person.badge_id);
    // Family names are 4 of 8 syllables: unique enough that a page holds every bearer.
    EXPECT_TRUE(has(ids(person.family_bare), person.badge_id)) << person.family_bare;
    EXPECT_TRUE(has(ids(person.family_typed), person.badge_id)) << person.family_typed;
    total_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    queries += 3;
  }
  EXPECT_TRUE(has(ids("Zhang Wei"), "ZH-1"));
  EXPECT_TRUE(has(ids("wang"), "ZH-2"));
  EXPECT_TRUE(has(ids("清华"), "ZH-1"));
  std::cout << "[ timing   ] " << queries << " HTTP lookups, " << total_ms / queries
            << " ms each on " << people_.size() + 2 << " badges\n";
}

TEST_F(AttendeeRoute, AnswersTheDocumentedFields) {
  ASSERT_EQ(redis_.command({"SADD", "{" + std::string(kEvent) + "}:inside", "ZH-1"}), "1");
  const auto response = find("张伟", organizer_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const auto json = boost::json::parse(response.body).as_object();
  EXPECT_EQ(json.at("query").as_string(), "张伟");
  EXPECT_FALSE(json.at("truncated").as_bool());
  const auto& match = json.at("matches").as_array().at(0).as_object();
  EXPECT_EQ(match.at("badge_id").as_string(), "ZH-1");
  EXPECT_EQ(match.at("name").as_string(), "张伟");
  EXPECT_EQ(match.at("organization").as_string(), "清华大学");
  EXPECT_EQ(match.at("country").as_string(), "CN");
  EXPECT_EQ(match.at("category").as_string(), "academia");
  EXPECT_FALSE(match.at("revoked").as_bool());
  EXPECT_TRUE(match.at("inside").as_bool());
  EXPECT_EQ(match.at("match").as_string(), "word_prefix");
  const auto many = boost::json::parse(find("ONG", organizer_).body).as_object();
  EXPECT_TRUE(many.at("truncated").as_bool());
  EXPECT_EQ(many.at("matches").as_array().size(), 20u);
}

TEST_F(AttendeeRoute, OnlyTheEventsOrganizersMayLook) {
  EXPECT_EQ(find("zhang", desk_).status, 403);
  EXPECT_EQ(find("zhang", display_).status, 403);
  EXPECT_EQ(find("zhang", "").status, 401);
  EXPECT_EQ(find("zhang", "not-a-token").status, 401);
  EXPECT_EQ(find("zhang", other_organizer_).status, 401);  // a token is for one event
  const auto elsewhere = find("zhang", other_organizer_, "other-event");
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;  // no such event: no registry to search
}

TEST_F(AttendeeRoute, HostileQueriesGetAClearBoundedRefusal) {
  std::mt19937 rng(3);
  struct Case {
    std::string target_query;  // raw, as sent after "?"
    std::string code;
  };
  std::vector<Case> cases = {
      {"", "missing_query"},
      {"q=", "missing_query"},
      {"q=%20%20", "missing_query"},
      {"x=zhang", "missing_query"},
      {"q=a", "query_too_short"},
      {"q=%D9%8E", "query_too_short"},  // a lone fatha
      {"q=--", "query_too_short"},
      {"q=" + std::string(65, 'a'), "query_too_long"},
      {"q=" + std::string(10000, 'b'), "query_too_long"},
      {"q=ab%FF", "query_not_utf8"},
      {"q=%C0%AFab", "query_not_utf8"},
      {"q=ab%zz", "bad_target"}};  // the last one is refused before any route
  for (int i = 0; i < 200; ++i) {  // random bytes, percent-encoded
    std::string bytes(1 + rng() % 200, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    cases.push_back({"q=" + encode(bytes), ""});
  }
  for (const auto& c : cases) {
    const auto response =
        http_get(gateway_->host(), gateway_->port(),
                 "/v1/events/" + std::string(kEvent) + "/attendees?" + c.target_query,
                 tools::client::bearer(organizer_), std::chrono::seconds(30));
    SCOPED_TRACE(c.target_query.substr(0, 80));
    EXPECT_LE(response.body.size(), 8192u);  // 20 matches at most, or an error
    if (!c.code.empty()) {
      EXPECT_EQ(response.status, 400);
      EXPECT_NE(response.body.find("\"code\":\"" + c.code + "\""), std::string::npos)
          << response.body;
      EXPECT_LE(response.body.size(), 300u);
      EXPECT_EQ(response.body.find(std::string(60, 'b')), std::string::npos);
    } else {
      EXPECT_TRUE(response.status == 200 || response.status == 400) << response.status;
      if (response.status == 200) {
        const auto json = boost::json::parse(response.body).as_object();
        EXPECT_LE(json.at("query").as_string().size(), 128u + 3);
      }
    }
  }
  EXPECT_TRUE(gateway_->alive());
}

TEST_F(AttendeeRoute, ANewImportIsSearchedAtOnceAndTheIndexIsBuiltOncePerImport) {
  EXPECT_TRUE(ids("Ölafur").empty());
  for (int i = 0; i < 20; ++i) ids("zhang");
  import("badge_id,country,category,name,organization\nIS-1,IS,media,Ólafur Ragnarsson,RÚV\n");
  // Eight organizers ask at once after the import: one build serves them all.
  std::vector<std::thread> askers;
  std::atomic<int> answered{0};
  for (int i = 0; i < 8; ++i) {
    askers.emplace_back([&] {
      const auto response = find("ragnarsson", organizer_);
      if (response.status == 200 && response.body.find("IS-1") != std::string::npos) ++answered;
    });
  }
  for (auto& asker : askers) asker.join();
  EXPECT_EQ(answered.load(), 8);
  const auto found = ids("olafur");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "IS-1");
  EXPECT_TRUE(has(ids("Zhang"), "ZH-1"));  // a re-import adds; it does not replace
  const auto log = gateway_->log();
  std::size_t builds = 0;
  for (auto at = log.find("attendee index of event"); at != std::string::npos;
       at = log.find("attendee index of event", at + 1)) {
    ++builds;
  }
  EXPECT_EQ(builds, 2u) << log;
}

}  // namespace
}  // namespace rollcall::gateway
