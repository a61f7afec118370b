#include "services/badges/key_file.h"

#include <sodium.h>

#include <array>
#include <map>

namespace rollcall::services::badges {
namespace {

constexpr std::string_view kFormat = "rollcall-badge-key-v1";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string format_key_file(std::string_view event_id, const KeyPair& key) {
  std::string hex(key.secret_key.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.secret_key.data(), key.secret_key.size());
  hex.pop_back();
  std::string text =
      "# rollcall badge-signing key. Whoever holds this file can make badges for the event:\n"
      "# keep it offline, readable by you alone. Its public half is in Redis.\n";
  text += "format: " + std::string(kFormat) + "\n";
  text += "event: " + std::string(event_id) + "\n";
  text += "key_id: " + key.key_id + "\n";
  text += "secret_key: " + hex + "\n";
  sodium_memzero(hex.data(), hex.size());
  return text;
}

std::optional<SecretKeyFile> parse_key_file(std::string_view text, std::string* error) {
  std::map<std::string, std::string, std::less<>> fields;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      *error = "line " + std::to_string(line_number) + " is not \"field: value\"";
      return std::nullopt;
    }
    const std::string name(trim(line.substr(0, colon)));
    if (name != "format" && name != "event" && name != "key_id" && name != "secret_key") {
      *error = "line " + std::to_string(line_number) + ": unknown field \"" + name + "\"";
      return std::nullopt;
    }
    if (!fields.emplace(name, std::string(trim(line.substr(colon + 1)))).second) {
      *error = "line " + std::to_string(line_number) + ": \"" + name + "\" given twice";
      return std::nullopt;
    }
  }
  for (const char* name : {"format", "event", "key_id", "secret_key"}) {
    if (!fields.count(name)) {
      *error = std::string("no \"") + name + "\" line: not a rollcall badge key file";
      return std::nullopt;
    }
  }
  if (fields["format"] != kFormat) {
    *error = "format \"" + fields["format"] + "\" is not " + std::string(kFormat);
    return std::nullopt;
  }
  const auto& hex = fields["secret_key"];
  std::array<unsigned char, kSecretKeyBytes> secret{};
  std::size_t length = 0;
  const char* hex_end = nullptr;
  if (hex.size() != secret.size() * 2 ||
      sodium_hex2bin(secret.data(), secret.size(), hex.data(), hex.size(), nullptr, &length,
                     &hex_end) != 0 ||
      length != secret.size() || hex_end != hex.data() + hex.size()) {
    sodium_memzero(fields["secret_key"].data(), fields["secret_key"].size());
    *error = "secret_key is not 128 hex digits";
    return std::nullopt;
  }
  sodium_memzero(fields["secret_key"].data(), fields["secret_key"].size());
  auto pair = key_pair_from_secret(secret);
  sodium_memzero(secret.data(), secret.size());
  if (!pair) {
    *error = "secret_key is damaged (its public half does not match its seed)";
    return std::nullopt;
  }
  if (pair->key_id != fields["key_id"]) {
    *error = "key_id " + fields["key_id"] + " does not belong to this secret key (it is " +
             pair->key_id + ")";
    return std::nullopt;
  }
  SecretKeyFile file;
  file.event_id = fields["event"];
  file.key = std::move(*pair);
  return file;
}

}  // namespace rollcall::services::badges
