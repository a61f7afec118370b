#pragma once

#include <string>

#include "services/archive/archive_format.h"

// Small archives for the format tests: built with the real writer from keys shaped like an
// event's (config, registry, counters, seq, log, leases).
namespace rollcall::tests::archive {

struct Sample {
  v1::ArchiveHeader header;
  std::vector<v1::ArchiveKey> keys;
};

// An event with `badges` badges and `scans` log entries.
Sample sample_event(int badges, int scans);
// The file the writer makes of it (parts of `part_bytes`, the writer's own size by default).
std::string encode(const Sample& sample);
// The file with its SHA-256 recomputed, as a forger (or a buggy writer) would leave it.
std::string reseal(std::string file);

v1::ArchiveField field(const std::string& name, const std::string& value);

}  // namespace rollcall::tests::archive
