// Check-ins by hand: what validate_manual_checkin lets through (generated variants of every
// field), and the scan and the function call they become.
#include <gtest/gtest.h>

#include <cctype>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "services/checkin/manual_checkin.h"
#include "services/checkin/scan_outcome.h"
#include "services/registry/utf8.h"

namespace rollcall::services::checkin {
namespace {

v1::ManualCheckin good_checkin(v1::ManualReason reason = v1::badge_forgotten) {
  v1::ManualCheckin checkin;
  checkin.set_checkin_id("reg-desk-1:manual:0001");
  checkin.set_badge_id("B-100");
  checkin.set_zone("hall_a");
  checkin.set_direction(v1::in);
  checkin.set_reason(reason);
  if (reason == v1::other) checkin.set_note("came with the delegation; badge at the embassy");
  return checkin;
}

// `count` characters of `unit` (one character, however many bytes).
std::string repeat(const std::string& unit, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += unit;
  return text;
}

// A code point as UTF-8.
std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

TEST(ManualCheckin, EveryReasonAndDirectionIsAccepted) {
  for (const auto reason : {v1::badge_forgotten, v1::badge_unreadable, v1::other}) {
    for (const auto direction : {v1::in, v1::out}) {
      auto checkin = good_checkin(reason);
      checkin.set_direction(direction);
      EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt) << v1::ManualReason_Name(reason);
    }
  }
}

TEST(ManualCheckin, TheReasonMustBeOneThatIsNamed) {
  for (const int reason : {0, 4, 5, 100, -1, 1 << 20}) {
    auto checkin = good_checkin();
    checkin.set_reason(static_cast<v1::ManualReason>(reason));
    const auto why = validate_manual_checkin(checkin);
    ASSERT_TRUE(why) << reason;
    EXPECT_NE(why->find("reason"), std::string::npos) << *why;
  }
  for (const int direction : {0, 3, 7, -2}) {
    auto checkin = good_checkin();
    checkin.set_direction(static_cast<v1::Direction>(direction));
    const auto why = validate_manual_checkin(checkin);
    ASSERT_TRUE(why) << direction;
    EXPECT_NE(why->find("direction"), std::string::npos) << *why;
  }
}

// Every byte that is no identifier character, at the start, the middle and the end of each
// identifier field, and every length around the limits: refused with the field's name, and
// never quoting the value.
TEST(ManualCheckin, IdentifiersAreCheckedAsForScans) {
  struct Field {
    std::string name;
    std::size_t limit;
    void (v1::ManualCheckin::*set)(const std::string&);
  };
  // The setters taking const std::string& (protobuf also has template overloads).
  const std::vector<Field> fields = {
      {"checkin_id", 128,
       static_cast<void (v1::ManualCheckin::*)(const std::string&)>(
           &v1::ManualCheckin::set_checkin_id)},
      {"badge_id", 64,
       static_cast<void (v1::ManualCheckin::*)(const std::string&)>(
           &v1::ManualCheckin::set_badge_id)},
      {"zone", 64,
       static_cast<void (v1::ManualCheckin::*)(const std::string&)>(&v1::ManualCheckin::set_zone)},
  };
  std::size_t tried = 0;
  for (const auto& field : fields) {
    for (std::size_t length : {std::size_t{1}, field.limit - 1, field.limit}) {
      auto checkin = good_checkin();
      (checkin.*field.set)(std::string(length, 'x'));
      EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt) << field.name << " " << length;
    }
    for (std::size_t length :
         {std::size_t{0}, field.limit + 1, field.limit * 4, std::size_t{70000}}) {
      auto checkin = good_checkin();
      (checkin.*field.set)(std::string(length, 'x'));
      const auto why = validate_manual_checkin(checkin);
      ASSERT_TRUE(why) << field.name << " " << length;
      EXPECT_NE(why->find(field.name), std::string::npos) << *why;
      ++tried;
    }
    for (int byte = 0; byte < 256; ++byte) {
      const char c = static_cast<char>(byte);
      if (std::isalnum(byte) || c == '_' || c == '.' || c == ':' || c == '-') continue;
      for (const auto& value : {std::string(1, c) + "abc", "ab" + std::string(1, c) + "cd",
                                "abcd" + std::string(1, c)}) {
        auto checkin = good_checkin();
        (checkin.*field.set)(value);
        const auto why = validate_manual_checkin(checkin);
        ASSERT_TRUE(why) << field.name << " byte " << byte;
        EXPECT_NE(why->find(field.name), std::string::npos) << *why;
        EXPECT_EQ(why->find(value), std::string::npos) << "quotes the value: " << *why;
        EXPECT_TRUE(registry::is_valid_utf8(*why));
        ++tried;
      }
    }
  }
  std::cout << "[ figures ] " << tried << " bad identifiers refused\n";
}

