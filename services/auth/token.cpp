#include "services/auth/token.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace rollcall::services::auth {
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string generate_token() {
  ensure_sodium();
  std::array<unsigned char, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_ENCODED_LEN(secret.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), secret.data(), secret.size(), kVariant);
  text.resize(text.find('\0'));
  sodium_memzero(secret.data(), secret.size());
  return "rc_" + text;
}

std::string token_hash(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

std::string token_id(std::string_view hash) {
  return std::string(hash.substr(0, 12));
}

}  // namespace rollcall::services::auth
