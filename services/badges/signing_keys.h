#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/badges/key_file.h"

namespace rollcall::services::badges {

// The secret badge keys one process holds (a gateway that registers walk-ins, replaces badges or
// prints badges for signed events), one per event, read from rollcall-admin's key files. The
// secret halves never go to Redis; an event without a key here gets no codes from this process.
class SigningKeys {
 public:
  // Reads every file; nullopt with a reason naming the file for the first unusable one (not a
  // regular file, over 64 KiB, not a key file, or a second key for the same event).
  static std::optional<SigningKeys> load(const std::vector<std::string>& paths, std::string* error);

  bool holds(std::string_view event_id) const;
  // The signed code for a badge (days "YYYY-MM-DD" or empty: unbounded); nullopt when no key of
  // the event is held. Throws std::invalid_argument for a claim that cannot be encoded.
  std::optional<std::string> code_for(std::string_view event_id, std::string_view badge_id,
                                      std::string_view first_day = {},
                                      std::string_view last_day = {}) const;
  // The key id held for an event, for logs; empty when none.
  std::string key_id(std::string_view event_id) const;

 private:
  std::map<std::string, SecretKeyFile, std::less<>> keys_;
};

}  // namespace rollcall::services::badges