TEST(ManualCheckin, ASignedCodeIsNoBadgeId) {
  // What a QR code carries is at least this long; a check-in by hand names the badge itself.
  auto checkin = good_checkin();
  checkin.set_badge_id("RC1:" + std::string(100, 'A'));
  const auto why = validate_manual_checkin(checkin);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("badge_id"), std::string::npos);
}

// Notes of every length around 200 characters, in characters of 1 to 4 bytes: counted in
// characters, not bytes.
TEST(ManualCheckin, NotesAreCountedInCharacters) {
  const std::vector<std::string> units = {"a", utf8(U'é'), utf8(U'中'), utf8(U'🙂'), utf8(U'ب')};
  for (const auto& unit : units) {
    for (std::size_t length = 0; length <= 205; ++length) {
      auto checkin = good_checkin(length % 2 ? v1::badge_unreadable : v1::other);
      checkin.set_note(repeat(unit, length));
      const auto why = validate_manual_checkin(checkin);
      const bool fits =
          length <= kMaxNoteCharacters && (length > 0 || checkin.reason() != v1::other);
      EXPECT_EQ(why.has_value(), !fits)
          << unit.size() << "-byte characters x " << length << ": " << why.value_or("accepted");
      if (why && length > kMaxNoteCharacters) {
        EXPECT_NE(why->find("200"), std::string::npos) << *why;
        EXPECT_NE(why->find("note"), std::string::npos) << *why;
      }
    }
  }
  // Far over: refused on bytes before any walk through it.
  auto checkin = good_checkin();
  checkin.set_note(std::string(64 * 1024, 'n'));
  ASSERT_TRUE(validate_manual_checkin(checkin));
  EXPECT_NE(validate_manual_checkin(checkin)->find("note"), std::string::npos);
}

TEST(ManualCheckin, NotesWithoutControlCharacters) {
  std::vector<char32_t> controls;
  for (char32_t c = 0; c < 0x20; ++c) controls.push_back(c);
  for (char32_t c = 0x7F; c <= 0x9F; ++c) controls.push_back(c);
  std::mt19937 rng(14);
  std::size_t refused = 0;
  for (const auto c : controls) {
    for (int where = 0; where < 3; ++where) {
      std::string note = "badge left at the hotel";
      const std::size_t at = where == 0 ? 0 : where == 1 ? rng() % note.size() : note.size();
      note.insert(at, utf8(c));
      auto checkin = good_checkin();
      checkin.set_note(note);
      const auto why = validate_manual_checkin(checkin);
      ASSERT_TRUE(why) << "U+" << std::hex << static_cast<unsigned>(c) << " at " << at;
      EXPECT_NE(why->find("control"), std::string::npos) << *why;
      ++refused;
    }
  }
  // Letters next to the C1 range are fine: U+00A0 (no-break space) to U+00FF, and C2/C3 lead
  // bytes of ordinary letters.
  for (char32_t c = 0xA0; c <= 0xFF; ++c) {
    auto checkin = good_checkin();
    checkin.set_note("ok " + utf8(c));
    EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt) << static_cast<unsigned>(c);
  }
  std::cout << "[ figures ] " << refused << " notes with control characters refused\n";
}

