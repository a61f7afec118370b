// POST /v1/events/E/checkins with hostile bodies, generated: every field of ManualCheckin given
// every text variant (tests/attack/support/text_variants: long, multi-byte, control characters,
// invalid UTF-8, lone surrogates) and strings where numbers go, unknown members, wrong types,
// bodies that are no JSON (every cut of a good one, random bytes), deep nesting, huge bodies,
// long notes and notes with each control character. Each gets a clear 4xx (or, when it is a
// valid check-in after all, its ScanResult), never a 5xx; no answer quotes more than 131 bytes of
// what was sent; and exactly the check-ins answered 200 are counted, once each.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <random>

#include "rollcall/v1/registration.pb.h"
#include "services/checkin/manual_checkin.h"
#include "services/registry/utf8.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"
#include "tests/attack/support/text_variants.h"

namespace rollcall::tests::attack::web {
namespace {

using namespace std::chrono_literals;
using services::registry::is_valid_utf8;

constexpr std::size_t kMaxEcho = 131;        // quote_input's 128 bytes and its "…"
constexpr std::size_t kMaxMessage = 300;     // an error's words around such a quote
constexpr std::size_t kMaxBody = 64 * 1024;  // the gateway's default request body limit

// Whether `text` holds a run of more than kMaxEcho bytes of `sent` (the generated values are
// periodic, patterns of at most 16 bytes, so the runs starting in the first 64 bytes are all).
bool quotes_a_long_run(std::string_view text, std::string_view sent) {
  if (sent.size() <= kMaxEcho) return false;
  for (std::size_t offset = 0; offset < 64 && offset + kMaxEcho + 1 <= sent.size(); ++offset) {
    if (text.find(sent.substr(offset, kMaxEcho + 1)) != std::string_view::npos) return true;
  }
  return false;
}

std::string json_escape_code_point(unsigned c) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\\u00";
  out += hex[(c >> 4) & 15];
  out += hex[c & 15];
  return out;
}

class ManualCheckinBodies : public ::testing::Test {
 protected:
  void SetUp() override { gateway_ = &world_.start_gateway(); }

  struct Answer {
    int status = 0;
    std::string body;
  };

  Answer post(const std::string& body, const std::string& token) {
    std::string request = std::string("POST /v1/events/") + HttpWorld::kEvent +
                          "/checkins HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Authorization: Bearer " +
                          token + "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
    const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request, 20s);
    EXPECT_EQ(exchange.responses.size(), 1u);
    if (exchange.responses.empty()) return {};
    return {exchange.responses[0].status, exchange.responses[0].body};
  }

  // A valid check-in with a fresh id: whatever an attack leaves of it is the only difference.
  v1::ManualCheckin base() {
    v1::ManualCheckin checkin;
    checkin.set_checkin_id("base-" + std::to_string(next_id_++));
    checkin.set_badge_id("A1");
    checkin.set_zone("hall");
    checkin.set_direction(v1::in);
    checkin.set_reason(v1::badge_forgotten);
    return checkin;
  }

