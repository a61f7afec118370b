#include "services/registry/attendee_index.h"

#include <algorithm>

#include "services/registry/utf8.h"

namespace rollcall::services::registry {
namespace {

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// Whether each of `query`'s words begins some word of `text` (both keys: words split by one
// space). Words of the query may begin the same word of the text.
bool every_word_begins_one(const std::vector<std::string_view>& query, std::string_view text) {
  if (query.empty()) return false;
  for (const auto word : query) {
    bool found = false;
    for (std::size_t at = 0; at < text.size();) {
      // The first byte rules out most words without a call to memcmp.
      if (text[at] == word[0] && text.compare(at, word.size(), word) == 0) {
        found = true;
        break;
      }
      const auto space = text.find(' ', at);
      if (space == std::string_view::npos) break;
      at = space + 1;
    }
    if (!found) return false;
  }
  return true;
}

std::uint64_t byte_mask(std::string_view key) {
  std::uint64_t mask = 0;
  for (const char c : key) {
    if (c != ' ') mask |= std::uint64_t{1} << (static_cast<unsigned char>(c) % 64);
  }
  return mask;
}

bool covers(std::uint64_t mask, std::uint64_t required) {
  return (mask & required) == required;
}

std::string without_spaces(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

}  // namespace

std::string_view match_kind_name(MatchKind kind) {
  switch (kind) {
    case MatchKind::badge_id:
      return "badge_id";
    case MatchKind::word_prefix:
      return "word_prefix";
    case MatchKind::latin_prefix:
      return "latin_prefix";
    case MatchKind::substring:
      return "substring";
    case MatchKind::sounds_like:
      return "sounds_like";
  }
  return "?";
}

std::optional<QueryProblem> check_attendee_query(std::string_view query, const NameFolder& folder) {
  if (trim(query).empty()) {
    return QueryProblem{"missing_query", "give a name, organization or badge id to search: ?q=..."};
  }
  if (query.size() > kMaxQueryBytes) {
    return QueryProblem{"query_too_long", "a search is at most " + std::to_string(kMaxQueryBytes) +
                                              " bytes; this one has " +
                                              std::to_string(query.size())};
  }
  if (!is_valid_utf8(query)) {
    return QueryProblem{"query_not_utf8", "the search is not valid UTF-8"};
  }
  if (key_length(folder.fold(query)) < kMinQueryChars) {
    return QueryProblem{
        "query_too_short",
        "a search needs at least " + std::to_string(kMinQueryChars) + " letters or digits"};
  }
  return std::nullopt;
}

AttendeeIndex::AttendeeIndex(std::vector<v1::Badge> badges, const NameFolder& folder)
    : folder_(&folder) {
  entries_.reserve(badges.size());
  for (auto& badge : badges) {
    Entry entry;
    const std::string text = badge.name() + " " + badge.organization() + " " + badge.badge_id();
    entry.folded = folder.fold(text);
    entry.latin = folder.latin(text);
    entry.latin_compact = without_spaces(entry.latin);
    entry.skeleton = NameFolder::skeleton(entry.latin);
    entry.order = folder.latin(badge.name()) + '\x01' + badge.name() + '\x01' + badge.badge_id();
    entry.folded_bytes = byte_mask(entry.folded);
    entry.latin_bytes = byte_mask(entry.latin);
    entry.badge = std::move(badge);
    entries_.push_back(std::move(entry));
  }
}

AttendeeSearch AttendeeIndex::search(std::string_view query, std::size_t limit) const {
  AttendeeSearch result;
  if (check_attendee_query(query, *folder_)) return result;
  limit = std::min(limit, kMaxMatches);
  const std::string_view id = trim(query);
  const std::string folded = folder_->fold(query);
  const std::string latin = folder_->latin(query);
  const std::string latin_compact = without_spaces(latin);
  const std::string skeleton = NameFolder::skeleton(latin);
  const auto folded_words = key_words(folded);
  const auto latin_words = key_words(latin);
  const auto skeleton_words = key_words(skeleton);
  // A skeleton of one or two consonants would match half the registry.
  bool by_sound = key_length(skeleton) >= 3;
  for (const auto word : skeleton_words) by_sound = by_sound && word.size() >= 2;
  const bool by_latin = key_length(latin) >= kMinQueryChars;

  const std::uint64_t folded_needs = byte_mask(folded);
  const std::uint64_t latin_needs = byte_mask(latin);
  const std::uint64_t skeleton_needs = byte_mask(skeleton);

  std::vector<std::pair<MatchKind, const Entry*>> found;
  for (const auto& entry : entries_) {
    std::optional<MatchKind> kind;
    const bool in_folded = covers(entry.folded_bytes, folded_needs);
    const bool in_latin = by_latin && covers(entry.latin_bytes, latin_needs);
    if (ascii_iequal(id, entry.badge.badge_id())) {
      kind = MatchKind::badge_id;
    } else if (in_folded && every_word_begins_one(folded_words, entry.folded)) {
      kind = MatchKind::word_prefix;
    } else if (in_latin && every_word_begins_one(latin_words, entry.latin)) {
      kind = MatchKind::latin_prefix;
    } else if ((in_folded && entry.folded.find(folded) != std::string::npos) ||
               (in_latin && entry.latin_compact.find(latin_compact) != std::string::npos)) {
      kind = MatchKind::substring;
    } else if (by_sound && covers(entry.latin_bytes, skeleton_needs) &&
               every_word_begins_one(skeleton_words, entry.skeleton)) {
      kind = MatchKind::sounds_like;
    }
    if (kind) found.emplace_back(*kind, &entry);
  }
  const auto better = [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second->order < b.second->order;
  };
  const std::size_t kept = std::min(limit, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(),
                    better);
  result.truncated = found.size() > kept;
  result.matches.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    result.matches.push_back({&found[i].second->badge, found[i].first});
  }
  return result;
}

}  // namespace rollcall::services::registry
