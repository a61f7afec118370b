#include "services/totals/change_notice.h"

#include <limits>

#include <boost/json/basic_parser_impl.hpp>

namespace rollcall::services::totals {
namespace {

namespace json = boost::json;

// Reads a notice as Boost.JSON's parser walks it, into the notice itself: no document is built
// (the hub reads one per scan). Keys other than seq, set and unset are skipped, whatever they
// hold; a value of the wrong kind under those three, or one of them twice, stops the parse.
class Handler {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  explicit Handler(ChangeNotice* notice) : notice_(notice) {}

  bool has_seq() const { return seen_seq_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) { return open(false, ec); }
  bool on_array_begin(json::error_code& ec) { return open(true, ec); }
  bool on_object_end(std::size_t size, json::error_code& ec) { return close(size, ec); }
  bool on_array_end(std::size_t size, json::error_code& ec) { return close(size, ec); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_text().append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_text().append(s.data(), s.size());
    if (in(Field::set, false)) return true;  // the counter's name, where the notice keeps it
    if (depth_ == 1) {
      field_ = key_ == "seq"     ? Field::seq
               : key_ == "set"   ? Field::set
               : key_ == "unset" ? Field::unset
                                 : Field::other;
      if (field_ != Field::other && !first_time(field_)) return fail(ec);
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (in(Field::unset, true)) text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (!in(Field::unset, true)) return skipped() || fail(ec);
    text_.append(s.data(), s.size());
    notice_->unset.push_back(text_);
    text_.clear();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t value, json::string_view, json::error_code& ec) {
    if (depth_ == 1 && field_ == Field::seq && value >= 0) {
      notice_->seq = static_cast<std::uint64_t>(value);
      return true;
    }
    if (in(Field::set, false)) {
      const auto end = notice_->names.size();
      notice_->set.push_back({.at = static_cast<std::uint32_t>(name_at_),
                              .size = static_cast<std::uint32_t>(end - name_at_),
                              .value = value});
      name_at_ = end;
      return true;
    }
    return skipped() || fail(ec);
  }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) {
    return skipped() || fail(ec);
  }
  bool on_double(double, json::string_view, json::error_code& ec) { return skipped() || fail(ec); }
  bool on_bool(bool, json::error_code& ec) { return skipped() || fail(ec); }
  bool on_null(json::error_code& ec) { return skipped() || fail(ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  enum class Field { none, seq, set, unset, other };

  bool open(bool array, json::error_code& ec) {
    ++depth_;
    if (depth_ == 1) return !array || fail(ec);  // a notice is an object
    if (skipped()) return true;
    if (depth_ == 2 && (field_ == Field::set || field_ == Field::unset)) {
      array_ = array;
      name_at_ = notice_->names.size();
      return true;
    }
    return fail(ec);  // seq as a container, or a container inside set or unset
  }
  bool close(std::size_t size, json::error_code& ec) {
    // set is an object and unset a list; cjson writes an empty one as {} or [] alike.
    if (depth_ == 2 && size != 0 &&
        ((field_ == Field::set && array_) || (field_ == Field::unset && !array_))) {
      return fail(ec);
    }
    --depth_;
    return true;
  }
  // Directly inside set's object (array false) or unset's list (array true).
  bool in(Field field, bool array) const {
    return depth_ == 2 && field_ == field && array_ == array;
  }
  // A counter's name goes straight into the notice's buffer (reused from notice to notice).
  std::string& key_text() { return in(Field::set, false) ? notice_->names : key_; }
  // Under a key the notice does not use.
  bool skipped() const { return depth_ >= 1 && field_ == Field::other; }
  bool first_time(Field field) {
    bool& seen = field == Field::seq ? seen_seq_ : field == Field::set ? seen_set_ : seen_unset_;
    return !std::exchange(seen, true);
  }
  static bool fail(json::error_code& ec) {
    ec = json::error::syntax;
    return false;
  }

  ChangeNotice* notice_;
  int depth_ = 0;
  Field field_ = Field::none;
  bool array_ = false;  // set's or unset's value is a list
  bool seen_seq_ = false;
  bool seen_set_ = false;
  bool seen_unset_ = false;
  std::size_t name_at_ = 0;  // in the notice's names: where the current counter's begins
  std::string key_;          // a key outside set
  std::string text_;
};

}  // namespace

void ChangeNotice::clear() {
  seq = 0;
  set.clear();
  unset.clear();
  names.clear();
}

bool parse_change_notice(std::string_view payload, ChangeNotice* notice) {
  notice->clear();
  // A notice is a few hundred bytes; a payload past 32 bit offsets is no notice.
  if (payload.size() > std::numeric_limits<std::uint32_t>::max()) return false;
  json::parse_options options;
  options.max_depth = 32;
  json::basic_parser<Handler> parser(options, notice);
  json::error_code ec;
  const auto used = parser.write_some(false, payload.data(), payload.size(), ec);
  // write_some stops after the document: anything behind it makes the payload no notice.
  return !ec && parser.done() && used == payload.size() && parser.handler().has_seq();
}

std::optional<ChangeNotice> parse_change_notice(std::string_view payload) {
  ChangeNotice notice;
  if (!parse_change_notice(payload, &notice)) return std::nullopt;
  return notice;
}

}  // namespace rollcall::services::totals