  // Sends `body` as a registration desk; checks the answer; returns it. `must_refuse`: the body
  // is no valid check-in whatever the gateway thinks of the rest.
  Answer attack(const std::string& label, const std::string& body, std::string_view sent,
                bool must_refuse) {
    SCOPED_TRACE(label);
    const auto answer = post(body, world_.registration_desk_token());
    ++sent_;
    EXPECT_NE(answer.status, 0) << "no answer";
    EXPECT_TRUE(answer.status == 200 || answer.status == 400 || answer.status == 413)
        << answer.status << " " << answer.body.substr(0, 300);
    if (must_refuse) EXPECT_NE(answer.status, 200) << answer.body.substr(0, 300);
    EXPECT_TRUE(is_valid_utf8(answer.body));
    EXPECT_LE(answer.body.size(), answer.status == 200 ? 2048u : 1024u);
    EXPECT_FALSE(quotes_a_long_run(answer.body, sent)) << answer.body.substr(0, 600);
    // A refusal quotes nothing long of the body; a valid check-in's answer carries its own id
    // back (at most 128 bytes, as a scan's does), which a 127-byte id makes look like a run.
    if (answer.status != 200) {
      EXPECT_FALSE(quotes_a_long_run(answer.body, body)) << answer.body.substr(0, 600);
    }
    boost::system::error_code ec;
    const auto json = boost::json::parse(answer.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << answer.body.substr(0, 300);
    if (const auto* object = json.if_object(); !ec && answer.status != 200) {
      EXPECT_TRUE(object && object->contains("code") && object->contains("message")) << answer.body;
      if (object && object->contains("code") && object->contains("message")) {
        EXPECT_EQ(object->at("code").as_string(), answer.status == 413 ? "too_large" : "malformed");
        EXPECT_LE(object->at("message").as_string().size(), kMaxMessage);
      }
    }
    // Whether the body is a valid check-in, read as the schema and the validator read it
    // (protobuf's JSON mapping takes numbers for enums and null for defaults): exactly those
    // are counted.
    v1::ManualCheckin parsed;
    std::string error;
    const bool valid =
        body.size() <= kMaxBody &&
        services::wire::decode(body, services::wire::Encoding::json, &parsed, &error) &&
        !services::checkin::validate_manual_checkin(parsed);
    EXPECT_EQ(answer.status == 200, valid) << answer.body.substr(0, 300);
    if (!valid) EXPECT_EQ(answer.status, body.size() > kMaxBody ? 413 : 400);
    if (answer.status == 200) {
      v1::ScanResult result;
      std::string error;
      EXPECT_TRUE(
          services::wire::decode(answer.body, services::wire::Encoding::json, &result, &error))
          << error;
      EXPECT_FALSE(result.replay()) << "every body has its own id";
      ++counted_;
    } else {
      ++refused_;
    }
    return answer;
  }

  // What the function logged: each check-in answered 200 once, nothing else.
  void expect_counted_exactly() {
    EXPECT_EQ(world_.redis().command({"XLEN", services::store::log_key(HttpWorld::kEvent)}),
              std::to_string(counted_));
    EXPECT_TRUE(gateway_->alive()) << gateway_->log();
  }

  HttpWorld world_;
  support::GatewayProcess* gateway_ = nullptr;
  int next_id_ = 0;
  std::size_t sent_ = 0, counted_ = 0, refused_ = 0, valid_types_ = 0;
};

TEST_F(ManualCheckinBodies, AValidCheckInIsCountedOnceAsARegistrationDesk) {
  auto checkin = base();
  const auto body = services::wire::encode(checkin, services::wire::Encoding::json);
  const auto answer = attack("valid", body, body, false);
  EXPECT_EQ(answer.status, 200) << answer.body;
  // The same body again: the stored answer, nothing counted twice.
  const auto again = post(body, world_.registration_desk_token());
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("\"replay\":true"), std::string::npos) << again.body;
  // Without the scope, with another role, or without a token, the body is not even read.
  for (const auto& [name, token] :
       std::vector<std::pair<std::string, std::string>>{{"desk", world_.token(v1::desk)},
                                                        {"organizer", world_.token(v1::organizer)},
                                                        {"display", world_.token(v1::display)},
                                                        {"platform", world_.token(v1::platform)}}) {
    auto other = base();
    EXPECT_EQ(post(services::wire::encode(other, services::wire::Encoding::json), token).status,
              403)
        << name;
  }
  EXPECT_EQ(post(body, "").status, 401);
  expect_counted_exactly();
}

TEST_F(ManualCheckinBodies, EveryFieldWithEveryTextVariant) {
  const auto variants = text_variants();
  const auto attacks = attacks_on(v1::ManualCheckin::descriptor(), true, variants);
  ASSERT_GT(attacks.size(), 100u);
  for (const auto& a : attacks) {
    const auto body = a.frame(base());
    // A note may be longer than other text (200 characters): the validator decides for it.
    const bool note = a.field && a.field->ends_with("note");
    attack(a.label, body, a.sent, a.must_refuse && (!note || a.variant->hostile()));
    if (HasFailure()) break;
  }
  expect_counted_exactly();
  std::cout << "[ figures ] " << attacks.size() << " field x variant bodies: " << counted_
            << " valid check-ins counted, " << refused_ << " refused\n";
}

