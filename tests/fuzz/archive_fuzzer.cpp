// Event archives (rollcall-admin archive restore FILE): decode_archive either refuses with a
// bounded one-line reason or returns records that check_archive judges; an archive that passes
// both survives the writer unchanged. The input is tried as it is and sealed (its trailer and
// SHA-256 recomputed), so that mutations inside the records reach the record parser instead of
// stopping at the checksum.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include <google/protobuf/util/message_differencer.h>

#include "services/archive/archive_content.h"
#include "services/archive/archive_format.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace archive = services::archive;

std::string sealed(std::string_view input) {
  std::string file(input.substr(0, input.size() >= archive::kPrefixSize + archive::kTrailerSize
                                       ? input.size() - archive::kTrailerSize
                                       : input.size()));
  const std::uint64_t offset = file.size();
  file += archive::kEndMarker;
  for (int i = 7; i >= 0; --i) file.push_back(static_cast<char>(offset >> (8 * i)));
  const auto hex = archive::sha256_hex(file);
  for (std::size_t i = 0; i < 32; ++i) {
    file.push_back(static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16)));
  }
  return file;
}

void check(std::string_view file) {
  std::string why;
  const auto decoded = archive::decode_archive(file, &why);
  if (!decoded) {
    FUZZ_CHECK(!why.empty());
    FUZZ_CHECK(why.size() < 400);
    FUZZ_CHECK(why.find('\n') == std::string::npos);
    return;
  }
  const auto verdict = archive::check_archive(*decoded);
  FUZZ_CHECK(verdict.size() < 400);
  if (!verdict.empty()) return;
  // What a restore would accept, written again, reads back the same.
  std::ostringstream out;
  archive::ArchiveWriter writer(out);
  writer.header(decoded->header);
  for (const auto& key : decoded->keys) writer.key(key);
  writer.finish();
  const auto again = archive::decode_archive(out.str(), &why);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(archive::check_archive(*again).empty());
  FUZZ_CHECK(again->keys.size() == decoded->keys.size());
  for (std::size_t i = 0; i < again->keys.size(); ++i) {
    auto expected = decoded->keys[i];
    expected.clear_continued();
    FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(expected, again->keys[i]));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_text(data, size);
  check(input);
  check(sealed(input));
  return 0;
}
