#include "services/export/json_sink.h"

#include <stdexcept>

#include <google/protobuf/util/json_util.h>

namespace rollcall::services::exporting {

void JsonSink::begin_table(std::string_view, const std::vector<std::string>&) {
  // Rows of different types in one document could not be told apart.
  if (started_) throw std::logic_error("a JSON export holds one table");
  started_ = true;
  if (layout_ == Layout::array) buffer_ += '[';
}

void JsonSink::row(const std::vector<Cell>&, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string line;
  const auto status = google::protobuf::util::MessageToJsonString(message, &line, options);
  if (!status.ok()) throw std::runtime_error("cannot write a row as JSON: " + status.ToString());
  if (layout_ == Layout::array) {
    // One row a line inside the array: still readable with head or grep.
    buffer_ += any_row_ ? ",\n" : "\n";
    buffer_ += line;
  } else {
    buffer_ += line;
    buffer_ += '\n';
  }
  any_row_ = true;
}

void JsonSink::finish() {
  if (layout_ != Layout::array) return;
  // A table that never began (nothing to write) is still one document: an empty array.
  if (!started_) buffer_ += '[';
  buffer_ += any_row_ ? "\n]\n" : "]\n";
}

}  // namespace rollcall::services::exporting
