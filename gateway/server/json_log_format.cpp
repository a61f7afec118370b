#include "gateway/server/json_log_format.h"

#include <ctime>
#include <string_view>

#include <spdlog/pattern_formatter.h>

namespace rollcall::gateway::server {
namespace {

// %* in a log pattern: the message as the inside of a JSON string. Control characters are
// escaped and invalid UTF-8 (a client's bytes quoted in a message) becomes U+FFFD, so every line
// of --log-format json parses.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const auto* p = reinterpret_cast<const unsigned char*>(msg.payload.data());
    const auto* end = p + msg.payload.size();
    auto put = [&dest](std::string_view text) {
      dest.append(text.data(), text.data() + text.size());
    };
    while (p < end) {
      const unsigned char c = *p;
      if (c == '"' || c == '\\') {
        const char escaped[2] = {'\\', static_cast<char>(c)};
        put({escaped, 2});
        ++p;
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        put({escaped, 6});
        ++p;
      } else if (c < 0x80) {
        dest.push_back(static_cast<char>(c));
        ++p;
      } else {
        const auto length = utf8_sequence_length(p, end);
        if (length == 0) {
          put("\\ufffd");
          ++p;
        } else {
          put({reinterpret_cast<const char*>(p), length});
          p += length;
        }
      }
    }
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }

 private:
  // The length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0.
  static std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
    const unsigned char c = *p;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // bounds of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c == 0xe0) low = 0xa0;   // no overlong forms
      if (c == 0xed) high = 0x9f;  // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c == 0xf0) low = 0x90;
      if (c == 0xf4) high = 0x8f;  // nothing above U+10FFFF
    } else {
      return 0;
    }
    if (static_cast<std::size_t>(end - p) < length) return 0;
    if (p[1] < low || p[1] > high) return 0;
    for (std::size_t i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xbf) return 0;
    }
    return length;
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<JsonMessageFlag>('*').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%f%z","level":"%l","message":"%*"})");
  return formatter;
}

}  // namespace rollcall::gateway::server
