#include "services/store/event_log_reader.h"

#include <charconv>
#include <limits>

#include "services/store/keys.h"

namespace rollcall::services::store {
namespace {

using Type = redis::Reply::Type;

std::optional<std::uint64_t> whole(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

ReplyError bad_entry(const redis::Reply& page, std::size_t index, std::string_view what) {
  return {.kind = "reply_shape",
          .cause = "Redis answered " + shape_of(page) + " whose entry " + std::to_string(index) +
                   " is not a log entry: " + std::string(what)};
}

}  // namespace

std::string_view StreamEntry::get(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (field == name) return value;
  }
  return {};
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> stream_id_parts(std::string_view id) {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto ms = whole(id.substr(0, dash));
  const auto seq = whole(id.substr(dash + 1));
  if (!ms || !seq) return std::nullopt;
  return std::make_pair(*ms, *seq);
}

std::string next_stream_id(std::string_view id) {
  const auto dash = id.find('-');
  std::uint64_t ms = 0, seq = 0;
  std::from_chars(id.data(), id.data() + (dash == std::string_view::npos ? id.size() : dash), ms);
  if (dash != std::string_view::npos) {
    std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  }
  if (seq == std::numeric_limits<std::uint64_t>::max()) return std::to_string(ms + 1) + "-0";
  return std::to_string(ms) + "-" + std::to_string(seq + 1);
}

std::vector<std::string> stream_range_read(std::string_view key, std::string_view from,
                                           std::string_view until, std::size_t count) {
  return {"XRANGE",           std::string(key), std::string(from),
          std::string(until), "COUNT",          std::to_string(count)};
}

std::vector<std::string> log_range_read(std::string_view event_id, std::string_view from,
                                        std::string_view until, std::size_t count) {
  return stream_range_read(log_key(event_id), from, until, count);
}

std::vector<std::string> log_reverse_read(std::string_view event_id, std::string_view until,
                                          std::string_view from, std::size_t count) {
  return {"XREVRANGE",       log_key(event_id), std::string(until),
          std::string(from), "COUNT",           std::to_string(count)};
}

std::vector<std::string> stream_length_read(std::string_view key) {
  return {"XLEN", std::string(key)};
}

std::vector<std::string> log_length_read(std::string_view event_id) {
  return stream_length_read(log_key(event_id));
}

Read<std::vector<StreamEntry>> read_log_page(const redis::Reply& reply, std::size_t max) {
  using R = Read<std::vector<StreamEntry>>;
  if (reply.type != Type::array || reply.elements.size() > max) {
    return R::fail(unexpected(
        reply, "log entries (an array of at most " + std::to_string(max) + " [id, fields])"));
  }
  std::vector<StreamEntry> entries;
  entries.reserve(reply.elements.size());
  for (std::size_t i = 0; i < reply.elements.size(); ++i) {
    const auto& item = reply.elements[i];
    if (item.type != Type::array || item.elements.size() != 2) {
      return R::fail(bad_entry(reply, i, shape_of(item) + " where [id, fields] belongs"));
    }
    const auto& id = item.elements[0];
    if (id.type != Type::string || !stream_id_parts(id.str)) {
      return R::fail(bad_entry(reply, i, "its id is not MS-SEQ"));
    }
    auto fields = read_pairs(item.elements[1], "an entry's fields");
    if (!fields) return R::fail(bad_entry(reply, i, fields.error.cause));
    entries.push_back({.id = id.str, .fields = std::move(*fields.value)});
  }
  return R::ok(std::move(entries));
}

LogPager::LogPager(std::string event_id, std::string until, std::size_t chunk, std::string from)
    : event_id_(std::move(event_id)),
      until_(std::move(until)),
      chunk_(chunk == 0 ? 1 : chunk),
      from_(std::move(from)) {}

std::optional<std::vector<std::string>> LogPager::next() const {
  if (done_) return std::nullopt;
  return log_range_read(event_id_, from_, until_, chunk_);
}

Read<std::vector<StreamEntry>> LogPager::take(const redis::Reply& reply) {
  auto page = read_log_page(reply, chunk_);
  if (!page || page->size() < chunk_) {
    done_ = true;
  } else {
    from_ = next_stream_id(page->back().id);
  }
  return page;
}

ReverseLogPager::ReverseLogPager(std::string event_id, std::size_t chunk)
    : event_id_(std::move(event_id)), chunk_(chunk == 0 ? 1 : chunk) {}

std::optional<std::vector<std::string>> ReverseLogPager::next() const {
  if (done_) return std::nullopt;
  return log_reverse_read(event_id_, until_, "-", chunk_);
}

Read<std::vector<StreamEntry>> ReverseLogPager::take(const redis::Reply& reply) {
  auto page = read_log_page(reply, chunk_);
  if (!page || page->size() < chunk_) {
    done_ = true;
    return page;
  }
  // The id just before the oldest one read (XREVRANGE's end is inclusive).
  const auto [ms, seq] = *stream_id_parts(page->back().id);
  if (ms == 0 && seq == 0) {
    done_ = true;
  } else {
    until_ = seq > 0 ? std::to_string(ms) + "-" + std::to_string(seq - 1)
                     : std::to_string(ms - 1) + "-18446744073709551615";
  }
  return page;
}

}  // namespace rollcall::services::store
