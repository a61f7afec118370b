#include "redis/error.h"

namespace rollcall::redis {

namespace {

class category final : public boost::system::error_category {
 public:
  // A fixed id keeps codes equal across shared-library boundaries.
  constexpr category() : boost::system::error_category(0x726f6c6c63616c6cULL) {}

  const char* name() const noexcept override { return "rollcall.redis"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::unavailable:
        return "redis unavailable";
      case error::protocol:
        return "redis protocol error";
      case error::subscriber_mode:
        return "redis connection is in subscriber mode";
      case error::not_replicated:
        return "redis write not acknowledged by enough replicas in time";
    }
    return "unknown redis error";
  }
};

const category instance;

}  // namespace

const boost::system::error_category& error_category() {
  return instance;
}

boost::system::error_code make_error_code(error e) {
  return boost::system::error_code(static_cast<int>(e), instance);
}

}  // namespace rollcall::redis
