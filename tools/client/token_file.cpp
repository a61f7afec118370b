#include "tools/client/token_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rollcall::tools::client {

std::map<std::string, std::string> read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read token file " + path);
  std::map<std::string, std::string> tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string role;
    std::string token;
    std::string extra;
    if (!(words >> role) || role.starts_with('#')) continue;
    if (!(words >> token) || (words >> extra)) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": want `ROLE TOKEN`");
    }
    tokens[role] = token;
  }
  return tokens;
}

}  // namespace rollcall::tools::client
