#include "services/archive/archive_format.h"

#include <array>
#include <stdexcept>

namespace rollcall::services::archive {
namespace {

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[at + i]);
  return value;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::size_t entry_bytes(const v1::ArchiveStreamEntry& entry) {
  return entry.ByteSizeLong() + 4;
}

// Appends the elements [from, to) of `key`'s list to `part`.
void copy_range(const v1::ArchiveKey& key, int from, int to, v1::ArchiveKey* part) {
  for (int i = from; i < to; ++i) {
    switch (key.type()) {
      case v1::archive_hash:
        *part->add_fields() = key.fields(i);
        break;
      case v1::archive_set:
        part->add_members(key.members(i));
        break;
      case v1::archive_sorted_set:
        *part->add_scored() = key.scored(i);
        break;
      case v1::archive_stream:
        *part->add_entries() = key.entries(i);
        break;
      default:
        break;
    }
  }
}

int list_size(const v1::ArchiveKey& key) {
  switch (key.type()) {
    case v1::archive_hash:
      return key.fields_size();
    case v1::archive_set:
      return key.members_size();
    case v1::archive_sorted_set:
      return key.scored_size();
    case v1::archive_stream:
      return key.entries_size();
    default:
      return 0;
  }
}

std::size_t element_bytes(const v1::ArchiveKey& key, int i) {
  switch (key.type()) {
    case v1::archive_hash:
      return key.fields(i).ByteSizeLong() + 4;
    case v1::archive_set:
      return key.members(i).size() + 4;
    case v1::archive_sorted_set:
      return key.scored(i).ByteSizeLong() + 4;
    case v1::archive_stream:
      return entry_bytes(key.entries(i));
    default:
      return 0;
  }
}

// Appends the next part's list to the key being put back together.
void merge_part(const v1::ArchiveKey& part, v1::ArchiveKey* whole) {
  whole->mutable_fields()->MergeFrom(part.fields());
  whole->mutable_members()->MergeFrom(part.members());
  whole->mutable_scored()->MergeFrom(part.scored());
  whole->mutable_entries()->MergeFrom(part.entries());
  if (!part.stream_last_id().empty()) whole->set_stream_last_id(part.stream_last_id());
  whole->set_continued(part.continued());
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return hex(digest.data(), digest.size());
}

ArchiveWriter::ArchiveWriter(std::ostream& out) : out_(out) {
  crypto_hash_sha256_init(&sha_);
  std::string prefix(kMagic);
  put_be(prefix, kFormatVersion, 4);
  raw(prefix);
}

void ArchiveWriter::raw(std::string_view bytes) {
  crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw std::runtime_error("cannot write the archive");
  written_ += bytes.size();
}

void ArchiveWriter::record(const v1::ArchiveRecord& record) {
  std::string bytes;
  if (!record.SerializeToString(&bytes)) throw std::runtime_error("cannot encode a record");
  if (bytes.size() > kMaxRecordBytes) {
    throw std::runtime_error("a record of " + std::to_string(bytes.size()) +
                             " bytes is over the format's limit");
  }
  std::string framed;
  put_be(framed, bytes.size(), 4);
  framed += bytes;
  raw(framed);
  ++records_;
}

void ArchiveWriter::header(const v1::ArchiveHeader& header) {
  v1::ArchiveRecord r;
  *r.mutable_header() = header;
  record(r);
}

void ArchiveWriter::key(const v1::ArchiveKey& key) {
  for (const auto& part : split_key(key, kPartBytes)) {
    v1::ArchiveRecord r;
    *r.mutable_key() = part;
    record(r);
  }
  ++keys_;
  if (key.name() == "log") log_entries_ += static_cast<std::uint64_t>(key.entries_size());
}

void ArchiveWriter::key_part(const v1::ArchiveKey& part) {
  auto pieces = split_key(part, kPartBytes);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const bool last = i + 1 == pieces.size();
    if (last) {
      pieces[i].set_continued(part.continued());
      pieces[i].set_stream_last_id(part.stream_last_id());
    }
    v1::ArchiveRecord r;
    *r.mutable_key() = std::move(pieces[i]);
    record(r);
  }
  if (!part.continued()) ++keys_;
  if (part.name() == "log") log_entries_ += static_cast<std::uint64_t>(part.entries_size());
}

std::string ArchiveWriter::finish() {
  v1::ArchiveRecord r;
  r.mutable_end()->set_records(records_);
  r.mutable_end()->set_keys(keys_);
  r.mutable_end()->set_log_entries(log_entries_);
  record(r);
  std::string trailer(kEndMarker);
  put_be(trailer, written_, 8);
  raw(trailer);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&sha_, digest.data());
  out_.write(reinterpret_cast<const char*>(digest.data()), digest.size());
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write the archive");
  written_ += digest.size();
  return hex(digest.data(), digest.size());
}

