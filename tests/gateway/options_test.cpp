#include "gateway/options.h"

#include "gateway/server/frame_gate.h"

#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rollcall::gateway {
namespace {

using server::Limits;

ParsedOptions parse(std::vector<std::string> words) {
  words.insert(words.begin(), "rollcall-gateway");
  std::vector<const char*> argv;
  for (const auto& word : words) argv.push_back(word.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

// Every option that feeds a Limits field, with what a given value must do to that field.
struct LimitOption {
  std::string name;
  bool fractional;  // a double option; the others take whole numbers
  std::function<void(Limits&, double)> apply;
};

const std::vector<LimitOption>& limit_options() {
  using std::chrono::seconds;
  static const std::vector<LimitOption> options{
      {"max-frame", false, [](Limits& l, double v) { l.max_frame = std::size_t(v); }},
      {"max-connections", false, [](Limits& l, double v) { l.max_connections = std::size_t(v); }},
      {"max-connections-per-address", false,
       [](Limits& l, double v) { l.max_connections_per_address = std::size_t(v); }},
      {"messages-per-second", true, [](Limits& l, double v) { l.messages_per_second = v; }},
      {"bridge-items-per-second", true, [](Limits& l, double v) { l.bridge_items_per_second = v; }},
      {"slow-consumer-timeout", false,
       [](Limits& l, double v) { l.slow_consumer_timeout = seconds(unsigned(v)); }},
      {"idle-timeout", false, [](Limits& l, double v) { l.idle_timeout = seconds(unsigned(v)); }},
      {"tls-handshake-timeout", false,
       [](Limits& l, double v) { l.tls_handshake_timeout = seconds(unsigned(v)); }},
      {"beacon-timeout", false,
       [](Limits& l, double v) { l.beacon_idle_timeout = seconds(unsigned(v)); }},
  };
  return options;
}

std::string text_of(double value, bool fractional) {
  if (!fractional) return std::to_string(static_cast<unsigned long long>(value));
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

TEST(GatewayOptions, AnEmptyCommandLineRunsWithTheOneSetOfDefaults) {
  const auto parsed = parse({});
  ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << parsed.error;
  EXPECT_EQ(parsed.exit_code, 0);
  EXPECT_EQ(parsed.options.limits, Limits{});
  const GatewayOptions defaults;
  EXPECT_EQ(parsed.options.listen, defaults.listen);
  EXPECT_EQ(parsed.options.endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(parsed.options.endpoint.port(), 8080);
  EXPECT_EQ(parsed.options.redis_url.where(), "127.0.0.1:6379");
  EXPECT_EQ(parsed.options.durability, services::store::Durability::everysec);
  EXPECT_EQ(parsed.options.tick, defaults.tick);
  EXPECT_EQ(parsed.options.venue_fold, defaults.venue_fold);
  EXPECT_EQ(parsed.options.lease, PresenceLeases::kDefaultLease);
  EXPECT_EQ(parsed.options.time_margin, services::checkin::kDefaultTimeMargin);
  EXPECT_EQ(parsed.options.max_desks, ScanHandler::kDefaultMaxDesks);
  EXPECT_EQ(parsed.options.threads, GatewayOptions::default_threads());
  EXPECT_EQ(parsed.options.web_root, GatewayOptions::default_web_root());
  EXPECT_FALSE(parsed.options.tls_cert);
  EXPECT_TRUE(parsed.options.badge_signing_keys.empty());
}

TEST(GatewayOptions, EachLimitOptionChangesItsFieldAndNoOther) {
  std::mt19937_64 random(16);
  for (const auto& option : limit_options()) {
    for (int round = 0; round < 50; ++round) {
      // Whole numbers from 1 up (a clamp to 1 is tested on its own); fractions for the rates.
      double value = std::uniform_int_distribution<unsigned>(1, 1'000'000)(random);
      if (option.fractional) value /= 8;
      Limits expected;
      option.apply(expected, value);
      if (expected == Limits{}) continue;  // drew the default itself
      const auto parsed = parse({"--" + option.name + "=" + text_of(value, option.fractional)});
      ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << option.name << ": " << parsed.error;
      EXPECT_EQ(parsed.options.limits, expected) << "--" << option.name << "=" << value;
    }
  }
}

TEST(GatewayOptions, TheLimitOptionsTogetherReachEveryFieldThatHasAnOption) {
  std::vector<std::string> words;
  for (const auto& option : limit_options()) words.push_back("--" + option.name + "=7");
  const auto parsed = parse(words);
  ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << parsed.error;
  const auto& got = parsed.options.limits;
  const Limits defaults;
  EXPECT_NE(got.max_frame, defaults.max_frame);
  EXPECT_NE(got.max_connections, defaults.max_connections);
  EXPECT_NE(got.max_connections_per_address, defaults.max_connections_per_address);
  EXPECT_NE(got.messages_per_second, defaults.messages_per_second);
  EXPECT_NE(got.bridge_items_per_second, defaults.bridge_items_per_second);
  EXPECT_NE(got.slow_consumer_timeout, defaults.slow_consumer_timeout);
  EXPECT_NE(got.idle_timeout, defaults.idle_timeout);
  EXPECT_NE(got.tls_handshake_timeout, defaults.tls_handshake_timeout);
  EXPECT_NE(got.beacon_idle_timeout, defaults.beacon_idle_timeout);
  // No option: these stay fixed.
  EXPECT_EQ(got.max_bridge_frame, defaults.max_bridge_frame);
  EXPECT_EQ(got.max_request_body, defaults.max_request_body);
}

TEST(GatewayOptions, HelpShowsTheDefaultsOfLimits) {
  const auto parsed = parse({"--help"});
  ASSERT_EQ(parsed.action, ParsedOptions::Action::help);
  EXPECT_EQ(parsed.exit_code, 0);
  const Limits defaults;
  EXPECT_NE(parsed.out.find("--max-frame arg (=" + std::to_string(defaults.max_frame) + ")"),
            std::string::npos)
      << parsed.out;
  EXPECT_NE(parsed.out.find(
                "--idle-timeout arg (=" + std::to_string(defaults.idle_timeout.count()) + ")"),
            std::string::npos);
  EXPECT_EQ(parsed.out.find("list-routes"), std::string::npos);  // hidden
}

TEST(GatewayOptions, ListRoutesIsAskedFor) {
  EXPECT_EQ(parse({"--list-routes"}).action, ParsedOptions::Action::list_routes);
}

TEST(GatewayOptions, ClampsToAtLeastOne) {
  const auto parsed = parse({"--tls-handshake-timeout=0", "--tick-ms=0", "--venue-fold-ms=0",
                             "--threads=0", "--redis-wait-replicas=-3"});
  ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << parsed.error;
  EXPECT_EQ(parsed.options.limits.tls_handshake_timeout, std::chrono::seconds(1));
  EXPECT_EQ(parsed.options.tick, std::chrono::milliseconds(1));
  EXPECT_EQ(parsed.options.venue_fold, std::chrono::milliseconds(1));
  EXPECT_EQ(parsed.options.threads, 1u);
  EXPECT_EQ(parsed.options.redis_wait_replicas, 0);
}

TEST(GatewayOptions, NonNumbersAreRefusedNamingTheOption) {
  std::vector<std::string> numeric;
  for (const auto& option : limit_options()) numeric.push_back(option.name);
  for (const char* name : {"tick-ms", "venue-fold-ms", "threads", "lease-ms", "time-margin",
                           "max-desks", "redis-wait-timeout-ms", "redis-wait-replicas"}) {
    numeric.push_back(name);
  }
  for (const auto& name : numeric) {
    for (const char* bad : {"abc", "12x", "", "1e999x"}) {
      const auto parsed = parse({"--" + name + "=" + bad});
      ASSERT_EQ(parsed.action, ParsedOptions::Action::refuse) << name << "=" << bad;
      EXPECT_EQ(parsed.exit_code, 2);
      EXPECT_EQ(parsed.error.rfind("rollcall-gateway: ", 0), 0u) << parsed.error;
      EXPECT_NE(parsed.error.find(name), std::string::npos) << parsed.error;
      EXPECT_NE(parsed.error.find("rollcall-gateway options"), std::string::npos);  // usage
    }
  }
}

TEST(GatewayOptions, BadValuesGetTheirOwnRefusal) {
  struct Case {
    std::vector<std::string> words;
    std::string error;
  };
  const std::vector<Case> cases{
      {{"--listen=8080"}, "rollcall-gateway: --listen wants HOST:PORT\n"},
      {{"--listen=host:80"}, "rollcall-gateway: --listen wants HOST:PORT\n"},
      {{"--listen=127.0.0.1:70000"}, "rollcall-gateway: --listen wants HOST:PORT\n"},
      {{"--listen=127.0.0.1:"}, "rollcall-gateway: --listen wants HOST:PORT\n"},
      {{"--durability=sometimes"},
       "rollcall-gateway: --durability wants none, everysec or always\n"},
      {{"--log-format=xml"}, "rollcall-gateway: --log-format wants text or json\n"},
      {{"--tls-cert=a.pem"}, "rollcall-gateway: --tls-cert and --tls-key go together\n"},
      {{"--tls-key=a.pem"}, "rollcall-gateway: --tls-cert and --tls-key go together\n"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse(c.words);
    ASSERT_EQ(parsed.action, ParsedOptions::Action::refuse) << c.words[0];
    EXPECT_EQ(parsed.exit_code, 2);
    EXPECT_EQ(parsed.error, c.error);
  }
  const auto url = parse({"--redis=http://x"});
  ASSERT_EQ(url.action, ParsedOptions::Action::refuse);
  EXPECT_EQ(url.error.rfind("rollcall-gateway: --redis: ", 0), 0u) << url.error;
}

TEST(GatewayOptions, TheOtherOptionsReachTheirFields) {
  const auto parsed =
      parse({"--listen=[::1]:9443", "--redis=redis://10.1.2.3:7000/2", "--durability=always",
             "--log-format=json", "--tls-cert=c.pem", "--tls-key=k.pem", "--badge-signing-key=a",
             "--badge-signing-key=b", "--lease-ms=2500", "--time-margin=3", "--max-desks=9",
             "--web-root=/srv/www", "--redis-wait-replicas=2", "--redis-wait-timeout-ms=40"});
  ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << parsed.error;
  const auto& o = parsed.options;
  EXPECT_EQ(o.endpoint.address().to_string(), "::1");
  EXPECT_EQ(o.endpoint.port(), 9443);
  EXPECT_EQ(o.redis_url.where(), "10.1.2.3:7000");
  EXPECT_EQ(o.redis_url.db, 2);
  EXPECT_EQ(o.durability, services::store::Durability::always);
  EXPECT_EQ(o.log_format, "json");
  EXPECT_EQ(o.tls_cert, "c.pem");
  EXPECT_EQ(o.tls_key, "k.pem");
  EXPECT_EQ(o.badge_signing_keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.lease, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.time_margin, std::chrono::hours(3));
  EXPECT_EQ(o.max_desks, 9u);
  EXPECT_EQ(o.web_root, "/srv/www");
  EXPECT_EQ(o.redis_wait_replicas, 2);
  EXPECT_EQ(o.redis_wait_timeout, std::chrono::milliseconds(40));
  EXPECT_EQ(o.limits, Limits{});
}

TEST(GatewayOptions, EachChannelTakesItsFrameSizeAndRateFromTheParsedLimits) {
  std::mt19937_64 random(5);
  for (int round = 0; round < 100; ++round) {
    auto value = [&](unsigned low, unsigned high) {
      return std::to_string(std::uniform_int_distribution<unsigned>(low, high)(random));
    };
    const auto parsed =
        parse({"--max-frame=" + value(1, 4'000'000), "--messages-per-second=" + value(1, 1000),
               "--bridge-items-per-second=" + value(1, 100'000)});
    ASSERT_EQ(parsed.action, ParsedOptions::Action::run) << parsed.error;
    const auto& l = parsed.options.limits;
    using server::GatedChannel;
    for (const auto channel : {GatedChannel::desk, GatedChannel::display}) {
      const auto got = server::channel_limits(channel, l);
      EXPECT_EQ(got.max_frame, l.max_frame);
      EXPECT_EQ(got.rate, l.messages_per_second);
      EXPECT_EQ(got.burst, 10 * l.messages_per_second);  // ten seconds' worth: a kiosk's queue
    }
    const auto bridge = server::channel_limits(GatedChannel::bridge, l);
    EXPECT_EQ(bridge.max_frame, std::max(l.max_frame, l.max_bridge_frame));
    EXPECT_EQ(bridge.rate, l.messages_per_second);
    EXPECT_EQ(bridge.item_rate, l.bridge_items_per_second);
    EXPECT_EQ(bridge.item_burst, 2 * l.bridge_items_per_second);
    const auto beacon = server::channel_limits(GatedChannel::beacon, l);
    EXPECT_EQ(beacon.max_frame, l.max_frame);
    EXPECT_EQ(beacon.rate, 5);  // heartbeats only, whatever the desks may send
  }
}

}  // namespace
}  // namespace rollcall::gateway
