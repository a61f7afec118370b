#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "services/badges/key_pair.h"

namespace rollcall::services::badges {

// The organizer's secret badge-signing key on disk: a few "field: value" lines (format, event,
// key_id, secret_key in hex) so a person can tell which event and key a file holds, and so the
// key is only ever used for the event whose Redis holds its public half.
struct SecretKeyFile {
  std::string event_id;
  KeyPair key;
};

std::string format_key_file(std::string_view event_id, const KeyPair& key);

// nullopt with a one-line reason in *error for anything but an intact file.
std::optional<SecretKeyFile> parse_key_file(std::string_view text, std::string* error);

}  // namespace rollcall::services::badges
