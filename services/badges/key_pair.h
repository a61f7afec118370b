#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>

namespace rollcall::services::badges {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSecretKeyBytes = 64;

// An Ed25519 badge-signing key. The key id names it inside every code it signs, so keys can
// rotate: it is derived from the public key (first 4 bytes of its SHA-256, in hex), so the id
// cannot be paired with the wrong key by mistake.
struct KeyPair {
  std::string key_id;                                     // 8 lower-case hex digits
  std::string public_key;                                 // 32 bytes
  std::array<unsigned char, kSecretKeyBytes> secret_key;  // libsodium form: seed || public key

  KeyPair() = default;
  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;
  ~KeyPair();  // wipes the secret key
};

KeyPair generate_key_pair();

// The key id of a public key (of any length; a 32-byte Ed25519 key in practice).
std::string key_id_for(std::string_view public_key);

// The pair a secret key belongs to, or nullopt when its public half does not match its seed
// (a damaged or hand-edited key).
std::optional<KeyPair> key_pair_from_secret(std::span<const unsigned char, kSecretKeyBytes> secret);

}  // namespace rollcall::services::badges
