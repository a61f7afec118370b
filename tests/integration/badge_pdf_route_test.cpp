// GET /v1/events/E/badges/B/badge.pdf end to end: a mixed-script registry imported by the real
// rollcall-import, badge keys made by the real rollcall-admin, the real gateway; the PDFs read
// back with pdftotext and zbarimg, and a printed signed code scanned at the gateway's desk channel.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/gateway_process.h"
#include "tests/support/pdf_reader.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::gateway {
namespace {

using namespace std::chrono_literals;
using tests::support::GatewayProcess;
using tests::support::RedisServer;
using tools::client::http_get;
namespace support = tests::support;

constexpr const char* kPlain = "print-plain-2026";
constexpr const char* kSigned = "print-signed-2026";

struct Person {
  std::string id, name, organization, country;
};

// Generated people in four scripts, written as an import CSV (one badge revoked).
std::vector<Person> people() {
  const std::vector<std::pair<std::vector<std::string>, std::string>> scripts = {
      {{"محمد", "فاطمة", "يوسف", "مريم", "الهاشمي", "القحطاني", "المنصوري"}, "EG"},
      {{"张", "王", "李", "秀英", "伟", "芳", "强"}, "CN"},
      {{"Анна", "Дмитрий", "Ольга", "Кузнецова", "Смирнов", "Попов"}, "RU"},
      {{"Zoë", "Łukasz", "Søren", "Nguyễn", "Dvořák", "Ångström", "Çağla"}, "VN"},
  };
  std::mt19937 rng(1414);
  std::vector<Person> list;
  for (int i = 0; i < 12; ++i) {
    const auto& [words, country] = scripts[i % scripts.size()];
    const std::string space = country == "CN" ? "" : " ";
    Person p;
    p.id = "PR-" + std::to_string(100 + i);
    p.name = words[rng() % 3] + space + words[3 + rng() % (words.size() - 3)];
    // Words of the name's own script only: pdftotext orders a right-to-left line holding
    // digits or Latin by its own heuristics (services/print's tests cover mixed runs).
    p.organization = words[rng() % words.size()] + space + words[rng() % words.size()];
    p.country = country;
    list.push_back(p);
  }
  return list;
}

class BadgePdfRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = "badge_id,country,category,name,organization,revoked\n";
    for (const auto& p : people_) {
      csv += p.id + "," + p.country + ",un,\"" + p.name + "\",\"" + p.organization + "\",\n";
    }
    csv += "PR-GONE,FR,un,Gone Person,Org,1\n";
    for (const auto* event : {kPlain, kSigned}) {
      ASSERT_TRUE(support::import_registry(redis_, event, csv));
    }
    key_file_ = redis_.data_dir() + "/signed.key";
    run_ok({ROLLCALL_ADMIN_BIN, "badge-key", "new", "--event", kSigned, "--secret-file", key_file_,
            "--redis", redis_.url()});
    for (const auto* event : {kPlain, kSigned}) {
      auto& t = tokens_[event];
      t["organizer"] = support::issue_token(redis_, event, v1::organizer);
      v1::TokenRecord registration;
      registration.set_role(v1::desk);
      registration.set_desk_id("registration-1");
      registration.add_scopes(v1::registration);
      t["registration desk"] = support::issue_token(redis_, event, registration);
      t["desk"] = support::issue_token(redis_, event, v1::desk);
      t["display"] = support::issue_token(redis_, event, v1::display);
      t["platform"] = support::issue_token(redis_, event, v1::platform);
    }
  }

  void run_ok(const std::vector<std::string>& argv) {
    std::string output;
    ASSERT_EQ(support::run_program(argv, &output), 0) << output;
  }

  static tools::client::HttpResponse get(GatewayProcess& g, const std::string& event,
                                         const std::string& badge, const std::string& token,
                                         const std::string& query = "") {
    return http_get(g.host(), g.port(),
                    "/v1/events/" + event + "/badges/" + badge + "/badge.pdf" + query,
                    tools::client::bearer(token), 30s);
  }

  static std::string code_of(const tools::client::HttpResponse& response) {
    const auto json = boost::json::parse(response.body).as_object();
    return std::string(json.at("code").as_string());
  }

  RedisServer redis_;
  std::vector<Person> people_ = people();
  std::string key_file_;
  std::map<std::string, std::map<std::string, std::string>> tokens_;
};

