#include "tests/services/archive/archive_samples.h"

#include <sstream>

namespace rollcall::tests::archive {

v1::ArchiveField field(const std::string& name, const std::string& value) {
  v1::ArchiveField f;
  f.set_name(name);
  f.set_value(value);
  return f;
}

Sample sample_event(int badges, int scans) {
  Sample s;
  v1::ArchiveKey event;
  event.set_name("event");
  event.set_type(v1::archive_hash);
  *event.add_fields() = field("config", R"({"event_id":"wsis20","time_zone":"Europe/Zurich"})");
  *event.add_fields() = field("days", ",2025-07-07,");
  s.keys.push_back(event);

  v1::ArchiveKey set;
  set.set_name("badges");
  set.set_type(v1::archive_set);
  for (int i = 0; i < badges; ++i) {
    const auto id = "B" + std::to_string(i);
    set.add_members(id);
    v1::ArchiveKey badge;
    badge.set_name("badge:" + id);
    badge.set_type(v1::archive_hash);
    *badge.add_fields() = field("country", "CH");
    *badge.add_fields() = field("category", "delegate");
    *badge.add_fields() = field("name", "Ana \xc3\x9flo " + id);
    *badge.add_fields() = field("revoked", "0");
    s.keys.push_back(badge);
  }
  if (badges > 0) s.keys.push_back(set);

  v1::ArchiveKey counters;
  counters.set_name("counters");
  counters.set_type(v1::archive_hash);
  *counters.add_fields() = field("onsite", std::to_string(scans));
  *counters.add_fields() = field("scans:accepted", std::to_string(scans));
  s.keys.push_back(counters);

  v1::ArchiveKey seq;
  seq.set_name("seq");
  seq.set_type(v1::archive_string);
  seq.set_value(std::to_string(scans));
  s.keys.push_back(seq);

  v1::ArchiveKey leases;
  leases.set_name("leases");
  leases.set_type(v1::archive_sorted_set);
  auto* lease = leases.add_scored();
  lease->set_member("bridge:zoom-1");
  lease->set_score(1751871600000.0);
  s.keys.push_back(leases);

  std::string last;
  if (scans > 0) {
    v1::ArchiveKey log;
    log.set_name("log");
    log.set_type(v1::archive_stream);
    for (int i = 0; i < scans; ++i) {
      auto* entry = log.add_entries();
      entry->set_id(std::to_string(1751871600000 + i / 2) + "-" + std::to_string(i % 2));
      *entry->add_fields() = field("type", "scan");
      *entry->add_fields() = field("scan_id", "s" + std::to_string(i));
      *entry->add_fields() = field("badge_id", "B" + std::to_string(i % (badges + 1)));
      *entry->add_fields() = field("status", "accepted");
      last = entry->id();
    }
    log.set_stream_last_id(last);
    s.keys.push_back(log);
  }
  s.header.set_event_id("wsis20");
  s.header.set_created_ms(1751900000000);
  s.header.set_created_by("archive_test");
  s.header.set_seq(scans);
  s.header.set_log_last_id(last);
  s.header.set_log_entries(static_cast<std::uint64_t>(scans));
  s.header.set_keys(s.keys.size());
  return s;
}

std::string encode(const Sample& sample) {
  std::ostringstream out;
  services::archive::ArchiveWriter writer(out);
  writer.header(sample.header);
  for (const auto& key : sample.keys) writer.key(key);
  writer.finish();
  return out.str();
}

std::string reseal(std::string file) {
  const auto hex =
      services::archive::sha256_hex(std::string_view(file).substr(0, file.size() - 32));
  for (std::size_t i = 0; i < 32; ++i) {
    file[file.size() - 32 + i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return file;
}

}  // namespace rollcall::tests::archive
