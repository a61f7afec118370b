#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace rollcall::gateway::server {

// The web root as files are served from it: absolute, symlinks resolved, a directory. nullopt
// when it is missing or not a directory: the gateway then serves no files at all.
std::optional<std::filesystem::path> canonical_web_root(const std::filesystem::path& configured);

// Strict percent-decoding of one path segment: "%" must be followed by two hex digits. False
// (and *out unspecified) on a broken escape.
bool percent_decode(std::string_view encoded, std::string* out);

// The file a request path names under `root` (as canonical_web_root gives it; empty: none), or
// nullopt. `encoded_path` is the path of the request target as sent, still percent-encoded:
// "/" is index.html, "/NAME" may omit ".html", empty segments ("//") are skipped. A segment that
// decodes to a slash, a backslash, a control character (NUL included), invalid UTF-8 (overlong
// forms included), or starts with "." ("..", ".hidden") refuses the whole path. Whatever this
// returns is canonical, a regular file, inside `root` component by component (a symlink that
// leads out is refused) and below no hidden directory. *refusal (when given) says why a path
// was refused for its spelling or for leaving the root; it stays empty when the file simply
// does not exist.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                         std::string_view encoded_path,
                                                         std::string* refusal = nullptr);

// Whether `path` is `root` or lies below it, comparing whole components (so "/srv/www-old" is not
// inside "/srv/www"). Both must be canonical.
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace rollcall::gateway::server
