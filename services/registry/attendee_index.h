#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/name_fold.h"

namespace rollcall::services::registry {

// How a badge matched a query, best first.
enum class MatchKind {
  badge_id,      // the query is the badge id (ASCII case ignored)
  word_prefix,   // every query word begins a word of the name, organization or badge id
  latin_prefix,  // the same in their Latin spellings (Ivanov ~ Иванов, Zhang Wei ~ 张伟)
  substring,     // the query occurs inside them (spaces ignored in the Latin spelling)
  sounds_like,   // the query's consonants begin the words' consonants (Mohammed ~ محمد)
};

std::string_view match_kind_name(MatchKind kind);

struct AttendeeMatch {
  const v1::Badge* badge;  // owned by the index
  MatchKind kind;
};

struct AttendeeSearch {
  std::vector<AttendeeMatch> matches;  // best first; ties by name, then badge id
  bool truncated = false;              // more badges matched than the limit
};

// Why a query cannot be run: a stable code for clients and an English sentence for people.
struct QueryProblem {
  std::string code;
  std::string message;
};

inline constexpr std::size_t kMaxQueryBytes = 64;
inline constexpr std::size_t kMinQueryChars = 2;  // letters or digits after folding
inline constexpr std::size_t kMaxMatches = 50;

// nullopt when `query` may be searched: valid UTF-8, at most kMaxQueryBytes, and at least
// kMinQueryChars letters or digits once folded (so "a" or "--" does not list the registry).
std::optional<QueryProblem> check_attendee_query(std::string_view query,
                                                 const NameFolder& folder = name_folder());

// Every badge of a registry with its search keys (name, organization and badge id folded,
// transliterated to Latin, reduced to consonants), built once per registry version: building
// transliterates every name (~15 µs each), a search only compares strings (no ICU but for the
// query), scanning all badges.
class AttendeeIndex {
 public:
  explicit AttendeeIndex(std::vector<v1::Badge> badges, const NameFolder& folder = name_folder());

  // At most `limit` (<= kMaxMatches) matches of a query check_attendee_query accepts; a query it
  // refuses matches nothing.
  AttendeeSearch search(std::string_view query, std::size_t limit = 20) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    v1::Badge badge;
    std::string folded;         // fold(name organization badge_id)
    std::string latin;          // latin(...) of the same
    std::string latin_compact;  // latin without spaces: "abdallah" finds "abd allah"
    std::string skeleton;       // skeleton(latin)
    std::string order;          // latin(name) then name: the order of ties
    // Bit b % 64 set for each byte b of folded (of latin): an entry lacking a byte the query
    // has is passed over without a string comparison.
    std::uint64_t folded_bytes = 0;
    std::uint64_t latin_bytes = 0;
  };
  std::vector<Entry> entries_;
  const NameFolder* folder_;
};

}  // namespace rollcall::services::registry
