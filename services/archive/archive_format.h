#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <sodium.h>

#include "rollcall/v1/archive.pb.h"

// The archive file (docs/archive.md):
//
//   "rollcall-archive"  16 bytes, the magic
//   version             uint32, big-endian (kFormatVersion)
//   records             each: uint32 big-endian length, then one ArchiveRecord (protobuf)
//                       header first, then keys (a large key in several parts), then end
//   "RCA-END\n"         8 bytes, the end marker
//   offset              uint64, big-endian: the bytes before the end marker
//   SHA-256             32 bytes, of everything before it
//
// The fixed prefix and trailer let a reader tell apart a file that is not an archive, an archive
// of another version, a truncated file and a changed one before it parses a single record.
namespace rollcall::services::archive {

inline constexpr std::string_view kMagic = "rollcall-archive";
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::string_view kEndMarker = "RCA-END\n";
inline constexpr std::size_t kPrefixSize = 20;   // magic + version
inline constexpr std::size_t kTrailerSize = 48;  // marker + offset + SHA-256
// No record is larger (the writer splits large keys into parts of about kPartBytes), so a
// damaged length cannot make the reader allocate much.
inline constexpr std::size_t kMaxRecordBytes = 16u << 20;
inline constexpr std::size_t kPartBytes = 1u << 20;

// Writes an archive to `out` as it goes, hashing every byte. Call header(), then key() for
// each key, then finish(). Throws std::runtime_error when the stream fails.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(std::ostream& out);

  void header(const v1::ArchiveHeader& header);
  // One whole key: split into parts of about kPartBytes.
  void key(const v1::ArchiveKey& key);
  // One part of a key read piece by piece (a long log): every part but the last has `continued`;
  // a part larger than kPartBytes is split further.
  void key_part(const v1::ArchiveKey& part);
  // Writes the end record and the trailer; returns the SHA-256 in hex.
  std::string finish();

  std::uint64_t bytes_written() const { return written_; }

 private:
  void record(const v1::ArchiveRecord& record);
  void raw(std::string_view bytes);

  std::ostream& out_;
  crypto_hash_sha256_state sha_{};
  std::uint64_t written_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t keys_ = 0;
  std::uint64_t log_entries_ = 0;
};

// A key cut into parts of about `part_bytes` each (every part but the last has `continued`).
std::vector<v1::ArchiveKey> split_key(const v1::ArchiveKey& key, std::size_t part_bytes);

// A decoded archive: its parts put back together into whole keys, in file order.
struct Archive {
  v1::ArchiveHeader header;
  std::vector<v1::ArchiveKey> keys;
  v1::ArchiveEnd end;
  std::string sha256;  // hex
};

// Decodes a whole archive file. nullopt with a one-line reason in *why for anything that is not
// a complete, unchanged archive of this format version: never throws on any input. The reason
// names what failed (not an archive, version, truncated, checksum, record N); it quotes at most
// a few bytes of the input.
std::optional<Archive> decode_archive(std::string_view file, std::string* why);

std::string sha256_hex(std::string_view bytes);

}  // namespace rollcall::services::archive
