#include "services/wire/codec.h"

#include <google/protobuf/util/json_util.h>

#include "services/registry/utf8.h"
#include "services/wire/json_duplicates.h"

namespace rollcall::services::wire {

std::string encode(const google::protobuf::Message& message, Encoding encoding) {
  std::string out;
  if (encoding == Encoding::binary) {
    message.SerializeToString(&out);
    return out;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Zeros and false are printed: a display reading "seq": "0" or "replay": false needs no
  // knowledge of proto3's omitted defaults.
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

bool decode(std::string_view bytes, Encoding encoding, google::protobuf::Message* message,
            std::string* error) {
  message->Clear();
  if (encoding == Encoding::binary) {
    if (message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return true;
    *error = "not a valid protobuf " + message->GetDescriptor()->name() + " message";
    return false;
  }
  if (const auto twice = duplicate_field(bytes, *message->GetDescriptor())) {
    *error = "not a valid JSON " + message->GetDescriptor()->name() + ": the field \"" +
             registry::quote_input(*twice, 64) + "\" is set twice";
    return false;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(bytes.data(), bytes.size()), message, options);
  if (status.ok()) return true;
  // The parser's message can span lines and quotes the input (an unknown field's name, a bad
  // value): its first line, bounded, says enough.
  const std::string detail(status.message());
  *error = "not a valid JSON " + message->GetDescriptor()->name() + ": " +
           registry::quote_input(detail.substr(0, detail.find('\n')));
  return false;
}

}  // namespace rollcall::services::wire
