#pragma once

#include <string>
#include <vector>

namespace rollcall::redis {

// A Redis reply copied out of hiredis (hiredis frees its own reply when the callback returns).
struct Reply {
  enum class Type { string, array, integer, nil, status, error };

  Type type = Type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }

  // An array reply's elements as text (integers in decimal), for the domain code that reads a
  // function's reply field by field.
  std::vector<std::string> element_texts() && {
    std::vector<std::string> texts;
    texts.reserve(elements.size());
    for (auto& element : elements) {
      texts.push_back(element.type == Type::integer ? std::to_string(element.integer)
                                                    : std::move(element.str));
    }
    return texts;
  }
};

}  // namespace rollcall::redis
