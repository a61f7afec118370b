#pragma once

#include <array>
#include <string>
#include <string_view>

namespace rollcall::services::privacy {

// What an identifier names. Each kind has its own pseudonyms, except that badges and persons
// share one: a person id is its first badge's id unless the registry says otherwise, so the same
// text must map to the same pseudonym whether it stands for a badge or a person.
enum class IdKind { subject, participant, presence };

// Keyed pseudonyms: "anon-" and 20 hex digits of HMAC-SHA256(key, kind NUL id). Consistent within
// one run (the same id, the same pseudonym, so counts and joins between records stay as they
// were) and, once the key is thrown away, not reversible nor linkable to another run's.
class Pseudonyms {
 public:
  static constexpr std::size_t kKeySize = 32;
  using Key = std::array<unsigned char, kKeySize>;

  explicit Pseudonyms(const Key& key) : key_(key) {}
  // A fresh key from the system's CSPRNG (OpenSSL RAND_bytes); throws when none is available.
  static Key random_key();
  // 64 hex digits and back (a shred keeps its key in Redis while it runs, to resume); the parse
  // throws std::invalid_argument on anything else.
  static std::string key_to_hex(const Key& key);
  static Key key_from_hex(std::string_view hex);

  // The pseudonym of `id`; an id that already is a pseudonym is returned as it is, so a rewrite
  // applied twice (an interrupted run resumed) changes nothing the second time.
  std::string of(IdKind kind, std::string_view id) const;

 private:
  Key key_;
};

// "anon-" followed by exactly 20 lowercase hex digits.
bool is_pseudonym(std::string_view id);

// The mark an erased person leaves in {E}:erased, so that a second request is answered "already
// erased": SHA-256 hex of "rollcall-erased\0EVENT\0ID". Unkeyed on purpose: it can only be
// matched by someone who already holds the id, and says nothing else about the person.
std::string erased_mark(std::string_view event_id, std::string_view id);

}  // namespace rollcall::services::privacy
