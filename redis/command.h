#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace rollcall::redis {

// One command as Redis reads it (RESP: `*N`, then `$len` and the bytes of each argument),
// formatted once by whoever builds it and handed to hiredis as it is
// (redisAsyncFormattedCommand): no argv of strings on the way, no second formatting. Binary-safe.
class Command {
 public:
  Command() = default;
  // From an argv, the form setup commands and most callers build.
  Command(const std::vector<std::string>& args);  // NOLINT(google-explicit-constructor)
  Command(std::initializer_list<std::string_view> args);

  // A command of `count` arguments, each appended with arg() or number(); `bytes` is a hint
  // of their total size, so that the buffer is allocated once.
  static Command of(std::size_t count, std::size_t bytes = 0);
  Command& arg(std::string_view value);
  Command& number(std::int64_t value);  // in decimal

  // Every argument announced has been appended (a command that is not is never sent).
  bool complete() const { return added_ == count_; }
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  // The RESP bytes, for the link.
  std::string_view bytes() const { return bytes_; }

  // The arguments read back from the bytes: for tests, scripted links and the blocking session.
  std::vector<std::string> args() const;
  // The first argument ("" for an empty command).
  std::string_view name() const;

  bool operator==(const Command& other) const { return bytes_ == other.bytes_; }

 private:
  void header(std::size_t count, std::size_t bytes);

  std::string bytes_;
  std::size_t count_ = 0;
  std::size_t added_ = 0;
};

}  // namespace rollcall::redis
