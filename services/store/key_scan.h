#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// SCAN and HSCAN, a page at a time, so that walking every key of an event (or every field of a
// big hash) never blocks Redis for long. Each pager gives the next command and takes its reply,
// as the log pagers do; the transport is the caller's.
namespace rollcall::services::store {

// SCAN cursor MATCH pattern COUNT 1000.
std::vector<std::string> key_scan_read(std::string_view pattern, std::string_view cursor);
struct KeyScanPage {
  std::string cursor;  // "0": the last page
  std::vector<std::string> keys;
};
Read<KeyScanPage> read_key_scan(const redis::Reply& reply);

// HSCAN key cursor COUNT 1000.
std::vector<std::string> hash_scan_read(std::string_view key, std::string_view cursor);
struct HashScanPage {
  std::string cursor;
  std::vector<std::pair<std::string, std::string>> fields;
};
Read<HashScanPage> read_hash_scan(const redis::Reply& reply);

// Every key matching a pattern: next() until nullopt, each reply to take(). keys() are sorted,
// each once (SCAN may answer a key twice).
class KeyScanPager {
 public:
  explicit KeyScanPager(std::string pattern);
  std::optional<std::vector<std::string>> next() const;
  // False, with the error, when the reply is not a SCAN page (the pager stops).
  Read<bool> take(const redis::Reply& reply);
  std::vector<std::string> keys() const { return {keys_.begin(), keys_.end()}; }

 private:
  std::string pattern_;
  std::string cursor_ = "0";
  bool done_ = false;
  std::set<std::string> keys_;
};

// Every field of a hash, in the order HSCAN gives them (a field may come twice; the caller's
// rewrite of a field is the same both times).
class HashScanPager {
 public:
  explicit HashScanPager(std::string key);
  std::optional<std::vector<std::string>> next() const;
  Read<bool> take(const redis::Reply& reply);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::string key_;
  std::string cursor_ = "0";
  bool done_ = false;
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace rollcall::services::store
