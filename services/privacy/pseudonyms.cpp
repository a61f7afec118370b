#include "services/privacy/pseudonyms.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace rollcall::services::privacy {
namespace {

constexpr std::string_view kPrefix = "anon-";
constexpr std::size_t kHexDigits = 20;
constexpr char kHex[] = "0123456789abcdef";

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view kind_name(IdKind kind) {
  switch (kind) {
    case IdKind::subject:
      return "subject";
    case IdKind::participant:
      return "participant";
    case IdKind::presence:
      return "presence";
  }
  return "?";
}

}  // namespace

Pseudonyms::Key Pseudonyms::random_key() {
  Key key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("no random bytes for a pseudonym key (OpenSSL RAND_bytes failed)");
  }
  return key;
}

std::string Pseudonyms::key_to_hex(const Key& key) {
  return hex(key.data(), key.size());
}

Pseudonyms::Key Pseudonyms::key_from_hex(std::string_view text) {
  if (text.size() != kKeySize * 2) throw std::invalid_argument("a pseudonym key is 64 hex digits");
  Key key{};
  for (std::size_t i = 0; i < kKeySize; ++i) {
    const int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("a pseudonym key is 64 hex digits");
    key[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return key;
}

std::string Pseudonyms::of(IdKind kind, std::string_view id) const {
  if (is_pseudonym(id)) return std::string(id);
  std::string message(kind_name(kind));
  message += '\0';
  message += id;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(kPrefix) + hex(digest, kHexDigits / 2);
}

bool is_pseudonym(std::string_view id) {
  if (id.size() != kPrefix.size() + kHexDigits || !id.starts_with(kPrefix)) return false;
  for (const char c : id.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string erased_mark(std::string_view event_id, std::string_view id) {
  std::string message = "rollcall-erased";
  message += '\0';
  message += event_id;
  message += '\0';
  message += id;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
  return hex(digest, sizeof digest);
}

}  // namespace rollcall::services::privacy
