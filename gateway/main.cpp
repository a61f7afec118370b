// rollcall-gateway: the transport in front of Redis. Desks, platforms and displays connect
// here; all state lives in Redis, so gateways can be restarted or added at will.
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "gateway/gateway.h"
#include "gateway/options.h"
#include "gateway/protobuf_log.h"
#include "gateway/server/json_log_format.h"
#include "gateway/server/routes.h"

int main(int argc, char** argv) {
  using rollcall::gateway::ParsedOptions;
  const auto parsed = rollcall::gateway::parse_options(argc, argv);
  switch (parsed.action) {
    case ParsedOptions::Action::run:
      break;
    case ParsedOptions::Action::list_routes:
      std::cout << rollcall::gateway::server::list_routes();
      return 0;
    default:
      std::cout << parsed.out;
      std::cerr << parsed.error;
      return parsed.exit_code;
  }
  // hiredis writes with write(2): a write on a connection Redis closed (CLIENT KILL, a failover,
  // a restart) would raise SIGPIPE and end the process instead of the link. Asio's own sockets
  // write with MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  rollcall::gateway::route_protobuf_log();
  if (parsed.options.log_format == "json") {
    spdlog::set_formatter(rollcall::gateway::server::make_json_log_formatter());
  }
  std::string error;
  auto gateway = rollcall::gateway::Gateway::compose(parsed.options, &error);
  if (!gateway) {
    std::cerr << "rollcall-gateway: " << error << "\n";
    return 1;
  }
  return gateway->run();
}