TEST(ManualCheckin, NotesMustBeUtf8) {
  for (const std::string bad :
       {std::string("\xFF"), std::string("\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80"), std::string("caf\xE9"), std::string("\xF4\x90\x80\x80")}) {
    auto checkin = good_checkin();
    checkin.set_note("note " + bad);
    const auto why = validate_manual_checkin(checkin);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("UTF-8"), std::string::npos) << *why;
    EXPECT_TRUE(registry::is_valid_utf8(*why));
  }
}

TEST(ManualCheckin, OtherNeedsANoteSayingWhy) {
  for (const std::string note :
       {std::string(), std::string(" "), std::string(30, ' '), utf8(0xA0) + " " + utf8(0xA0)}) {
    auto checkin = good_checkin(v1::other);
    checkin.set_note(note);
    const auto why = validate_manual_checkin(checkin);
    ASSERT_TRUE(why) << "'" << note << "'";
    EXPECT_NE(why->find("note"), std::string::npos) << *why;
  }
  // The other reasons may have one, or none.
  auto checkin = good_checkin(v1::badge_forgotten);
  EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt);
  checkin.set_note("left in room 214");
  EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt);
}

TEST(ManualCheckin, DeviceTimeMustBeATime) {
  auto checkin = good_checkin();
  checkin.mutable_device_time()->set_seconds(1751871600);
  EXPECT_EQ(validate_manual_checkin(checkin), std::nullopt);
  checkin.mutable_device_time()->set_nanos(-1);
  EXPECT_TRUE(validate_manual_checkin(checkin));
  checkin.mutable_device_time()->set_nanos(0);
  checkin.mutable_device_time()->set_seconds(253402300800);
  EXPECT_TRUE(validate_manual_checkin(checkin));
}

TEST(ManualCheckin, TheScanItCountsAsIsTheTokensDesks) {
  auto checkin = good_checkin(v1::other);
  checkin.set_direction(v1::out);
  checkin.mutable_device_time()->set_seconds(1751871600);
  const auto request = scan_request_for(checkin, "reg-desk-1");
  EXPECT_EQ(request.scan_id(), checkin.checkin_id());
  EXPECT_EQ(request.badge_id(), checkin.badge_id());
  EXPECT_EQ(request.desk_id(), "reg-desk-1");
  EXPECT_EQ(request.zone(), checkin.zone());
  EXPECT_EQ(request.direction(), v1::out);
  EXPECT_EQ(request.device_time().seconds(), 1751871600);
  EXPECT_EQ(request.offline_verdict(), v1::offline_verdict_none);
}

TEST(ManualCheckin, TheFunctionCallCarriesTheReasonAndTheNote) {
  for (const auto reason : {v1::badge_forgotten, v1::badge_unreadable, v1::other}) {
    auto checkin = good_checkin(reason);
    checkin.set_note("Ĳsselmeer 北京 🙂");
    const auto request = scan_request_for(checkin, "reg-desk-1");
    const ScanTiming timing{.effective_ms = 5, .day = "2025-07-07", .minute = "2025-07-07T09:00"};
    const auto command = scan_command("ev", request, timing, 5, 500, &checkin).args();
    ASSERT_EQ(command.size(), 19u);
    EXPECT_EQ(command[4], checkin.checkin_id());
    EXPECT_EQ(command[6], "reg-desk-1");
    EXPECT_EQ(command[16], "");  // no offline verdict: the gateway decides
    EXPECT_EQ(command[17], v1::ManualReason_Name(reason));
    EXPECT_EQ(command[18], checkin.note());
    // A scan carries neither.
    EXPECT_EQ(scan_command("ev", request, timing, 5, 500).count(), 17u);
  }
  EXPECT_EQ(manual_reason_word(v1::manual_reason_unspecified), "");
  EXPECT_EQ(manual_reason_word(static_cast<v1::ManualReason>(9)), "");
}

}  // namespace
}  // namespace rollcall::services::checkin
