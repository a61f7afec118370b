#include "gateway/server/static_path.h"

#include <algorithm>

#include "services/registry/utf8.h"

namespace rollcall::gateway::server {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Why a decoded segment cannot name a file below the root ("" when it can). Anything that could
// mean "another directory" to some layer (a slash, a backslash, a dot segment, a NUL that ends
// the name early, an overlong form a lenient decoder turns into "/") is refused outright rather
// than interpreted.
std::string_view segment_problem(std::string_view segment) {
  if (segment.front() == '.') return "a dot segment or hidden name";
  for (const char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/') return "an encoded slash";
    if (c == '\\') return "a backslash";
    if (byte < 0x20 || byte == 0x7f) return "a control character";
  }
  if (!services::registry::is_valid_utf8(segment)) return "invalid UTF-8";
  return {};
}

}  // namespace

std::optional<fs::path> canonical_web_root(const fs::path& configured) {
  std::error_code ec;
  auto root = fs::canonical(configured, ec);
  if (ec || !fs::is_directory(root, ec)) return std::nullopt;
  return root;
}

bool percent_decode(std::string_view encoded, std::string* out) {
  out->clear();
  out->reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out->push_back(encoded[i]);
      continue;
    }
    if (encoded.size() - i < 3) return false;
    const int high = hex_value(encoded[i + 1]);
    const int low = hex_value(encoded[i + 2]);
    if (high < 0 || low < 0) return false;
    out->push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

bool is_within(const fs::path& root, const fs::path& path) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view encoded_path,
                                            std::string* refusal) {
  if (refusal) refusal->clear();
  auto refuse = [&](std::string_view why) -> std::optional<fs::path> {
    if (refusal) *refusal = why;
    return std::nullopt;
  };
  if (root.empty()) return std::nullopt;
  if (encoded_path.empty() || encoded_path.front() != '/') return refuse("not an absolute path");
  fs::path relative;
  std::string segment;
  while (!encoded_path.empty()) {
    encoded_path.remove_prefix(1);  // the '/'
    const auto encoded = encoded_path.substr(0, encoded_path.find('/'));
    encoded_path.remove_prefix(encoded.size());
    if (encoded.empty()) continue;  // "//" and a trailing "/" name nothing
    if (!percent_decode(encoded, &segment)) return refuse("a broken percent escape");
    if (const auto problem = segment_problem(segment); !problem.empty()) return refuse(problem);
    relative /= segment;
  }
  if (relative.empty()) relative = "index.html";

  auto candidate = root / relative;
  std::error_code ec;
  if (!candidate.has_extension()) {
    auto page = candidate;
    page += ".html";
    if (fs::is_regular_file(page, ec)) candidate = std::move(page);
  }
  // Symlinks resolved: what is checked is what would be opened.
  const auto file = fs::canonical(candidate, ec);
  if (ec) return std::nullopt;
  if (!is_within(root, file)) return refuse("a symlink leading out of the web root");
  for (auto part = std::next(file.begin(), std::distance(root.begin(), root.end()));
       part != file.end(); ++part) {
    if (part->native().starts_with('.')) return refuse("a symlink to a hidden name");
  }
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

}  // namespace rollcall::gateway::server
