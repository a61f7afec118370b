#pragma once

#include <sodium.h>

#include <array>
#include <string>

#include "rollcall/v1/auth.pb.h"
#include "services/badges/key_pair.h"
#include "services/checkin/badge_code_check.h"

namespace rollcall::fuzz {

// A fixed badge-signing key, so the seed corpora can hold genuine codes: a fuzzer cannot forge
// a signature, but it can mutate everything around a genuine code.
inline const services::badges::KeyPair& test_badge_key() {
  static const services::badges::KeyPair key = [] {
    if (sodium_init() < 0) std::abort();
    std::array<unsigned char, crypto_sign_ed25519_SEEDBYTES> seed;
    seed.fill(0x42);
    std::array<unsigned char, crypto_sign_ed25519_PUBLICKEYBYTES> public_key;
    std::array<unsigned char, crypto_sign_ed25519_SECRETKEYBYTES> secret_key;
    crypto_sign_ed25519_seed_keypair(public_key.data(), secret_key.data(), seed.data());
    return *services::badges::key_pair_from_secret(secret_key);
  }();
  return key;
}

inline v1::BadgeKey test_badge_public_key() {
  v1::BadgeKey key;
  key.set_key_id(test_badge_key().key_id);
  key.set_public_key(test_badge_key().public_key);
  return key;
}

// The keys of an event that signs its badges with the test key.
inline const services::checkin::BadgeKeys& test_badge_keys() {
  static const services::checkin::BadgeKeys keys = {
      {test_badge_key().key_id, test_badge_public_key()}};
  return keys;
}

}  // namespace rollcall::fuzz
