#include "services/checkin/manual_checkin.h"

#include "services/checkin/scan_validator.h"
#include "services/checkin/time_window.h"
#include "services/registry/utf8.h"
#include "services/wire/field_limits.h"

namespace rollcall::services::checkin {
namespace {

// The note's code points, or why it cannot be one. Control characters (C0, DEL, C1) are refused:
// a note is shown on dashboards and kept in the log, where a line break or an escape sequence
// would forge structure. The text is valid UTF-8 already (check_text_fields).
std::optional<std::string> check_note(std::string_view note) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < note.size(); ++i) {
    const auto byte = static_cast<unsigned char>(note[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: part of the previous character
    ++characters;
    if (byte < 0x20 || byte == 0x7F) return "note holds a control character";
    // U+0080..U+009F are encoded C2 80..C2 9F.
    if (byte == 0xC2 && i + 1 < note.size() && static_cast<unsigned char>(note[i + 1]) <= 0x9F) {
      return "note holds a control character";
    }
  }
  if (characters > kMaxNoteCharacters) {
    return "note is " + std::to_string(characters) + " characters long; at most " +
           std::to_string(kMaxNoteCharacters) + " are allowed";
  }
  return std::nullopt;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \u00A0") == std::string_view::npos;
}

}  // namespace

std::string manual_reason_word(v1::ManualReason reason) {
  if (reason == v1::manual_reason_unspecified || !v1::ManualReason_IsValid(reason)) return {};
  return v1::ManualReason_Name(reason);
}

std::optional<std::string> validate_manual_checkin(const v1::ManualCheckin& checkin) {
  // Bytes first (4 per character at most), so nothing below walks more than that.
  if (checkin.note().size() > 4 * kMaxNoteCharacters) {
    return "note is longer than " + std::to_string(kMaxNoteCharacters) + " characters (" +
           std::to_string(checkin.note().size()) + " bytes)";
  }
  if (auto why = wire::check_text_fields(checkin, {{"checkin_id", 128},
                                                   {"badge_id", 64},
                                                   {"zone", 64},
                                                   {"note", 4 * kMaxNoteCharacters}})) {
    return why;
  }
  if (!is_identifier(checkin.checkin_id(), 128)) {
    return "checkin_id is missing or not 1-128 letters, digits or _.:-";
  }
  if (!is_identifier(checkin.badge_id())) {
    return "badge_id is missing or not 1-64 letters, digits or _.:- (a badge id, not a code)";
  }
  if (!is_identifier(checkin.zone())) return "zone is missing or not 1-64 letters, digits or _.:-";
  if (checkin.direction() != v1::in && checkin.direction() != v1::out) {
    return "direction must be \"in\" or \"out\"";
  }
  if (manual_reason_word(checkin.reason()).empty()) {
    return "reason must be badge_forgotten, badge_unreadable or other";
  }
  if (auto why = check_note(checkin.note())) return why;
  if (checkin.reason() == v1::other && blank(checkin.note())) {
    return "a check-in by hand for reason \"other\" needs a note saying why";
  }
  if (checkin.has_device_time() && !timestamp_ms(checkin.device_time())) {
    return "device_time is not a valid time";
  }
  return std::nullopt;
}

v1::ScanRequest scan_request_for(const v1::ManualCheckin& checkin, std::string_view desk_id) {
  v1::ScanRequest request;
  request.set_scan_id(checkin.checkin_id());
  request.set_badge_id(checkin.badge_id());
  request.set_desk_id(std::string(desk_id));
  request.set_zone(checkin.zone());
  request.set_direction(checkin.direction());
  if (checkin.has_device_time()) *request.mutable_device_time() = checkin.device_time();
  return request;
}

}  // namespace rollcall::services::checkin