TEST_F(ManualCheckinBodies, WrongTypesUnknownMembersAndDuplicates) {
  const std::vector<std::string> values = {"1",
                                           "-1",
                                           "1e999",
                                           "true",
                                           "false",
                                           "null",
                                           "[]",
                                           "{}",
                                           "[1]",
                                           "{\"a\":1}",
                                           "\"\"",
                                           "0.5",
                                           "\"in\"",
                                           "\"badge_forgotten\"",
                                           "99999999999999999999"};
  const auto* type = v1::ManualCheckin::descriptor();
  std::size_t tried = 0;
  for (int f = 0; f < type->field_count(); ++f) {
    const auto name = type->field(f)->name();
    for (const auto& value : values) {
      // The rest of a valid body, this member replaced.
      auto checkin = base();
      auto object =
          boost::json::parse(services::wire::encode(checkin, services::wire::Encoding::json))
              .as_object();
      object.erase(name);
      auto body = boost::json::serialize(object);
      body.insert(1, "\"" + name + "\":" + value + ",");
      // Whether it can be a valid check-in at all: protobuf's JSON mapping takes numbers for
      // enums and null for defaults, so decode it as the gateway would and ask the validator.
      v1::ManualCheckin parsed;
      std::string error;
      const bool valid =
          services::wire::decode(body, services::wire::Encoding::json, &parsed, &error) &&
          !services::checkin::validate_manual_checkin(parsed);
      const auto answer = attack(name + "=" + value, body, body, false);
      EXPECT_EQ(answer.status, valid ? 200 : 400) << name << "=" << value << ": " << answer.body;
      valid_types_ += valid;
      ++tried;
    }
  }
  // Members the schema does not have, or has twice.
  auto checkin = base();
  const auto good = services::wire::encode(checkin, services::wire::Encoding::json);
  for (const std::string extra :
       {"\"checkin\":\"x\"", "\"scan_id\":\"x\"", "\"desk_id\":\"other-desk\"",
        "\"offline_verdict\":\"offline_admitted\"", "\"person\":\"P\"", "\"\":1",
        "\"__proto__\":{}", "\"note \":\"x\""}) {
    attack("unknown " + extra, "{" + extra + "," + good.substr(1), extra, true);
    ++tried;
  }
  expect_counted_exactly();
  std::cout << "[ figures ] " << tried << " bodies with wrong types or unknown members ("
            << valid_types_ << " valid after all: enum numbers, nulls of optional members)\n";
}

