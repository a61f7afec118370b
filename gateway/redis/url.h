#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rollcall::gateway::redis {

// redis://[[user]:password@]host[:port][/db]
struct Url {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string username;
  std::string password;
  int db = 0;

  // nullopt and a one-line reason in *error when the text is not such a URL.
  static std::optional<Url> parse(std::string_view text, std::string* error);

  std::string where() const { return host + ":" + std::to_string(port); }  // no secrets
};

}  // namespace rollcall::gateway::redis
