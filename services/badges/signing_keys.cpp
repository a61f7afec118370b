#include "services/badges/signing_keys.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "services/badges/badge_code.h"

namespace rollcall::services::badges {
namespace {

constexpr off_t kMaxKeyFileBytes = 64 * 1024;

}  // namespace

std::optional<SigningKeys> SigningKeys::load(const std::vector<std::string>& paths,
                                             std::string* error) {
  SigningKeys keys;
  for (const auto& path : paths) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      *error = "cannot read badge key file " + path;
      return std::nullopt;
    }
    if (!S_ISREG(info.st_mode) || info.st_size > kMaxKeyFileBytes) {
      *error = path + " is not a badge key file";
      return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      *error = "cannot read badge key file " + path;
      return std::nullopt;
    }
    std::string why;
    auto file = parse_key_file(text.str(), &why);
    if (!file) {
      *error = path + ": " + why;
      return std::nullopt;
    }
    const auto event_id = file->event_id;
    if (!keys.keys_.emplace(event_id, std::move(*file)).second) {
      *error = path + ": a second key for event " + event_id + " (give one per event)";
      return std::nullopt;
    }
  }
  return keys;
}

bool SigningKeys::holds(std::string_view event_id) const {
  return keys_.find(event_id) != keys_.end();
}

std::optional<std::string> SigningKeys::code_for(std::string_view event_id,
                                                 std::string_view badge_id,
                                                 std::string_view first_day,
                                                 std::string_view last_day) const {
  const auto found = keys_.find(event_id);
  if (found == keys_.end()) return std::nullopt;
  BadgeClaim claim{.key_id = found->second.key.key_id,
                   .event_id = std::string(event_id),
                   .badge_id = std::string(badge_id),
                   .first_day = std::string(first_day),
                   .last_day = std::string(last_day)};
  return sign_badge(claim, found->second.key.secret_key);
}

std::string SigningKeys::key_id(std::string_view event_id) const {
  const auto found = keys_.find(event_id);
  return found == keys_.end() ? std::string() : found->second.key.key_id;
}

}  // namespace rollcall::services::badges
