#pragma once

#include <memory>
#include <string>

#include "gateway/options.h"

namespace rollcall::gateway {

// One rollcall-gateway process: its parts built from the options and wired together in one
// place (gateway.cpp), then run until a signal or until Redis is found to keep too little.
class Gateway {
 public:
  // Nullptr and the reason in *error when a part cannot be built (a certificate, a badge key
  // file, the country table, the listening socket).
  static std::unique_ptr<Gateway> compose(const GatewayOptions& options, std::string* error);
  ~Gateway();

  // Serves on the options' threads until shut down; the process's exit code: 0, 1 when Redis
  // keeps too little (durability), kHandlerFailedExit when a handler threw.
  int run();
  static constexpr int kHandlerFailedExit = 70;  // EX_SOFTWARE

 private:
  struct Parts;
  explicit Gateway(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace rollcall::gateway
