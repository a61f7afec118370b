#include "redis/command.h"

#include <charconv>

namespace rollcall::redis {
namespace {

void append_decimal(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Reads the decimal after a type byte up to CRLF, moving `at` past it; -1 if malformed.
long long read_length(std::string_view bytes, std::size_t& at, char type) {
  if (at >= bytes.size() || bytes[at] != type) return -1;
  const auto crlf = bytes.find("\r\n", at);
  if (crlf == std::string_view::npos) return -1;
  long long value = -1;
  const auto [end, ec] = std::from_chars(bytes.data() + at + 1, bytes.data() + crlf, value);
  if (ec != std::errc{} || end != bytes.data() + crlf) return -1;
  at = crlf + 2;
  return value;
}

}  // namespace

Command::Command(const std::vector<std::string>& args) {
  if (args.empty()) return;
  std::size_t bytes = 0;
  for (const auto& arg : args) bytes += arg.size();
  header(args.size(), bytes);
  for (const auto& value : args) arg(value);
}

Command::Command(std::initializer_list<std::string_view> args) {
  if (args.size() == 0) return;
  std::size_t bytes = 0;
  for (const auto& arg : args) bytes += arg.size();
  header(args.size(), bytes);
  for (const auto& value : args) arg(value);
}

Command Command::of(std::size_t count, std::size_t bytes) {
  Command command;
  if (count > 0) command.header(count, bytes);
  return command;
}

void Command::header(std::size_t count, std::size_t bytes) {
  // Each argument costs at most 16 bytes of framing ($, up to 12 digits, two CRLFs).
  bytes_.reserve(bytes + 16 * count + 16);
  bytes_ += '*';
  append_decimal(bytes_, static_cast<std::int64_t>(count));
  bytes_ += "\r\n";
  count_ = count;
}

Command& Command::arg(std::string_view value) {
  // "$<size>\r\n" written on the stack: three appends per argument, not five.
  char header[24] = {'$'};
  char* end = std::to_chars(header + 1, header + sizeof header - 2, value.size()).ptr;
  *end++ = '\r';
  *end++ = '\n';
  bytes_.append(header, end);
  bytes_.append(value);
  bytes_.append("\r\n", 2);
  ++added_;
  return *this;
}

Command& Command::number(std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return arg(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

std::vector<std::string> Command::args() const {
  std::vector<std::string> out;
  std::size_t at = 0;
  const long long count = read_length(bytes_, at, '*');
  if (count <= 0) return out;
  out.reserve(static_cast<std::size_t>(count));
  for (long long i = 0; i < count; ++i) {
    const long long size = read_length(bytes_, at, '$');
    if (size < 0 || at + static_cast<std::size_t>(size) + 2 > bytes_.size()) break;
    out.emplace_back(bytes_, at, static_cast<std::size_t>(size));
    at += static_cast<std::size_t>(size) + 2;
  }
  return out;
}

std::string_view Command::name() const {
  std::size_t at = 0;
  if (read_length(bytes_, at, '*') <= 0) return {};
  const long long size = read_length(bytes_, at, '$');
  if (size < 0 || at + static_cast<std::size_t>(size) > bytes_.size()) return {};
  return std::string_view(bytes_).substr(at, static_cast<std::size_t>(size));
}

}  // namespace rollcall::redis
