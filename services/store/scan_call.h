#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/command.h"
#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_scan (services/store/rollcall.lua scan): its arguments and its reply. The
// check-in rules (services/checkin) decide what to send and what the answer means.
namespace rollcall::services::store {

// Views: a call is built and formatted in one go (scan_call below), from texts that outlive it.
struct ScanCall {
  std::string_view event_id;
  std::string_view scan_id;
  std::string_view badge_id;
  std::string_view desk_id;
  std::string_view zone;
  bool entering = true;        // "in", else "out"
  std::int64_t device_ms = 0;  // the believed device time (server_ms when none)
  std::int64_t server_ms = 0;
  std::string_view day;     // YYYY-MM-DD in the event's zone
  std::string_view minute;  // YYYY-MM-DDTHH:MM
  bool late = false;
  std::size_t max_desks = 0;
  bool device_time_ignored = false;
  std::string_view offline_verdict;  // "admitted", "refused" or ""
  // A check-in by hand: its reason word and note (both absent otherwise).
  std::optional<std::pair<std::string_view, std::string_view>> manual;
};

// The command, formatted once (its arguments are read back with args() where a test or a tool
// wants them).
redis::Command scan_call(const ScanCall& call);

// The reply's fields, in the order rollcall.lua's scan returns them.
enum ScanField : std::size_t {
  kScanStatus,
  kScanReplay,
  kScanBadgeId,
  kScanZone,
  kScanDay,
  kScanServerMs,
  kScanLate,
  kScanSinceMs,
  kScanCountry,
  kScanCategory,
  kScanName,
  kScanOrganization,
  kScanSeq,
  kScanDeskTracked,        // absent from replies of libraries older than desk tracking
  kScanDeviceTimeIgnored,  // absent from replies of libraries older than the flag
  kScanRevokedReason,      // these three: absent from replies of libraries before replacements
  kScanReplacedBy,
  kScanPerson,
};
inline constexpr std::size_t kScanMinFields = kScanSeq + 1;
inline constexpr std::size_t kScanMaxFields = 64;  // room for later fields, nothing unbounded

// The reply's fields as text, read in place: no copy of the reply's strings (each field is a view
// into the reply, which must outlive it); an integer field keeps its decimal text here. Copyable
// (a field's view is made when asked for).
class ScanFields {
 public:
  ScanFields() = default;
  // Views of texts that outlive the fields (tests, other sources of the same reply). A temporary
  // vector would leave them dangling, so it does not convert.
  ScanFields(const std::vector<std::string>& texts);  // NOLINT(google-explicit-constructor)
  ScanFields(std::vector<std::string>&&) = delete;
  ScanFields(std::initializer_list<std::string_view> texts);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view operator[](std::size_t i) const {
    const Field& field = fields_[i];
    return field.number ? std::string_view(field.digits, field.length) : field.text;
  }

  // Appends a field; false when kScanMaxFields are there already.
  bool push_back(std::string_view text);
  bool push_back_number(long long value);

 private:
  struct Field {
    std::string_view text;
    bool number = false;
    unsigned char length = 0;
    char digits[21];  // the longest long long, "-9223372036854775808", with room to spare
  };
  std::array<Field, kScanMaxFields> fields_;
  std::size_t size_ = 0;
};

// The reply: an array of kScanMinFields..kScanMaxFields texts (strings, status, integers), else
// the error. The fields view `reply`, which must outlive them.
Read<ScanFields> read_scan_reply(const redis::Reply& reply);
// A temporary reply would leave the fields dangling.
Read<ScanFields> read_scan_reply(redis::Reply&& reply) = delete;

}  // namespace rollcall::services::store
