// The archive file's framing and checksum: what the writer makes decodes to the same keys, and
// every damaged variant of a small archive (each byte flipped, each truncation, other versions,
// bytes added) is refused with a reason that names what failed, never a crash.
#include "services/archive/archive_format.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include <random>
#include <sstream>

#include "services/archive/archive_content.h"
#include "tests/services/archive/archive_samples.h"

namespace rollcall::tests::archive {
namespace {

using google::protobuf::util::MessageDifferencer;
using services::archive::decode_archive;
using services::archive::kPrefixSize;
using services::archive::kTrailerSize;

void expect_same_keys(const std::vector<v1::ArchiveKey>& expected,
                      const std::vector<v1::ArchiveKey>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(expected[i], actual[i]))
        << expected[i].name() << "\n"
        << expected[i].DebugString().substr(0, 400) << "\nvs\n"
        << actual[i].DebugString().substr(0, 400);
  }
}

// A refusal names what failed in one bounded line.
void expect_refusal(std::string_view file, const std::string& needle, const std::string& what) {
  std::string why;
  const auto decoded = decode_archive(file, &why);
  ASSERT_FALSE(decoded) << what;
  EXPECT_NE(why.find(needle), std::string::npos) << what << ": " << why;
  EXPECT_LT(why.size(), 400u) << what;
  EXPECT_EQ(why.find('\n'), std::string::npos) << what;
}

TEST(ArchiveFormat, RoundTripsEventsOfManySizes) {
  for (const auto& [badges, scans] :
       std::vector<std::pair<int, int>>{{0, 0}, {1, 0}, {0, 1}, {3, 7}, {40, 300}, {2000, 25000}}) {
    const auto sample = sample_event(badges, scans);
    const auto file = encode(sample);
    std::string why;
    const auto decoded = decode_archive(file, &why);
    ASSERT_TRUE(decoded) << badges << "/" << scans << ": " << why;
    EXPECT_TRUE(MessageDifferencer::Equals(sample.header, decoded->header));
    expect_same_keys(sample.keys, decoded->keys);
    EXPECT_EQ(services::archive::check_archive(*decoded), "") << badges << "/" << scans;
    EXPECT_EQ(decoded->sha256, services::archive::sha256_hex(file.substr(0, file.size() - 32)));
  }
}

TEST(ArchiveFormat, LargeKeysAreSplitIntoPartsAndPutBackTogether) {
  const auto sample = sample_event(5, 30000);  // a log of a few MiB: several parts
  const auto& log = sample.keys.back();
  ASSERT_EQ(log.name(), "log");
  for (const std::size_t part_bytes : {std::size_t{1}, std::size_t{200}, std::size_t{1} << 16}) {
    const auto parts = services::archive::split_key(log, part_bytes);
    ASSERT_GT(parts.size(), 1u);
    int entries = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ(parts[i].continued(), i + 1 < parts.size());
      EXPECT_GT(parts[i].entries_size(), 0);
      EXPECT_EQ(parts[i].stream_last_id().empty(), i + 1 < parts.size());
      entries += parts[i].entries_size();
    }
    EXPECT_EQ(entries, log.entries_size());
  }
  const auto file = encode(sample);
  EXPECT_GT(file.size(), 2 * services::archive::kPartBytes);
  std::string why;
  const auto decoded = decode_archive(file, &why);
  ASSERT_TRUE(decoded) << why;
  expect_same_keys(sample.keys, decoded->keys);
}

// A key read piece by piece (rollcall-admin streams the log 1,000 entries at a time) decodes to
// the whole key, whatever the pieces' sizes, an empty last piece included.
TEST(ArchiveFormat, KeysWrittenInPiecesDecodeWhole) {
  const auto sample = sample_event(4, 5000);
  const auto& log = sample.keys.back();
  ASSERT_EQ(log.name(), "log");
  for (const int piece : {1, 7, 1000, 5000}) {
    for (const bool empty_tail : {false, true}) {
      std::ostringstream out;
      services::archive::ArchiveWriter writer(out);
      writer.header(sample.header);
      for (std::size_t k = 0; k + 1 < sample.keys.size(); ++k) writer.key(sample.keys[k]);
      for (int from = 0; from < log.entries_size(); from += piece) {
        v1::ArchiveKey part;
        part.set_name("log");
        part.set_type(v1::archive_stream);
        for (int i = from; i < std::min(log.entries_size(), from + piece); ++i) {
          *part.add_entries() = log.entries(i);
        }
        const bool last = from + piece >= log.entries_size() && !empty_tail;
        part.set_continued(!last);
        if (last) part.set_stream_last_id(log.stream_last_id());
        writer.key_part(part);
      }
      if (empty_tail) {
        v1::ArchiveKey tail;
        tail.set_name("log");
        tail.set_type(v1::archive_stream);
        tail.set_stream_last_id(log.stream_last_id());
        writer.key_part(tail);
      }
      writer.finish();
      std::string why;
      const auto decoded = decode_archive(out.str(), &why);
      ASSERT_TRUE(decoded) << piece << ": " << why;
      expect_same_keys(sample.keys, decoded->keys);
      EXPECT_EQ(services::archive::check_archive(*decoded), "") << piece;
    }
  }
}

