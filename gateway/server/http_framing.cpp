#include "gateway/server/http_framing.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>

namespace rollcall::gateway::server {
namespace {

// The value as clients write it: after the colon and at most one space. Other whitespace is
// allowed by the RFC but sent by no client, and is what smuggling probes use to make two parsers
// disagree, so it is not stripped and the value does not match.
std::string_view value_of(std::string_view line, std::size_t colon) {
  auto value = line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  return value;
}

bool is_decimal(std::string_view text) {
  // 19 digits always fit in 64 bits; larger bodies are refused by the body limit anyway.
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string framing_problem(std::string_view header) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == '\n' && (i == 0 || header[i - 1] != '\r')) return "a bare LF in the header";
    if (header[i] == '\r' && (i + 1 == header.size() || header[i + 1] != '\n')) {
      return "a bare CR in the header";
    }
  }
  int transfer_encodings = 0;
  int content_lengths = 0;
  auto rest = header.substr(std::min(header.find("\r\n"), header.size()));  // past the start line
  while (rest.size() > 2) {
    rest.remove_prefix(2);  // the CRLF ending the previous line
    const auto line = rest.substr(0, rest.find("\r\n"));
    rest.remove_prefix(line.size());
    if (line.empty()) break;  // the blank line: end of the header
    if (line.front() == ' ' || line.front() == '\t') return "a folded header line (obs-fold)";
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // malformed: the parser refuses it
    const auto name = line.substr(0, colon);
    const auto value = value_of(line, colon);
    if (boost::beast::iequals(name, "transfer-encoding")) {
      if (++transfer_encodings > 1) return "more than one Transfer-Encoding header";
      if (!boost::beast::iequals(value, "chunked")) {
        return "a Transfer-Encoding other than chunked";
      }
    } else if (boost::beast::iequals(name, "content-length")) {
      if (++content_lengths > 1) return "more than one Content-Length header";
      if (!is_decimal(value)) return "a Content-Length that is not a plain number";
    }
  }
  if (transfer_encodings > 0 && content_lengths > 0) {
    return "both Transfer-Encoding and Content-Length";
  }
  return {};
}

}  // namespace rollcall::gateway::server
