#include "tools/demo/audience.h"

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/client/encoding.h"
#include "tools/client/json.h"
#include "tools/client/target.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tools::demo {
namespace {

// Online audiences lean towards countries that travel less to Geneva.
constexpr const char* kCountries[] = {"IN", "BR", "NG", "KE", "ID", "PH", "MX", "PK", "BD", "EG",
                                      "US", "GB", "FR", "DE", "CH", "ZA", "AR", "CO", "VN", "TH",
                                      "GH", "ET", "TZ", "UG", "NP", "LK", "MA", "TN", "JO", "PE"};
constexpr const char* kCategories[] = {"civil_society",  "youth", "academia", "technical",
                                       "private_sector", "media", "other"};

}  // namespace

std::string run_audience(const AudienceOptions& options, const std::vector<std::string>& badges,
                         const std::function<bool()>& stopping) {
  std::mt19937_64 rng(std::random_device{}());
  client::WebSocketConnection bridge;
  bridge.set_token(options.token);
  try {
    bridge.connect(options.host, options.port,
                   client::channel_target("/v1/online", options.event) + "&bridge=demo-platform",
                   client::subprotocol(client::Encoding::json), std::chrono::seconds(5));
  } catch (const std::exception& e) {
    return std::string("cannot open the online bridge: ") + e.what();
  }
  std::set<int> online;
  long next_id = std::uniform_int_distribution<long>(0, 1L << 40)(rng);
  const auto period = std::chrono::milliseconds(500);
  while (!stopping()) {
    v1::OnlineRequest request;
    auto* batch = request.mutable_batch();
    const int joins = std::poisson_distribution<int>(options.joins_per_second * 0.5)(rng);
    for (int i = 0; i < joins; ++i) {
      const int person = std::uniform_int_distribution<int>(0, options.people - 1)(rng);
      auto* item = batch->add_events();
      // Few people watch at once; most drop in and out.
      const bool leave = online.contains(person) || (online.size() > 200 && rng() % 2);
      item->set_kind(leave ? v1::leave : v1::join);
      item->set_presence_id("demo-" + std::to_string(next_id++));
      item->set_participant_id("viewer-" + std::to_string(person));
      if (person % 25 == 0 && !badges.empty()) {
        item->set_badge_id(badges[static_cast<std::size_t>(person) % badges.size()]);  // hybrid
      }
      item->set_country(kCountries[person % std::size(kCountries)]);
      item->set_category(kCategories[person % std::size(kCategories)]);
      item->set_platform("webcast");
      item->set_session("plenary");
      if (leave) {
        online.erase(person);
      } else {
        online.insert(person);
      }
    }
    try {
      if (batch->events_size() > 0) {
        bridge.write(client::to_json(request), true, std::chrono::seconds(5));
        bridge.read(std::chrono::seconds(5));  // the acks; the demo only needs them consumed
      }
    } catch (const std::exception& e) {
      return std::string("online bridge: ") + e.what();
    }
    std::this_thread::sleep_for(period);
  }
  bridge.close();
  return {};
}

}  // namespace rollcall::tools::demo
