#include "services/registry/csv_reader.h"

#include "services/registry/utf8.h"

namespace rollcall::services::registry {

namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

// Makes at least `need` unread bytes available unless the input ends first.
bool CsvReader::fill(std::size_t need) {
  while (buffer_.size() - pos_ < need) {
    if (pos_ > 0) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    const std::size_t old = buffer_.size();
    buffer_.resize(old + kChunk);
    in_.read(buffer_.data() + old, kChunk);
    const auto got = static_cast<std::size_t>(in_.gcount());
    buffer_.resize(old + got);
    if (got == 0) return false;
  }
  return true;
}

int CsvReader::peek() {
  if (!fill(1)) return kEof;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get() {
  const int c = peek();
  if (c != kEof) ++pos_;
  return c;
}

void CsvReader::skip_bom() {
  if (fill(3) && buffer_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) pos_ += 3;
}

std::optional<CsvRecord> CsvReader::next() {
  if (!started_) {
    started_ = true;
    skip_bom();
  }
  if (done_) return std::nullopt;

  // Blank lines carry no record (a trailing empty line is the common case).
  for (;;) {
    const int c = peek();
    if (c == kEof) {
      done_ = true;
      return std::nullopt;
    }
    if (c == '\n') {
      get();
      ++line_;
    } else if (c == '\r') {
      get();
      if (peek() == '\n') get();
      ++line_;
    } else {
      break;
    }
  }

  CsvRecord record;
  record.line = line_;
  std::string field;
  for (;;) {
    int c = peek();
    if (c == '"') {
      get();
      const std::size_t quote_line = line_;
      bool closed = false;
      while (!closed) {
        c = get();
        if (c == kEof) {
          record.error = quote_line == record.line
                             ? "a quoted field is never closed (missing '\"')"
                             : "the quoted field opened on line " + std::to_string(quote_line) +
                                   " is never closed (missing '\"')";
          record.fields.push_back(std::move(field));
          done_ = broken_ = true;
          return record;
        }
        if (c == '"') {
          if (peek() == '"') {
            get();
            field.push_back('"');
          } else {
            closed = true;
          }
        } else {
          field.push_back(static_cast<char>(c));
          if (c == '\n' || (c == '\r' && peek() != '\n')) ++line_;
        }
      }
      c = peek();
      if (c != ',' && c != '\n' && c != '\r' && c != kEof && record.error.empty()) {
        record.error = "field " + std::to_string(record.fields.size() + 1) +
                       " has text after its closing quote (a '\"' inside a quoted field must be "
                       "doubled)";
      }
    }
    // Unquoted text (or what follows a closing quote) up to the next separator.
    for (c = peek(); c != ',' && c != '\n' && c != '\r' && c != kEof; c = peek()) {
      field.push_back(static_cast<char>(get()));
    }
    record.fields.push_back(std::move(field));
    field.clear();
    get();
    if (c == ',') continue;
    if (c == '\r' && peek() == '\n') get();
    if (c == kEof) {
      done_ = true;
    } else {
      ++line_;
    }
    break;
  }

  if (record.error.empty()) {
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      if (!is_valid_utf8(record.fields[i])) {
        record.error = "field " + std::to_string(i + 1) + " is not valid UTF-8";
        break;
      }
    }
  }
  return record;
}

}  // namespace rollcall::services::registry
