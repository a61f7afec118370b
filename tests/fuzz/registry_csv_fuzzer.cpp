// Registry import (tools/import): the CSV reader and the badge validator on an arbitrary file.
// Every badge that comes out must be what the gateway and the exports can rely on, and reading
// must not depend on where the reader's 64 KiB refills fall.
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/badge_validator.h"
#include "services/registry/country_codes.h"
#include "services/registry/csv_reader.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace registry = services::registry;

constexpr std::size_t kReaderChunk = 64 * 1024;  // services/registry/csv_reader.cpp

const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::load();
  return codes;
}

const v1::Event& event() {
  static const auto config = registry::default_event("fuzz");
  return config;
}

std::vector<registry::CsvRecord> read_all(const std::string& text, bool* broken) {
  std::istringstream in(text);
  registry::CsvReader reader(in);
  std::vector<registry::CsvRecord> records;
  while (auto record = reader.next()) {
    FUZZ_CHECK(!reader.broken() || !record->ok());
    FUZZ_CHECK(records.empty() || record->line > records.back().line);
    if (record->ok()) {
      for (const auto& field : record->fields) FUZZ_CHECK(registry::is_valid_utf8(field));
    }
    records.push_back(std::move(*record));
    if (reader.broken()) FUZZ_CHECK(!reader.next());  // an unclosed quote ends the input
  }
  *broken = reader.broken();
  return records;
}

bool has_control(const std::string& text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

void check_badge(const v1::Badge& badge, std::set<std::string>* ids) {
  FUZZ_CHECK(registry::is_valid_badge_id(badge.badge_id()));
  FUZZ_CHECK(ids->insert(badge.badge_id()).second);
  FUZZ_CHECK(badge.country().empty() || countries().normalize(badge.country()) == badge.country());
  FUZZ_CHECK(!badge.category().empty());
  FUZZ_CHECK(!badge.name().empty() && badge.name().size() <= registry::kMaxTextBytes);
  FUZZ_CHECK(badge.organization().size() <= registry::kMaxTextBytes);
  FUZZ_CHECK(!has_control(badge.name()) && !has_control(badge.organization()));
  // The gateway sends the badge to desks as ScanResult.attendee, in either encoding.
  fuzz::check_round_trips(badge);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  countries();
  event();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));

  std::istringstream in(text);
  const auto file = registry::read_registry(in, event(), countries());
  std::set<std::string> ids;
  for (const auto& row : file.badges) {
    FUZZ_CHECK(row.line > 1);  // line 1 is the header
    check_badge(row.badge, &ids);
  }
  // Reasons quote the file: they must still be one line of valid UTF-8 for the operator.
  const auto readable = [](const registry::RowError& error) {
    return !error.reason.empty() && registry::is_valid_utf8(error.reason) &&
           error.reason.find_first_of("\r\n") == std::string::npos;
  };
  for (const auto& error : file.errors) FUZZ_CHECK(readable(error) && error.line > 1);
  if (file.fatal) FUZZ_CHECK(readable(*file.fatal));

  // Blank lines carry no record: the same text behind enough of them that a refill of the
  // reader's buffer falls inside it reads the same, every line shifted. (One input in eight:
  // 64 KiB of padding is most of the cost of an input.)
  bool broken = false;
  const auto records = read_all(text, &broken);
  if (size < 2 || size % 8 != 0) return 0;
  if (text.starts_with("\xEF\xBB\xBF")) return 0;  // a byte order mark counts only first
  const std::size_t pad = kReaderChunk - 1 - data[0] % std::min<std::size_t>(size - 1, 255);
  bool padded_broken = false;
  const auto padded = read_all(std::string(pad, '\n') + text, &padded_broken);
  FUZZ_CHECK(padded_broken == broken);
  FUZZ_CHECK(padded.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    FUZZ_CHECK(padded[i].line == records[i].line + pad);
    FUZZ_CHECK(padded[i].fields == records[i].fields);
    FUZZ_CHECK(padded[i].ok() == records[i].ok());
  }
  return 0;
}
