#include "tests/attack/support/http_catalogue.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/gateway_process.h"

namespace rollcall::tests::attack::web {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

}  // namespace

std::string CatalogueRoute::target(std::string_view encoded_event) const {
  std::string target = example;
  if (const auto at = target.find("{event}"); at != std::string::npos) {
    target.replace(at, 7, encoded_event);
  } else if (const auto at = target.find("{venue}"); at != std::string::npos) {
    target.replace(at, 7, encoded_event);
  }
  return target;
}

std::string CatalogueRoute::prefix(std::string_view encoded_event) const {
  auto path = target(encoded_event);
  path = path.substr(0, path.find('?'));
  return path.substr(0, path.rfind('/') + 1);
}

bool CatalogueRoute::admits(std::string_view identity) const {
  if (roles.contains(std::string(identity))) return true;
  const auto plus = identity.find('+');
  return plus != std::string_view::npos && roles.contains(std::string(identity.substr(0, plus)));
}

std::vector<CatalogueRoute> route_catalogue() {
  std::string output;
  EXPECT_EQ(support::run_program({ROLLCALL_GATEWAY_BIN, "--list-routes"}, &output), 0) << output;
  std::vector<CatalogueRoute> routes;
  for (const auto& line : split(output, '\n')) {
    if (line.empty()) continue;
    const auto fields = split(line, '\t');
    EXPECT_EQ(fields.size(), 5u) << "not a route: " << line;
    if (fields.size() != 5) continue;
    CatalogueRoute route;
    route.methods = split(fields[0], ',');
    route.pattern = fields[1];
    route.websocket = fields[2] == "websocket";
    EXPECT_TRUE(route.websocket || fields[2] == "http") << line;
    const auto guard = split(fields[3], ':');
    route.guard = guard.at(0);
    if (route.guard == "token") {
      EXPECT_EQ(guard.size(), 3u) << line;
      route.access = guard.size() > 1 ? guard[1] : "";
      if (guard.size() > 2) {
        for (const auto& role : split(guard[2], ',')) route.roles.insert(role);
      }
    } else {
      EXPECT_TRUE(route.guard == "public" || route.guard == "zoom_signature") << line;
    }
    route.example = fields[4];
    EXPECT_FALSE(route.methods.empty()) << line;
    EXPECT_TRUE(route.example.starts_with('/')) << line;
    routes.push_back(std::move(route));
  }
  EXPECT_FALSE(routes.empty()) << output;
  return routes;
}

}  // namespace rollcall::tests::attack::web
