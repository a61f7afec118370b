#include "services/store/scan_call.h"

#include <charconv>

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {
namespace {

constexpr std::string_view kExpected = "the scan function's array";

}  // namespace

redis::Command scan_call(const ScanCall& call) {
  const std::size_t count = call.manual ? 19 : 17;
  const std::size_t texts =
      call.event_id.size() + call.scan_id.size() + call.badge_id.size() + call.desk_id.size() +
      call.zone.size() + call.day.size() + call.minute.size() + call.offline_verdict.size() +
      (call.manual ? call.manual->first.size() + call.manual->second.size() : 0) +
      96;  // the fixed words, the braces and the numbers
  auto command = redis::Command::of(count, texts);
  command.arg("FCALL")
      .arg(kScanFunction)
      .arg("1")
      .arg(tag(call.event_id))
      .arg(call.scan_id)
      .arg(call.badge_id)
      .arg(call.desk_id)
      .arg(call.zone)
      .arg(call.entering ? "in" : "out")
      .number(call.device_ms)
      .number(call.server_ms)
      .arg(call.day)
      .arg(call.minute)
      .arg(call.late ? "1" : "0")
      .number(static_cast<std::int64_t>(call.max_desks))
      .arg(call.device_time_ignored ? "1" : "0")
      .arg(call.offline_verdict);
  if (call.manual) command.arg(call.manual->first).arg(call.manual->second);
  return command;
}

ScanFields::ScanFields(const std::vector<std::string>& texts) {
  for (const auto& text : texts) {
    if (!push_back(text)) break;
  }
}

ScanFields::ScanFields(std::initializer_list<std::string_view> texts) {
  for (const auto text : texts) {
    if (!push_back(text)) break;
  }
}

bool ScanFields::push_back(std::string_view text) {
  if (size_ == fields_.size()) return false;
  Field& field = fields_[size_++];
  field.text = text;
  field.number = false;
  return true;
}

bool ScanFields::push_back_number(long long value) {
  if (size_ == fields_.size()) return false;
  Field& field = fields_[size_++];
  const auto end = std::to_chars(field.digits, field.digits + sizeof field.digits, value).ptr;
  field.length = static_cast<unsigned char>(end - field.digits);
  field.number = true;
  return true;
}

Read<ScanFields> read_scan_reply(const redis::Reply& reply) {
  using Type = redis::Reply::Type;
  if (reply.type != Type::array) return Read<ScanFields>::fail(unexpected(reply, kExpected));
  const auto& elements = reply.elements;
  if (elements.size() < kScanMinFields || elements.size() > kScanMaxFields) {
    // The gateway's log names the count and the status the function answered.
    std::string cause = "the scan function's reply of " + std::to_string(elements.size()) +
                        " fields is not understood";
    if (!elements.empty()) {
      const auto& first = elements.front();
      if (first.type == redis::Reply::Type::integer) {
        cause += " (status \"" + std::to_string(first.integer) + "\")";
      } else if (auto status = element_text(reply, 0, kExpected)) {
        cause += " (status \"" + bounded_text(*status) + "\")";
      }
    }
    return Read<ScanFields>::fail({.kind = "reply_shape", .cause = std::move(cause)});
  }
  Read<ScanFields> read;  // filled where it is returned (no copy of the fields)
  auto& fields = read.value.emplace();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (elements[i].type == Type::integer) {
      fields.push_back_number(elements[i].integer);
      continue;
    }
    auto text = element_text(reply, i, kExpected);
    if (!text) {
      read.value.reset();
      read.error = std::move(text.error);
      return read;
    }
    fields.push_back(*text);
  }
  return read;
}

}  // namespace rollcall::services::store
