#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rollcall::tools::admin {

// Rows printed in aligned columns for people (names in any script count one column per code
// point, which is close enough for a terminal listing).
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rollcall::tools::admin
