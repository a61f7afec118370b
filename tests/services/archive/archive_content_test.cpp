// The checks a restore runs on a decoded archive: generated variants of a sound archive, each
// broken in one way a forger or a buggy writer could, are refused naming what is wrong.
#include "services/archive/archive_content.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "tests/services/archive/archive_samples.h"

namespace rollcall::tests::archive {
namespace {

using services::archive::check_archive;
using services::archive::decode_archive;

// The archive as a forger could write it (the writer only writes the list a key's type uses),
// checked; and, through the real writer and decoder, the same verdict whenever the writer kept
// the damage.
std::string verdict(const Sample& sample) {
  services::archive::Archive direct;
  direct.header = sample.header;
  direct.keys = sample.keys;
  direct.end.set_records(sample.keys.size() + 1);
  direct.end.set_keys(sample.keys.size());
  for (const auto& key : sample.keys) {
    if (key.name() == "log") direct.end.set_log_entries(key.entries_size());
  }
  const auto why = check_archive(direct);
  std::string error;
  const auto decoded = decode_archive(encode(sample), &error);
  EXPECT_TRUE(decoded) << error;
  if (decoded && !why.empty()) {
    const auto again = check_archive(*decoded);
    EXPECT_TRUE(again == why || why.find("list") != std::string::npos) << why << " / " << again;
  }
  return why;
}

v1::ArchiveKey* find(Sample& s, const std::string& name) {
  for (auto& key : s.keys) {
    if (key.name() == name) return &key;
  }
  return nullptr;
}

TEST(ArchiveContent, SecretsAndStagingKeysAreNeverArchived) {
  using services::archive::is_archived_key;
  for (const auto* name : {"tokens", "secrets", "restore:", "restore:abc:log", "restore:x:event"}) {
    EXPECT_FALSE(is_archived_key(name)) << name;
  }
  for (const auto* name : {"event", "log", "counters", "seq", "badge:B1", "badges", "state:P1",
                           "scan_ids", "badge_keys", "registry_version", "tokens:x", "secret"}) {
    EXPECT_TRUE(is_archived_key(name)) << name;
  }
  EXPECT_EQ(services::archive::staging_name("r1", "log"), "restore:r1:log");
  EXPECT_FALSE(is_archived_key(services::archive::staging_name("r1", "badge:B1")));
}

TEST(ArchiveContent, StreamIds) {
  unsigned long long ms = 0, seq = 0;
  EXPECT_TRUE(services::archive::parse_stream_id("1751871600000-3", &ms, &seq));
  EXPECT_EQ(ms, 1751871600000ull);
  EXPECT_EQ(seq, 3ull);
  EXPECT_TRUE(services::archive::parse_stream_id("18446744073709551615-0", &ms, &seq));
  for (const auto* bad : {"", "-", "1-", "-1", "1", "1-2-3", "a-1", "1-b", " 1-2", "1-2 ",
                          "18446744073709551616-0", "+1-2", "1--2", "0x1-2"}) {
    EXPECT_FALSE(services::archive::parse_stream_id(bad, &ms, &seq)) << bad;
  }
}

TEST(ArchiveContent, EachKindOfBrokenContentIsRefusedByName) {
  ASSERT_EQ(verdict(sample_event(3, 6)), "");
  struct Case {
    std::string expect;
    std::function<void(Sample&)> damage;
  };
  std::vector<Case> cases = {
      {"not a valid event id", [](Sample& s) { s.header.set_event_id(""); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id("WSIS"); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id("a}b"); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id("a{b"); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id("@venue"); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id(std::string(65, 'a')); }},
      {"not a valid event id", [](Sample& s) { s.header.set_event_id("a/b"); }},
      {"never holds", [](Sample& s) { s.keys[0].set_name("tokens"); }},
      {"never holds", [](Sample& s) { s.keys[1].set_name("secrets"); }},
      {"never holds", [](Sample& s) { s.keys[1].set_name("restore:r:badge:B0"); }},
      {"no name", [](Sample& s) { s.keys[1].set_name(""); }},
      {"control byte", [](Sample& s) { s.keys[1].set_name("badge:B\n0"); }},
      {"control byte", [](Sample& s) { s.keys[1].set_name(std::string("badge:\0", 7)); }},
      {"bytes (at most", [](Sample& s) { s.keys[1].set_name(std::string(513, 'b')); }},
      {"twice", [](Sample& s) { s.keys[2].set_name(s.keys[1].name()); }},
      {"no event hash", [](Sample& s) { s.keys[0].set_name("event2"); }},
      {"no event hash",
       [](Sample& s) {
         s.keys[0].clear_fields();
         s.keys[0].set_type(v1::archive_string);
         s.keys[0].set_value("x");
       }},
      {"no config", [](Sample& s) { s.keys[0].mutable_fields(0)->set_name("conf"); }},
      {"field \"country\" twice",
       [](Sample& s) { *s.keys[1].add_fields() = field("country", "FR"); }},
      {"no fields", [](Sample& s) { s.keys[1].clear_fields(); }},
      {"another list", [](Sample& s) { s.keys[1].add_members("x"); }},
      {"no known type", [](Sample& s) { s.keys[1].set_type(v1::ArchiveKeyType(9)); }},
      {"no known type", [](Sample& s) { s.keys[1].set_type(v1::archive_key_type_unspecified); }},
      {"carries a list", [](Sample& s) { find(s, "seq")->add_members("1"); }},
      {"member twice", [](Sample& s) { find(s, "badges")->add_members("B0"); }},
      {"no members", [](Sample& s) { find(s, "badges")->clear_members(); }},
      {"NaN", [](Sample& s) { find(s, "leases")->mutable_scored(0)->set_score(std::nan("")); }},
      {"not MS-SEQ", [](Sample& s) { find(s, "log")->mutable_entries(2)->set_id("12"); }},
      {"not MS-SEQ", [](Sample& s) { find(s, "log")->mutable_entries(0)->set_id("0-0"); }},
      {"out of order", [](Sample& s) { find(s, "log")->mutable_entries()->SwapElements(1, 2); }},
      {"out of order",
       [](Sample& s) {
         auto* log = find(s, "log");
         log->mutable_entries(3)->set_id(log->entries(2).id());
       }},
      {"with no fields", [](Sample& s) { find(s, "log")->mutable_entries(4)->clear_fields(); }},
      {"last id before", [](Sample& s) { find(s, "log")->set_stream_last_id("1-0"); }},
      {"stream id but is no stream", [](Sample& s) { s.keys[1].set_stream_last_id("5-0"); }},
      {"not a stream",
       [](Sample& s) {
         auto* log = find(s, "log");
         log->clear_entries();
         log->clear_stream_last_id();
         log->set_type(v1::archive_hash);
         *log->add_fields() = field("a", "b");
       }},
      {"keys", [](Sample& s) { s.header.set_keys(s.header.keys() + 1); }},
      {"keys", [](Sample& s) { s.keys.pop_back(); }},
      {"log entries", [](Sample& s) { s.header.set_log_entries(5); }},
      {"log entries", [](Sample& s) { find(s, "log")->mutable_entries()->RemoveLast(); }},
      {"last log entry", [](Sample& s) { s.header.set_log_last_id("1751871600000-0"); }},
      {"seq is not a number", [](Sample& s) { find(s, "seq")->set_value("6x"); }},
      {"seq is not a number", [](Sample& s) { find(s, "seq")->set_value(""); }},
      {"header says seq", [](Sample& s) { s.header.set_seq(7); }},
      {"header says seq", [](Sample& s) { find(s, "seq")->set_value("5"); }},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto sample = sample_event(3, 6);
    cases[i].damage(sample);
    const auto why = verdict(sample);
    EXPECT_NE(why.find(cases[i].expect), std::string::npos)
        << "case " << i << " expected \"" << cases[i].expect << "\", got \"" << why << "\"";
    EXPECT_LT(why.size(), 400u) << i;
  }
}

// Long, hostile names are quoted bounded, so a refusal never echoes a whole forged key.
TEST(ArchiveContent, RefusalsQuoteAtMostAFewBytes) {
  for (const std::size_t n : {100, 1000, 100000}) {
    auto sample = sample_event(1, 1);
    find(sample, "log")->mutable_entries(0)->set_id(std::string(n, '9') + "x");
    const auto why = verdict(sample);
    EXPECT_NE(why.find("not MS-SEQ"), std::string::npos) << why.substr(0, 200);
    EXPECT_LT(why.size(), 300u);
  }
}

}  // namespace
}  // namespace rollcall::tests::archive
