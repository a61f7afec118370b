#include "tools/client/json.h"

#include <stdexcept>

#include "services/wire/codec.h"

namespace rollcall::tools::client {

std::string to_json(const google::protobuf::Message& message) {
  return services::wire::encode(message, services::wire::Encoding::json);
}

void from_json(std::string_view json, google::protobuf::Message& message) {
  std::string error;
  if (!services::wire::decode(json, services::wire::Encoding::json, &message, &error)) {
    throw std::runtime_error(error);
  }
}

}  // namespace rollcall::tools::client
