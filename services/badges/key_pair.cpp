#include "services/badges/key_pair.h"

#include <sodium.h>

#include <stdexcept>

namespace rollcall::services::badges {
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace

KeyPair::~KeyPair() {
  sodium_memzero(secret_key.data(), secret_key.size());
}

KeyPair generate_key_pair() {
  ensure_sodium();
  KeyPair pair;
  std::array<unsigned char, kPublicKeyBytes> public_key{};
  crypto_sign_ed25519_keypair(public_key.data(), pair.secret_key.data());
  pair.public_key.assign(public_key.begin(), public_key.end());
  pair.key_id = key_id_for(pair.public_key);
  return pair;
}

std::string key_id_for(std::string_view public_key) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(public_key.data()),
                     public_key.size());
  return to_hex(digest.data(), 4);
}

std::optional<KeyPair> key_pair_from_secret(
    std::span<const unsigned char, kSecretKeyBytes> secret) {
  ensure_sodium();
  std::array<unsigned char, crypto_sign_ed25519_SEEDBYTES> seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), secret.data());
  KeyPair pair;
  std::array<unsigned char, kPublicKeyBytes> public_key{};
  crypto_sign_ed25519_seed_keypair(public_key.data(), pair.secret_key.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  if (sodium_memcmp(pair.secret_key.data(), secret.data(), kSecretKeyBytes) != 0) {
    return std::nullopt;
  }
  pair.public_key.assign(public_key.begin(), public_key.end());
  pair.key_id = key_id_for(pair.public_key);
  return pair;
}

}  // namespace rollcall::services::badges