TEST(ArchiveFormat, EveryFlippedByteIsRefusedNamingWhatFailed) {
  const auto file = encode(sample_event(3, 5));
  const auto size = file.size();
  for (std::size_t at = 0; at < size; ++at) {
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
      auto bad = file;
      bad[at] = static_cast<char>(bad[at] ^ mask);
      const auto what = "byte " + std::to_string(at) + " ^ " + std::to_string(mask);
      if (at < 16) {
        expect_refusal(bad, "not a rollcall archive", what);
      } else if (at < kPrefixSize) {
        expect_refusal(bad, "format version", what);
      } else if (at >= size - kTrailerSize && at < size - 40) {
        expect_refusal(bad, "end marker", what);
      } else if (at >= size - 40 && at < size - 32) {
        expect_refusal(bad, "truncated or extended", what);
      } else {
        expect_refusal(bad, "checksum mismatch", what);
      }
    }
  }
}

TEST(ArchiveFormat, EveryTruncationIsRefused) {
  const auto file = encode(sample_event(3, 5));
  for (std::size_t length = 0; length < file.size(); ++length) {
    const auto cut = std::string_view(file).substr(0, length);
    const auto what = "cut at " + std::to_string(length);
    expect_refusal(cut, length < kPrefixSize ? "truncated" : "truncated", what);
  }
  // Bytes added after the checksum, or a second archive appended, are refused too.
  expect_refusal(file + "x", "truncated", "one byte added");
  expect_refusal(file + file, "truncated or extended", "two archives");
}

TEST(ArchiveFormat, OtherFormatVersionsAreRefusedBeforeAnythingElse) {
  const auto file = encode(sample_event(3, 5));
  for (const std::uint32_t version : {0u, 2u, 3u, 255u, 256u, 65536u, 0xffffffffu}) {
    auto bad = file;
    for (int i = 0; i < 4; ++i) bad[16 + i] = static_cast<char>(version >> (8 * (3 - i)));
    expect_refusal(bad, "format version " + std::to_string(version), "version");
    // A later version may lay out its records differently: refused even when resealed.
    expect_refusal(reseal(bad), "format version " + std::to_string(version), "resealed version");
  }
}

TEST(ArchiveFormat, NotAnArchiveIsSaidSo) {
  for (const std::string& text : std::vector<std::string>{
           "", "r", "rollcall", "{\"event_id\":\"wsis20\"}", "badge_id,country\nB1,CH\n",
           std::string(100, '\0'), "rollcall-archivX" + std::string(80, 'a')}) {
    std::string why;
    EXPECT_FALSE(decode_archive(text, &why));
    EXPECT_TRUE(why.starts_with("not a rollcall archive") || why.starts_with("truncated")) << why;
  }
}

// A forger who recomputes the checksum (or a writer with a bug) still cannot crash the reader:
// every resealed variant with a byte changed in the records is either refused with a reason, or
// decodes to an archive the content check judges.
TEST(ArchiveFormat, ResealedDamageIsRefusedOrJudgedNeverACrash) {
  const auto file = encode(sample_event(3, 5));
  const auto body_end = file.size() - kTrailerSize;
  int refused = 0, decoded_ok = 0;
  for (std::size_t at = kPrefixSize; at < body_end; ++at) {
    for (const unsigned char mask : {0x01, 0x20, 0x80, 0xff}) {
      auto bad = file;
      bad[at] = static_cast<char>(bad[at] ^ mask);
      std::string why;
      const auto decoded = decode_archive(reseal(bad), &why);
      if (!decoded) {
        ++refused;
        EXPECT_FALSE(why.empty());
        EXPECT_LT(why.size(), 400u);
        continue;
      }
      ++decoded_ok;
      const auto verdict = services::archive::check_archive(*decoded);
      EXPECT_LT(verdict.size(), 400u);
    }
  }
  EXPECT_GT(refused, 100);
  EXPECT_GT(decoded_ok, 0);  // some changes (a letter in a name) leave a well-formed archive
}

TEST(ArchiveFormat, RandomBytesAfterAValidPrefixAreRefused) {
  std::mt19937 random(15);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 3000);
  const auto prefix = encode(sample_event(0, 0)).substr(0, kPrefixSize);
  for (int round = 0; round < 2000; ++round) {
    std::string file = prefix;
    const int n = length(random);
    for (int i = 0; i < n; ++i) file.push_back(static_cast<char>(byte(random)));
    std::string why;
    EXPECT_FALSE(decode_archive(file, &why));
    EXPECT_FALSE(why.empty());
    // With a sealed trailer the records themselves are parsed: still refused or judged.
    const std::uint64_t offset = file.size();
    file += std::string(services::archive::kEndMarker);
    for (int i = 7; i >= 0; --i) file.push_back(static_cast<char>(offset >> (8 * i)));
    file.resize(file.size() + 32);
    const auto sealed = reseal(file);
    const auto decoded = decode_archive(sealed, &why);
    if (decoded) services::archive::check_archive(*decoded);
  }
}

}  // namespace
}  // namespace rollcall::tests::archive
