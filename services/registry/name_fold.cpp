#include "services/registry/name_fold.h"

#include <stdexcept>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace rollcall::services::registry {
namespace {

// Arabic letters whose variants a person may or may not type: the canonical letter, or 0 to
// drop. Hamza-carrying alefs (أ إ آ) need no entry: NFKD splits them into ا and a mark.
UChar32 arabic_canonical(UChar32 c) {
  switch (c) {
    case 0x0640:  // tatweel (kashida), a stretch of the line
      return 0;
    case 0x0671:  // ٱ alef wasla (no decomposition)
    case 0x0672:
    case 0x0673:
    case 0x0675:
      return 0x0627;
    case 0x0649:  // ى alef maksura
    case 0x06CC:  // ی Farsi yeh
      return 0x064A;
    case 0x0629:  // ة teh marbuta
      return 0x0647;
    case 0x06A9:  // ک keheh
      return 0x0643;
    default:
      return c;
  }
}

bool is_mark(UChar32 c) {
  const auto type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

// Appends `c` to `out` as UTF-8, starting a new word first when a separator preceded it.
void append_word_char(std::string* out, UChar32 c, bool* separated) {
  if (*separated && !out->empty()) out->push_back(' ');
  *separated = false;
  icu::UnicodeString one(c);
  one.toUTF8String(*out);
}

}  // namespace

NameFolder::NameFolder() {
  UErrorCode status = U_ZERO_ERROR;
  to_latin_.reset(
      icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !to_latin_) {
    throw std::runtime_error(std::string("ICU transliterator Any-Latin; Latin-ASCII: ") +
                             u_errorName(status));
  }
}

NameFolder::~NameFolder() = default;

std::string NameFolder::fold(std::string_view utf8) const {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* const nfkd = icu::Normalizer2::getNFKDInstance(status);
  if (!nfkd) return {};
  // Invalid UTF-8 becomes U+FFFD, which is neither letter nor digit: a separator.
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  text.foldCase();
  status = U_ZERO_ERROR;
  icu::UnicodeString decomposed = nfkd->normalize(text, status);
  if (U_FAILURE(status)) return {};
  // NFKD can produce capitals from compatibility characters (e.g. ㎒ → MHz): fold again.
  decomposed.foldCase();
  std::string out;
  out.reserve(utf8.size());
  bool separated = false;
  for (std::int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (is_mark(c)) continue;  // é → e, Arabic tashkeel, hamza above/below an alef
    const UChar32 canonical = arabic_canonical(c);
    if (canonical == 0) continue;
    if (u_isalnum(canonical)) {
      append_word_char(&out, canonical, &separated);
    } else {
      separated = true;
    }
  }
  return out;
}

std::string NameFolder::latin(std::string_view utf8) const {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(fold(utf8));
  {
    std::lock_guard lock(to_latin_mutex_);
    to_latin_->transliterate(text);
  }
  std::string ascii;
  text.toUTF8String(ascii);
  // Transliteration may leave capitals and marks (ʿ for ayn); keep ASCII letters and digits.
  std::string out;
  out.reserve(ascii.size());
  bool separated = false;
  for (const char raw : ascii) {
    const auto c = static_cast<unsigned char>(raw);
    if (c >= 0x80) continue;  // a leftover the transliterator had no Latin for: no sound
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (separated && !out.empty()) out.push_back(' ');
      separated = false;
      out.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      if (separated && !out.empty()) out.push_back(' ');
      separated = false;
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      separated = true;
    }
  }
  return out;
}

std::string NameFolder::skeleton(std::string_view latin_key) {
  std::string out;
  out.reserve(latin_key.size());
  for (const char c : latin_key) {
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y') continue;
    if (c != ' ' && !out.empty() && out.back() == c) continue;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const NameFolder& name_folder() {
  static const NameFolder folder;
  return folder;
}

std::vector<std::string_view> key_words(std::string_view key) {
  std::vector<std::string_view> words;
  while (!key.empty()) {
    const auto space = key.find(' ');
    if (space != 0) words.push_back(key.substr(0, space));
    if (space == std::string_view::npos) break;
    key.remove_prefix(space + 1);
  }
  return words;
}

std::size_t key_length(std::string_view key) {
  std::size_t n = 0;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte != ' ' && (byte & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace rollcall::services::registry