std::vector<v1::ArchiveKey> split_key(const v1::ArchiveKey& key, std::size_t part_bytes) {
  const int n = list_size(key);
  std::vector<v1::ArchiveKey> parts;
  v1::ArchiveKey head = key;
  head.clear_fields();
  head.clear_members();
  head.clear_scored();
  head.clear_entries();
  head.clear_continued();
  int from = 0;
  do {
    std::size_t bytes = 0;
    int to = from;
    while (to < n && (to == from || bytes + element_bytes(key, to) <= part_bytes)) {
      bytes += element_bytes(key, to);
      ++to;
    }
    v1::ArchiveKey part = head;
    copy_range(key, from, to, &part);
    if (to < n) {
      part.clear_stream_last_id();  // said once, on the last part
      part.set_continued(true);
    }
    parts.push_back(std::move(part));
    from = to;
  } while (from < n);
  return parts;
}

std::optional<Archive> decode_archive(std::string_view file, std::string* why) {
  const auto refuse = [&](std::string reason) -> std::optional<Archive> {
    *why = std::move(reason);
    return std::nullopt;
  };
  const auto size = file.size();
  if (file.substr(0, kMagic.size()) != kMagic.substr(0, std::min(size, kMagic.size()))) {
    return refuse("not a rollcall archive: it does not begin with \"rollcall-archive\"");
  }
  if (size < kPrefixSize) {
    return refuse("truncated: " + std::to_string(size) + " bytes, less than the " +
                  std::to_string(kPrefixSize) + "-byte start of an archive");
  }
  const auto version = get_be(file, kMagic.size(), 4);
  if (version != kFormatVersion) {
    return refuse("format version " + std::to_string(version) + ": this rollcall reads version " +
                  std::to_string(kFormatVersion) + " only");
  }
  if (size < kPrefixSize + kTrailerSize ||
      file.substr(size - kTrailerSize, kEndMarker.size()) != kEndMarker) {
    return refuse("truncated or damaged: the file (" + std::to_string(size) +
                  " bytes) does not end with the archive's end marker, offset and SHA-256");
  }
  const auto body_end = size - kTrailerSize;
  const auto stated = get_be(file, body_end + kEndMarker.size(), 8);
  if (stated != body_end) {
    return refuse("truncated or extended: the end marker says " + std::to_string(stated) +
                  " bytes come before it, the file has " + std::to_string(body_end));
  }
  const auto actual = sha256_hex(file.substr(0, size - 32));
  const auto stored =
      hex(reinterpret_cast<const unsigned char*>(file.data() + size - 32), std::size_t{32});
  if (actual != stored) {
    return refuse("checksum mismatch: the SHA-256 of the first " + std::to_string(size - 32) +
                  " bytes is " + actual + ", the archive says " + stored +
                  ": the file was changed or damaged");
  }

  Archive archive;
  archive.sha256 = stored;
  std::size_t at = kPrefixSize;
  std::uint64_t index = 0;
  bool have_header = false, have_end = false;
  bool open_key = false;  // the last key part said `continued`
  while (at < body_end) {
    const auto where = "record " + std::to_string(index + 1) + " (byte " + std::to_string(at) + ")";
    if (have_end) return refuse(where + " follows the end record");
    if (body_end - at < 4) return refuse(where + ": its length is cut off");
    const auto length = get_be(file, at, 4);
    if (length > kMaxRecordBytes) {
      return refuse(where + " declares " + std::to_string(length) + " bytes, over the limit of " +
                    std::to_string(kMaxRecordBytes));
    }
    if (length > body_end - at - 4) {
      return refuse(where + " declares " + std::to_string(length) + " bytes, past the end");
    }
    v1::ArchiveRecord record;
    if (!record.ParseFromArray(file.data() + at + 4, static_cast<int>(length))) {
      return refuse(where + " is not a readable record");
    }
    at += 4 + length;
    switch (record.kind_case()) {
      case v1::ArchiveRecord::kHeader:
        if (have_header) return refuse(where + " is a second header");
        archive.header = record.header();
        have_header = true;
        break;
      case v1::ArchiveRecord::kKey: {
        if (!have_header) return refuse(where + " comes before the header");
        const auto& part = record.key();
        if (open_key) {
          auto& whole = archive.keys.back();
          if (part.name() != whole.name() || part.type() != whole.type()) {
            return refuse(where + " should continue the key before it, and names another");
          }
          merge_part(part, &whole);
        } else {
          archive.keys.push_back(part);
        }
        open_key = part.continued();
        break;
      }
      case v1::ArchiveRecord::kEnd:
        if (!have_header) return refuse(where + " ends an archive with no header");
        if (open_key) return refuse(where + " ends the archive inside a key");
        archive.end = record.end();
        if (archive.end.records() != index) {
          return refuse("the end record counts " + std::to_string(archive.end.records()) +
                        " records before it, the file has " + std::to_string(index));
        }
        have_end = true;
        break;
      default:
        return refuse(where + " is of no known kind");
    }
    ++index;
  }
  if (!have_end) return refuse("the archive has no end record");
  return archive;
}

}  // namespace rollcall::services::archive
