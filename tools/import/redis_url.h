#pragma once

#include <string>
#include <string_view>

namespace rollcall::tools::import {

// redis://[[user]:password@]host[:port][/db], user and password percent-decoded.
struct RedisUrl {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string user;
  std::string password;
  int db = 0;

  // Throws std::invalid_argument with a one-line reason when `text` is not such a URL.
  static RedisUrl parse(std::string_view text);

  std::string where() const { return host + ":" + std::to_string(port); }  // no secrets
};

}  // namespace rollcall::tools::import
