#pragma once

#include <map>
#include <string>

namespace rollcall::tools::client {

// Access tokens by role from a file of `ROLE TOKEN` lines (blank lines and `#` comments
// skipped), as scripts write them from `rollcall-admin token issue`. A file rather than
// arguments keeps tokens out of process listings. Throws std::runtime_error naming the line.
std::map<std::string, std::string> read_token_file(const std::string& path);

}  // namespace rollcall::tools::client
