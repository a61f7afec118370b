#pragma once

#include <string>
#include <string_view>

#include "services/archive/archive_format.h"

// What an archive holds and the checks a restore runs on a decoded archive before it writes
// anything (docs/archive.md).
namespace rollcall::services::archive {

// Whether the key {EVENT}:<name> goes into an archive. Every key of the event does except its
// secrets ("tokens": access token hashes, "secrets": webhook and ticket keys) and the staging
// keys of a restore in progress ("restore:...").
bool is_archived_key(std::string_view name);

// The staging name a restore writes a key under before it renames it into place (same hash tag,
// so RENAME stays within the event's slot).
std::string staging_name(std::string_view restore_id, std::string_view name);
inline constexpr std::string_view kStagingPrefix = "restore:";

// Why a decoded archive cannot be restored, or "" when it can: the event id, every key's name and
// shape, stream ids in order, no key twice, the event's config present, and the header's figures
// equal to what the keys hold.
std::string check_archive(const Archive& archive);

// "MS-SEQ" with both parts decimal and within 64 bits.
bool parse_stream_id(std::string_view id, unsigned long long* ms, unsigned long long* seq);

}  // namespace rollcall::services::archive
