#include "tools/client/json.h"

#include <stdexcept>

#include <google/protobuf/util/json_util.h>

namespace rollcall::tools::client {

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) throw std::runtime_error("cannot print JSON: " + status.ToString());
  return out;
}

void from_json(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) throw std::runtime_error("cannot parse JSON: " + status.ToString());
}

}  // namespace rollcall::tools::client
