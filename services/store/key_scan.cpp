#include "services/store/key_scan.h"

namespace rollcall::services::store {
namespace {

using Type = redis::Reply::Type;

// [cursor, [items...]] with a decimal cursor.
Read<std::pair<std::string, std::vector<std::string>>> read_page(const redis::Reply& reply,
                                                                 std::string_view expected) {
  using R = Read<std::pair<std::string, std::vector<std::string>>>;
  if (reply.type != Type::array || reply.elements.size() != 2 ||
      reply.elements[0].type != Type::string || !to_int64(reply.elements[0].str)) {
    return R::fail(unexpected(reply, expected));
  }
  auto items = read_texts(reply.elements[1], expected, 0);
  if (!items) return R::fail(std::move(items.error));
  return R::ok({reply.elements[0].str, std::move(*items)});
}

}  // namespace

std::vector<std::string> key_scan_read(std::string_view pattern, std::string_view cursor) {
  return {"SCAN", std::string(cursor), "MATCH", std::string(pattern), "COUNT", "1000"};
}

Read<KeyScanPage> read_key_scan(const redis::Reply& reply) {
  auto page = read_page(reply, "SCAN's [cursor, keys]");
  if (!page) return Read<KeyScanPage>::fail(std::move(page.error));
  return Read<KeyScanPage>::ok({std::move(page->first), std::move(page->second)});
}

std::vector<std::string> hash_scan_read(std::string_view key, std::string_view cursor) {
  return {"HSCAN", std::string(key), std::string(cursor), "COUNT", "1000"};
}

Read<HashScanPage> read_hash_scan(const redis::Reply& reply) {
  constexpr std::string_view kExpected = "HSCAN's [cursor, fields and values]";
  auto page = read_page(reply, kExpected);
  if (!page) return Read<HashScanPage>::fail(std::move(page.error));
  if (page->second.size() % 2 != 0) return Read<HashScanPage>::fail(unexpected(reply, kExpected));
  HashScanPage out{.cursor = std::move(page->first)};
  for (std::size_t i = 0; i + 1 < page->second.size(); i += 2) {
    out.fields.emplace_back(std::move(page->second[i]), std::move(page->second[i + 1]));
  }
  return Read<HashScanPage>::ok(std::move(out));
}

KeyScanPager::KeyScanPager(std::string pattern) : pattern_(std::move(pattern)) {}

std::optional<std::vector<std::string>> KeyScanPager::next() const {
  if (done_) return std::nullopt;
  return key_scan_read(pattern_, cursor_);
}

Read<bool> KeyScanPager::take(const redis::Reply& reply) {
  auto page = read_key_scan(reply);
  if (!page) {
    done_ = true;
    return Read<bool>::fail(std::move(page.error));
  }
  for (auto& key : page->keys) keys_.insert(std::move(key));
  cursor_ = std::move(page->cursor);
  done_ = cursor_ == "0";
  return Read<bool>::ok(true);
}

HashScanPager::HashScanPager(std::string key) : key_(std::move(key)) {}

std::optional<std::vector<std::string>> HashScanPager::next() const {
  if (done_) return std::nullopt;
  return hash_scan_read(key_, cursor_);
}

Read<bool> HashScanPager::take(const redis::Reply& reply) {
  auto page = read_hash_scan(reply);
  if (!page) {
    done_ = true;
    return Read<bool>::fail(std::move(page.error));
  }
  for (auto& field : page->fields) fields_.push_back(std::move(field));
  cursor_ = std::move(page->cursor);
  done_ = cursor_ == "0";
  return Read<bool>::ok(true);
}

}  // namespace rollcall::services::store
