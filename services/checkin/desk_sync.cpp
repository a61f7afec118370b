#include "services/checkin/desk_sync.h"

#include <algorithm>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <sodium.h>

namespace rollcall::services::checkin {
namespace {

constexpr std::string_view kContext = "rollcall-desk-sync-v1";
constexpr std::size_t kNonceAt = kDeskSyncTagBytes;
constexpr std::size_t kKeyAt = 32;
static_assert(kNonceAt + crypto_secretbox_NONCEBYTES == kKeyAt);
static_assert(kKeyAt + crypto_secretbox_KEYBYTES == 64);

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string record_json(const v1::Badge& badge) {
  v1::Badge record = badge;
  record.clear_organization();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Printing a message we built cannot fail (the registry's text is valid UTF-8).
  (void)google::protobuf::util::MessageToJsonString(record, &json, options);
  return json;
}

}  // namespace

std::string fold_badge_id(std::string_view badge_id) {
  std::string folded(badge_id);
  for (char& c : folded) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return folded;
}

std::string new_desk_sync_salt() {
  std::string salt(kDeskSyncSaltBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

std::array<std::uint8_t, 64> desk_sync_digest(std::string_view salt, std::string_view badge_id) {
  static_assert(crypto_hash_sha512_BYTES == 64);
  const std::string folded = fold_badge_id(badge_id);
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, bytes(kContext), kContext.size());
  crypto_hash_sha512_update(&state, bytes(salt), salt.size());
  crypto_hash_sha512_update(&state, bytes(folded), folded.size());
  std::array<std::uint8_t, 64> digest{};
  crypto_hash_sha512_final(&state, digest.data());
  return digest;
}

std::optional<v1::DeskSync> build_desk_sync(const v1::Event& event,
                                            const std::vector<v1::Badge>& badges,
                                            std::string_view salt, std::int64_t now_ms) {
  if (badges.size() > kMaxDeskSyncBadges) return std::nullopt;
  v1::DeskSync sync;
  sync.set_event_id(event.event_id());
  sync.set_name(event.name());
  sync.set_time_zone(event.time_zone());
  *sync.mutable_days() = event.days();
  *sync.mutable_zones() = event.zones();
  *sync.mutable_categories() = event.categories();
  *sync.mutable_zone_labels() = event.zone_labels();
  sync.set_salt(std::string(salt));
  *sync.mutable_generated_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(now_ms);
  std::vector<v1::DeskSyncBadge> records;
  records.reserve(badges.size());
  for (const auto& badge : badges) {
    const auto digest = desk_sync_digest(salt, badge.badge_id());
    const std::string plain = record_json(badge);
    std::string sealed(plain.size() + crypto_secretbox_MACBYTES, '\0');
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()), bytes(plain),
                          plain.size(), digest.data() + kNonceAt, digest.data() + kKeyAt);
    v1::DeskSyncBadge record;
    record.set_tag(std::string(reinterpret_cast<const char*>(digest.data()), kDeskSyncTagBytes));
    record.set_sealed(std::move(sealed));
    records.push_back(std::move(record));
  }
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.tag() < b.tag(); });
  for (auto& record : records) *sync.add_badges() = std::move(record);
  return sync;
}

bool open_desk_sync_record(const v1::DeskSyncBadge& record, std::string_view salt,
                           std::string_view badge_id, v1::Badge* badge) {
  const auto digest = desk_sync_digest(salt, badge_id);
  if (record.tag() !=
      std::string_view(reinterpret_cast<const char*>(digest.data()), kDeskSyncTagBytes)) {
    return false;
  }
  if (record.sealed().size() < crypto_secretbox_MACBYTES) return false;
  std::string plain(record.sealed().size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 bytes(record.sealed()), record.sealed().size(),
                                 digest.data() + kNonceAt, digest.data() + kKeyAt) != 0) {
    return false;
  }
  return google::protobuf::util::JsonStringToMessage(plain, badge).ok();
}

}  // namespace rollcall::services::checkin