TEST_F(ManualCheckinBodies, BodiesThatAreNoJsonCheckIn) {
  auto checkin = base();
  checkin.set_note("forgot it at the hotel");
  const auto good = services::wire::encode(checkin, services::wire::Encoding::json);
  std::vector<std::string> bodies = {"",
                                     " ",
                                     "null",
                                     "[]",
                                     "\"x\"",
                                     "1",
                                     "true",
                                     "{}",
                                     "{,}",
                                     "<xml/>",
                                     "checkin_id=1&badge_id=A1",
                                     good + good,
                                     good + ",",
                                     "[" + good + "]"};
  // Every cut of a valid body (only the whole one is valid).
  for (std::size_t cut = 0; cut < good.size(); ++cut) bodies.push_back(good.substr(0, cut));
  // Random bytes.
  std::mt19937 rng(1414);
  for (int i = 0; i < 40; ++i) {
    std::string bytes(1 + rng() % 3000, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    bodies.push_back(bytes);
  }
  for (const auto& body : bodies) attack("not a check-in", body, body, true);
  expect_counted_exactly();
  std::cout << "[ figures ] " << bodies.size() << " bodies that are no JSON check-in, refused\n";
}

TEST_F(ManualCheckinBodies, DeepNestingAndHugeBodies) {
  auto checkin = base();
  const auto good = services::wire::encode(checkin, services::wire::Encoding::json);
  for (const std::size_t depth : {2, 10, 64, 100, 101, 1000, 10000, 30000}) {
    for (const std::string& member : {"note", "device_time", "unknown"}) {
      for (const auto& [open, close] :
           std::vector<std::pair<std::string, std::string>>{{"[", "]"}, {"{\"a\":", "}"}}) {
        std::string nested;
        for (std::size_t i = 0; i < depth; ++i) nested += open;
        nested += "1";
        for (std::size_t i = 0; i < depth; ++i) nested += close;
        const auto body = "{\"" + member + "\":" + nested + "," + good.substr(1);
        attack(member + " nested " + std::to_string(depth), body, nested, true);
      }
    }
  }
  // Over the server's request limit (64 KiB): refused before any parsing.
  for (const std::size_t size : {64 * 1024 + 1, 200 * 1024}) {
    auto big = base();
    big.set_note(std::string(size, 'n'));
    const auto body = services::wire::encode(big, services::wire::Encoding::json);
    const auto answer = attack("huge " + std::to_string(size), body, big.note(), true);
    EXPECT_EQ(answer.status, 413);
  }
  expect_counted_exactly();
}

TEST_F(ManualCheckinBodies, NotesLongOrWithControlCharacters) {
  // Lengths around the limit, in characters of 1 to 4 bytes.
  for (const std::string unit : {"a", "\xc3\xa9", "\xe7\x8e\x8b", "\xf0\x9f\x98\x80"}) {
    for (const std::size_t length : {199, 200, 201, 250, 1000, 16000}) {
      auto checkin = base();
      std::string note;
      for (std::size_t i = 0; i < length; ++i) note += unit;
      checkin.set_note(note);
      const auto body = services::wire::encode(checkin, services::wire::Encoding::json);
      const auto answer = attack("note of " + std::to_string(length) + " x " +
                                     std::to_string(unit.size()) + "-byte characters",
                                 body, note, length > services::checkin::kMaxNoteCharacters);
      if (length <= services::checkin::kMaxNoteCharacters) EXPECT_EQ(answer.status, 200);
    }
  }
  // Each control character (C0, DEL, C1) as a JSON escape, and the C0 ones raw (invalid JSON).
  std::vector<unsigned> controls;
  for (unsigned c = 0; c < 0x20; ++c) controls.push_back(c);
  for (unsigned c = 0x7F; c <= 0x9F; ++c) controls.push_back(c);
  for (const auto c : controls) {
    for (const auto reason : {v1::badge_forgotten, v1::other}) {
      auto checkin = base();
      checkin.set_reason(reason);
      checkin.set_note("PLACEHOLDER");
      auto body = services::wire::encode(checkin, services::wire::Encoding::json);
      const auto at = body.find("PLACEHOLDER");
      body.replace(at, 11, "left " + json_escape_code_point(c) + " at the hotel");
      attack("note with U+" + std::to_string(c), body, body, true);
      if (c < 0x20) {
        auto raw = services::wire::encode(checkin, services::wire::Encoding::json);
        raw.replace(raw.find("PLACEHOLDER"), 11, "left " + std::string(1, char(c)) + " here");
        attack("note with raw byte " + std::to_string(c), raw, raw, true);
      }
    }
  }
  // Bad UTF-8 straight in the body, and lone surrogates as escapes.
  for (const std::string bad :
       {std::string("\xff"), std::string("\xc3("), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\\udc80"), std::string("\\ud800x")}) {
    auto checkin = base();
    checkin.set_note("PLACEHOLDER");
    auto body = services::wire::encode(checkin, services::wire::Encoding::json);
    body.replace(body.find("PLACEHOLDER"), 11, "note " + bad);
    attack("note with bad UTF-8", body, body, true);
  }
  // `other` without a note, or with blanks only.
  for (const std::string note : {"", " ", "     "}) {
    auto checkin = base();
    checkin.set_reason(v1::other);
    checkin.set_note(note);
    attack("other without a note", services::wire::encode(checkin, services::wire::Encoding::json),
           "", true);
  }
  expect_counted_exactly();
  std::cout << "[ figures ] " << sent_ << " note bodies: " << counted_ << " counted, " << refused_
            << " refused\n";
}

}  // namespace
}  // namespace rollcall::tests::attack::web
