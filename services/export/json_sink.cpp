#include "services/export/json_sink.h"

#include <stdexcept>

#include <google/protobuf/util/json_util.h>

namespace rollcall::services::exporting {

void JsonSink::begin_table(std::string_view, const std::vector<std::string>&) {
  // Lines of different row types in one stream could not be told apart.
  if (started_) throw std::logic_error("a JSON export holds one table");
  started_ = true;
}

void JsonSink::row(const std::vector<Cell>&, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string line;
  const auto status = google::protobuf::util::MessageToJsonString(message, &line, options);
  if (!status.ok()) throw std::runtime_error("cannot write a row as JSON: " + status.ToString());
  buffer_ += line;
  buffer_ += '\n';
}

}  // namespace rollcall::services::exporting
