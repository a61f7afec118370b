#include "tests/support/http_totals.h"

#include <gtest/gtest.h>

#include "services/wire/codec.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::support {

v1::Totals http_totals(const GatewayProcess& gateway, const std::string& target,
                       const std::string& token, std::chrono::milliseconds timeout) {
  return http_totals(gateway.host(), gateway.port(), target, token, timeout);
}

v1::Totals http_totals(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& token, std::chrono::milliseconds timeout) {
  const auto response =
      tools::client::http_get(host, port, target, tools::client::bearer(token), timeout);
  EXPECT_EQ(response.status, 200) << response.body;
  v1::Totals totals;
  std::string error;
  EXPECT_TRUE(
      services::wire::decode(response.body, services::wire::Encoding::json, &totals, &error))
      << error;
  return totals;
}

}  // namespace rollcall::tests::support
