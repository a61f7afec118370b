#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace rollcall::services::registry {

// Search keys for people's names, so that a desk finds "Müller" by "muller", "أحمد" by "احمد",
// "Иванов" by "Ivanov" and "张伟" by "Zhang Wei". Each key is a list of words joined by single
// spaces (ASCII 0x20); empty when the text has no letter or digit.
//
// fold(): what the text says, whatever its case, marks and width, in its own script: full case
//   folding (ß → ss), NFKD with combining marks dropped (é → e, full-width Ａ → a), Arabic
//   without tashkeel or tatweel, alef forms unified (أ إ آ ٱ → ا), ى → ي, ة → ه; every
//   character that is neither a letter nor a digit separates words.
// latin(): how it sounds in ASCII: fold(), then ICU's "Any-Latin; Latin-ASCII" transliteration,
//   then fold() again, keeping only ASCII letters and digits (Иванов → ivanov, 张伟 → zhang wei,
//   محمد → mhmd, Łukasz → lukasz).
// skeleton(): latin() without vowels (a e i o u y) and with doubled letters collapsed, so that
//   spellings that differ only by their vowels meet: Mohammed, Muhammad, محمد → mhmd.
class NameFolder {
 public:
  NameFolder();  // creates the transliterator (tens of ms): make one and keep it
  ~NameFolder();
  NameFolder(const NameFolder&) = delete;
  NameFolder& operator=(const NameFolder&) = delete;

  // Thread-safe (the normalizer is immutable; fold takes no lock).
  std::string fold(std::string_view utf8) const;
  // Thread-safe: ICU transliterators keep state while they run, so calls take a lock.
  std::string latin(std::string_view utf8) const;
  static std::string skeleton(std::string_view latin_key);

 private:
  std::unique_ptr<icu::Transliterator> to_latin_;
  mutable std::mutex to_latin_mutex_;
};

// The process's one NameFolder, made on first use.
const NameFolder& name_folder();

// The words of a key (split at spaces).
std::vector<std::string_view> key_words(std::string_view key);

// Code points in `key` other than spaces (a key is valid UTF-8).
std::size_t key_length(std::string_view key);

}  // namespace rollcall::services::registry
