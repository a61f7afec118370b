#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace rollcall::services::registry {

struct CsvRecord {
  std::size_t line = 0;  // physical line (1-based) where the record starts
  std::vector<std::string> fields;
  std::string error;  // why the record is malformed, without the line; empty when it is fine

  bool ok() const { return error.empty(); }
};

// Streaming RFC 4180 reader: quoted fields, doubled quotes, commas and line breaks inside quotes,
// CRLF, LF or lone CR line ends, a leading UTF-8 byte order mark skipped, blank lines skipped.
// Fields are returned byte-exact. A record whose field is not valid UTF-8 comes back with error
// set and reading goes on; an unterminated quote swallows the rest of the input, so that record
// is the last one and broken() turns true.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // The next record, or nullopt at the end of the input.
  std::optional<CsvRecord> next();

  bool broken() const { return broken_; }

 private:
  static constexpr int kEof = -1;

  bool fill(std::size_t need);
  int peek();
  int get();
  void skip_bom();

  std::istream& in_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  bool started_ = false;
  bool done_ = false;
  bool broken_ = false;
};

}  // namespace rollcall::services::registry
