#include "tests/attack/support/frame_fixture.h"

#include <regex>

#include "services/wire/codec.h"
#include "tests/attack/support/frame_client.h"
#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/venue_of_event.h"
#include "tests/support/http_totals.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"
#include "tools/client/target.h"

namespace rollcall::tests::attack {

using namespace std::chrono_literals;

void FrameFixture::SetUp() {
  std::string csv = "badge_id,country,category,name,organization\n";
  for (int i = 0; i < 10; ++i) {
    csv += "B" + std::to_string(i) + ",CH,youth,Person " + std::to_string(i) + ",Org\n";
  }
  ASSERT_TRUE(support::import_registry(redis_, kEvent, csv));
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    tokens_[role] = support::issue_token(redis_, kEvent, role);
  }
  add_venue_of_event(redis_, kEvent);
}

std::vector<std::string> FrameFixture::channel_targets(std::string_view path) {
  std::vector<std::string> out;
  for (const auto& route : web::route_catalogue()) {
    if (!route.websocket || !route.example.starts_with(std::string(path) + "?")) continue;
    out.push_back(route.target(kEvent));
  }
  EXPECT_FALSE(out.empty()) << "no route of the catalogue serves " << path;
  return out;
}

support::GatewayProcess& FrameFixture::gateway(std::vector<std::string> args) {
  args.insert(args.end(), {"--tick-ms", "20"});
  gateways_.push_back(std::make_unique<support::GatewayProcess>(redis_.url(), args));
  return *gateways_.back();
}

std::string FrameFixture::metrics(support::GatewayProcess& g) {
  return tools::client::http_get(g.host(), g.port(), "/metrics").body;
}

v1::Totals FrameFixture::totals(support::GatewayProcess& g) {
  return support::http_totals(g, std::string("/v1/events/") + kEvent + "/totals",
                              token(v1::display));
}

std::set<std::string> FrameFixture::named_channels(support::GatewayProcess& g) {
  FrameClient client;
  std::string body;
  try {
    client.connect(g.host(), g.port(), target("/v1/no-such-channel"), token(v1::organizer), false);
  } catch (const tools::client::HandshakeError& e) {
    body = e.body();
  }
  std::set<std::string> named;
  const std::regex path(R"(/v1/[a-z_]+)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), path); it != std::sregex_iterator();
       ++it) {
    named.insert(it->str());
  }
  EXPECT_GE(named.size(), 3u) << "the gateway named fewer channels than it has: " << body;
  return named;
}

std::string FrameFixture::target(const std::string& path, const std::string& query) {
  return tools::client::channel_target(path, kEvent) + query;
}

v1::ScanRequest FrameFixture::good_scan(const std::string& scan_id, const std::string& badge) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_badge_id(badge);
  request.set_desk_id("desk-1");
  request.set_zone("hall_a");
  request.set_direction(v1::in);
  return request;
}

v1::PresenceEvent FrameFixture::good_join(const std::string& presence_id,
                                          const std::string& participant) {
  v1::PresenceEvent item;
  item.set_presence_id(presence_id);
  item.set_kind(v1::join);
  item.set_participant_id(participant);
  item.set_country("CH");
  item.set_category("youth");
  item.set_platform("zoom");
  item.set_session("plenary");
  return item;
}

PoliteClient::PoliteClient(Exchange exchange, std::chrono::milliseconds pause)
    : exchange_(std::move(exchange)), pause_(pause) {
  thread_ = std::thread([this] {
    while (!stop_) {
      std::string failure;
      try {
        failure = exchange_();
      } catch (const std::exception& e) {
        failure = e.what();
      }
      if (!failure.empty()) {
        failure_ = failure;
        failed_ = true;
        return;
      }
      ++served_;
      std::this_thread::sleep_for(pause_);
    }
  });
}

PoliteClient::~PoliteClient() {
  stop();
}

bool PoliteClient::wait_for(int n) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (served_ < n && std::chrono::steady_clock::now() < deadline) {
    if (failed_) return false;
    std::this_thread::sleep_for(10ms);
  }
  return served_ >= n;
}

std::string PoliteClient::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return failure_;
}

}  // namespace rollcall::tests::attack