TEST_F(BadgePdfRoute, OrganizersAndRegistrationDesksGetThePdfOthersAreRefused) {
  GatewayProcess g(redis_.url());
  auto& t = tokens_[kPlain];
  for (const auto& p : people_) {
    for (const auto* who : {"organizer", "registration desk"}) {
      SCOPED_TRACE(std::string(who) + " " + p.id);
      const auto started = std::chrono::steady_clock::now();
      const auto response = get(g, kPlain, p.id, t[who], p.id.back() % 2 ? "?size=cr80" : "");
      const auto ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      ASSERT_EQ(response.status, 200) << response.body;
      EXPECT_EQ(response.content_type, "application/pdf");
      std::string text;
      EXPECT_TRUE(support::pdf_text_has(response.body, 1, p.name, &text)) << text;
      EXPECT_TRUE(support::pdf_text_has(response.body, 1, p.organization, &text)) << text;
      EXPECT_EQ(support::pdf_barcodes(response.body, 1), std::vector<std::string>{p.id});
      std::cout << p.id << " " << who << ": " << response.body.size() << " bytes in " << ms
                << " ms\n";
    }
  }
  // The headers, as curl sees them (the 25th badge printed).
  std::string headers;
  support::run_program(
      {"curl", "-s", "-D", "-", "-o", "/dev/null", "-H", "Authorization: Bearer " + t["organizer"],
       "http://" + g.host() + ":" + std::to_string(g.port()) + "/v1/events/" + kPlain +
           "/badges/PR-100/badge.pdf"},
      &headers);
  EXPECT_NE(headers.find("Content-Type: application/pdf\r\n"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Content-Disposition: attachment; filename=\"badge-PR-100.pdf\"\r\n"),
            std::string::npos)
      << headers;
  EXPECT_NE(headers.find("Cache-Control: no-store\r\n"), std::string::npos) << headers;

  for (const auto* who : {"desk", "display", "platform"}) {
    EXPECT_EQ(get(g, kPlain, "PR-100", t[who]).status, 403) << who;
  }
  EXPECT_EQ(get(g, kPlain, "PR-100", "").status, 401);
  // Another event's organizer cannot print this event's badges.
  EXPECT_EQ(get(g, kPlain, "PR-100", tokens_[kSigned]["organizer"]).status, 401);

  const auto unknown = get(g, kPlain, "PR-999", t["organizer"]);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(code_of(unknown), "unknown_badge");
  const auto revoked = get(g, kPlain, "PR-GONE", t["registration desk"]);
  EXPECT_EQ(revoked.status, 409);
  EXPECT_EQ(code_of(revoked), "revoked");
  for (const auto* size : {"?size=a4", "?size=", "?size=A6", "?size=cr80%00", "?size=a6cr80"}) {
    const auto bad = get(g, kPlain, "PR-100", t["organizer"], size);
    EXPECT_EQ(bad.status, 400) << size;
    EXPECT_EQ(code_of(bad), "bad_size") << size;
  }
  const auto metrics = http_get(g.host(), g.port(), "/metrics").body;
  EXPECT_NE(metrics.find("rollcall_badge_pdfs_total{outcome=\"printed\"} 25"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("rollcall_badge_pdfs_total{outcome=\"revoked\"} 1"), std::string::npos);
}

TEST_F(BadgePdfRoute, ASignedEventPrintsOnlyWithItsKeyAndThePrintedCodeScansIn) {
  auto& t = tokens_[kSigned];
  {
    GatewayProcess keyless(redis_.url());
    const auto refused = get(keyless, kSigned, "PR-100", t["organizer"]);
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(code_of(refused), "no_signing_key");
    EXPECT_NE(refused.body.find("--badge-signing-key"), std::string::npos) << refused.body;
    // The unsigned event prints as before on the same gateway.
    EXPECT_EQ(get(keyless, kPlain, "PR-100", tokens_[kPlain]["organizer"]).status, 200);
  }
  GatewayProcess g(redis_.url(), {"--badge-signing-key", key_file_, "--tick-ms", "20"});
  tools::client::DeskClient desk;
  desk.set_token(t["desk"]);
  desk.connect(g.host(), g.port(), kSigned);
  int n = 0;
  for (const auto& p : people_) {
    const auto response = get(g, kSigned, p.id, t["registration desk"], "?size=cr80");
    ASSERT_EQ(response.status, 200) << response.body;
    const auto codes = support::pdf_barcodes(response.body, 1);
    ASSERT_EQ(codes.size(), 1u) << p.id;
    EXPECT_TRUE(codes[0].starts_with("RC1:")) << codes[0];
    // The desk channel takes the printed code as a genuine scan of this person.
    v1::ScanRequest scan;
    scan.set_scan_id("printed-" + std::to_string(n++));
    scan.set_badge_id(codes[0]);
    scan.set_desk_id("desk-1");
    scan.set_zone("hall");
    scan.set_direction(v1::in);
    const auto result = desk.scan(scan);
    EXPECT_EQ(result.status(), v1::accepted) << p.id << " " << result.reason();
    EXPECT_EQ(result.attendee().name(), p.name);
    // The plain id no longer passes for this event: only the printed code does.
    scan.set_scan_id("plain-" + std::to_string(n));
    scan.set_badge_id(p.id);
    EXPECT_NE(desk.scan(scan).status(), v1::accepted);
  }
  // A retired key signs nothing more: the gateway refuses rather than print a dead code.
  std::string list;
  support::run_program(
      {ROLLCALL_ADMIN_BIN, "badge-key", "list", "--event", kSigned, "--redis", redis_.url()},
      &list);
  const auto key_id = list.substr(list.find('\n') + 1, 8);
  run_ok({ROLLCALL_ADMIN_BIN, "badge-key", "retire", "--event", kSigned, "--id", key_id, "--redis",
          redis_.url()});
  std::this_thread::sleep_for(5500ms);  // the event directory's cache
  const auto retired = get(g, kSigned, "PR-100", t["organizer"]);
  EXPECT_EQ(retired.status, 409);
  EXPECT_EQ(code_of(retired), "no_signing_key");
  EXPECT_NE(retired.body.find("retired"), std::string::npos) << retired.body;
}

}  // namespace
}  // namespace rollcall::gateway
