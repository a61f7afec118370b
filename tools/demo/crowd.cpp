#include "tools/demo/crowd.h"

#include "tools/demo/audience.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/client/desk_client.h"
#include "tools/client/errors.h"
#include "tools/demo/csv.h"

namespace rollcall::tools::demo {
namespace {

using Clock = std::chrono::steady_clock;
namespace client = rollcall::tools::client;
namespace v1 = rollcall::v1;

std::vector<std::string> read_badge_ids(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto rows = parse_csv(text.str());
  if (rows.empty()) throw std::runtime_error(path + " is empty");
  std::size_t column = rows[0].size();
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "badge_id" || rows[0][i] ==
                                        "\xEF\xBB\xBF"
                                        "badge_id")
      column = i;
  }
  if (column == rows[0].size()) throw std::runtime_error(path + " has no badge_id column");
  std::vector<std::string> ids;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (column < rows[r].size() && !rows[r][column].empty()) ids.push_back(rows[r][column]);
  }
  if (ids.empty()) throw std::runtime_error(path + " has no badges");
  return ids;
}

// What the crowd believes about each person, so that scans look like people moving around.
// A badge being scanned is taken out of every pool until its result says where it is.
class World {
 public:
  World(std::vector<std::string> badges, const std::vector<std::string>& zones, std::uint64_t seed)
      : never_seen_(std::move(badges)), total_(never_seen_.size()) {
    std::mt19937_64 rng(seed);
    std::shuffle(never_seen_.begin(), never_seen_.end(), rng);
    for (const auto& zone : zones) inside_[zone];
  }

  enum class Kind { entry, exit, already_inside_probe, not_inside_probe };
  struct Pick {
    std::string badge;
    Kind kind;
  };

  std::optional<Pick> pick(const std::string& zone, std::mt19937_64& rng) {
    std::lock_guard lock(mutex_);
    std::uniform_real_distribution<double> coin(0, 1);
    auto& here = inside_[zone];
    double r = coin(rng);
    if (r < 0.02 && !here.empty()) return Pick{take(here, rng), Kind::already_inside_probe};
    if (r < 0.03 && !outside_.empty()) return Pick{take(outside_, rng), Kind::not_inside_probe};
    // Exits grow with how full the venue is, so "inside now" settles instead of filling up.
    double exit_share = 0.6 * static_cast<double>(inside_total()) / static_cast<double>(total_);
    if (!here.empty() && coin(rng) < exit_share) return Pick{take(here, rng), Kind::exit};
    bool newcomer = !never_seen_.empty() && (outside_.empty() || coin(rng) < 0.75);
    if (newcomer) {
      std::string badge = std::move(never_seen_.back());
      never_seen_.pop_back();
      return Pick{std::move(badge), Kind::entry};
    }
    if (!outside_.empty()) return Pick{take(outside_, rng), Kind::entry};
    if (!here.empty()) return Pick{take(here, rng), Kind::exit};
    return std::nullopt;  // everyone is busy at another desk
  }

  // Puts the badge back where the gateway says it is.
  void place(const std::string& badge, const std::string& zone, bool inside) {
    std::lock_guard lock(mutex_);
    if (inside) {
      inside_[zone.empty() ? inside_.begin()->first : zone].push_back(badge);
    } else {
      outside_.push_back(badge);
    }
  }

 private:
  static std::string take(std::vector<std::string>& pool, std::mt19937_64& rng) {
    std::size_t i = std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng);
    std::swap(pool[i], pool.back());
    std::string badge = std::move(pool.back());
    pool.pop_back();
    return badge;
  }
  std::size_t inside_total() const {
    std::size_t n = 0;
    for (const auto& [zone, pool] : inside_) n += pool.size();
    return n;
  }

  std::mutex mutex_;
  std::vector<std::string> never_seen_;
  std::vector<std::string> outside_;
  std::map<std::string, std::vector<std::string>> inside_;
  std::size_t total_;
};

struct Stats {
  std::atomic<long> sent{0};
  std::array<std::atomic<long>, 16> by_status{};
  std::atomic<long> replays{0};
  std::atomic<long> errors{0};
};

std::string random_scan_id(std::mt19937_64& rng) {
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return text;
}

void set_now(google::protobuf::Timestamp* timestamp) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  timestamp->set_seconds(nanos / 1000000000);
  timestamp->set_nanos(static_cast<int>(nanos % 1000000000));
}

struct Shared {
  Shared(const CrowdOptions& o, const std::atomic<bool>& s, World& w, Stats& st)
      : options(o), stop(s), world(w), stats(st) {}

  const CrowdOptions& options;
  const std::atomic<bool>& stop;
  World& world;
  Stats& stats;
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  std::string failure;

  bool stopping() const { return stop.load() || failed.load(); }
  void fail(const std::string& reason) {
    std::lock_guard lock(failure_mutex);
    if (!failed.exchange(true)) failure = reason;
  }
};

// Sends one request, retrying `unavailable` with the same scan_id as a desk must.
v1::ScanResult scan_with_retry(client::DeskClient& desk, const v1::ScanRequest& request,
                               const Shared& shared) {
  for (int attempt = 0;; ++attempt) {
    v1::ScanResult result = desk.scan(request);
    if (result.status() != v1::unavailable || attempt == 3 || shared.stopping()) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(250 << attempt));
  }
}

void run_desk(int index, Shared& shared) {
  const CrowdOptions& options = shared.options;
  std::mt19937_64 rng(std::random_device{}() ^ (static_cast<std::uint64_t>(index) << 32));
  const std::string desk_id = "desk-" + std::to_string(index + 1);
  const std::string& zone = options.zones[index % options.zones.size()];
  // Poisson arrivals: each desk gets its share of the rate.
  std::exponential_distribution<double> gap(options.rate / options.desks);
  std::uniform_real_distribution<double> coin(0, 1);

  client::DeskClient desk;
  std::optional<v1::ScanRequest> previous;
  auto next_at = Clock::now();
  while (!shared.stopping()) {
    next_at += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap(rng)));
    while (!shared.stopping() && Clock::now() < next_at) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next_at - Clock::now(), std::chrono::milliseconds(100)));
    }
    if (shared.stopping()) break;
    if (!desk.is_open()) {
      try {
        const auto own = options.desk_tokens.find(desk_id);
        desk.set_token(own != options.desk_tokens.end() ? own->second : options.desk_token);
        desk.connect(options.host, options.port, options.event);
      } catch (const client::ClosedError& e) {
        shared.fail("desk connection closed: " + std::string(e.what()));
        break;
      } catch (const client::HandshakeError& e) {
        shared.fail(e.what());
        break;
      } catch (const std::exception& e) {
        ++shared.stats.errors;
        std::this_thread::sleep_for(std::chrono::seconds(1));
        next_at = Clock::now();
        continue;
      }
    }

    v1::ScanRequest request;
    std::optional<World::Pick> pick;
    double r = coin(rng);
    if (r < 0.02 && previous) {
      request = *previous;  // a desk resending after a lost answer: same scan_id
    } else {
      request.set_scan_id(random_scan_id(rng));
      request.set_desk_id(desk_id);
      request.set_zone(zone);
      set_now(request.mutable_device_time());
      if (r < 0.04) {
        char badge[32];
        std::snprintf(badge, sizeof badge, "XX-%06llu",
                      static_cast<unsigned long long>(rng() % 1000000));
        request.set_badge_id(badge);
        request.set_direction(v1::in);
      } else {
        pick = shared.world.pick(zone, rng);
        if (!pick) continue;
        request.set_badge_id(pick->badge);
        bool out = pick->kind == World::Kind::exit || pick->kind == World::Kind::not_inside_probe;
        request.set_direction(out ? v1::out : v1::in);
      }
    }

    try {
      ++shared.stats.sent;
      v1::ScanResult result = scan_with_retry(desk, request, shared);
      ++shared.stats.by_status[static_cast<std::size_t>(result.status()) % 16];
      if (result.replay()) ++shared.stats.replays;
      if (pick) {
        bool inside = result.status() == v1::accepted || result.status() == v1::reentry ||
                      result.status() == v1::already_inside;
        bool known = result.status() != v1::unavailable && result.status() != v1::malformed;
        // When the answer is unclear, trust the intent of the scan.
        if (!known) inside = request.direction() == v1::in;
        shared.world.place(request.badge_id(), result.zone().empty() ? zone : result.zone(),
                           inside);
      }
      previous = request;
    } catch (const client::ClosedError& e) {
      if (pick) shared.world.place(request.badge_id(), zone, request.direction() == v1::in);
      if (e.code() == 1008) {
        shared.fail("gateway refused the desk: " + e.reason());
        break;
      }
      ++shared.stats.errors;
    } catch (const std::exception& e) {
      if (pick) shared.world.place(request.badge_id(), zone, request.direction() == v1::in);
      ++shared.stats.errors;
    }
  }
  desk.close();
}

std::string progress_line(const Stats& stats, double seconds) {
  std::string line;
  char head[96];
  long sent = stats.sent.load();
  std::snprintf(head, sizeof head, "crowd %6.1fs: sent %ld (%.1f/s)", seconds, sent,
                seconds > 0 ? static_cast<double>(sent) / seconds : 0.0);
  line += head;
  for (int status = 1; status <= v1::ScanStatus_MAX; ++status) {
    long n = stats.by_status[static_cast<std::size_t>(status)].load();
    if (n == 0) continue;
    line +=
        ", " + v1::ScanStatus_Name(static_cast<v1::ScanStatus>(status)) + " " + std::to_string(n);
  }
  line += ", replays " + std::to_string(stats.replays.load());
  line += ", errors " + std::to_string(stats.errors.load());
  return line;
}

}  // namespace

int run_crowd(const CrowdOptions& options, const std::atomic<bool>& stop) {
  std::vector<std::string> badges;
  try {
    badges = read_badge_ids(options.registry);
  } catch (const std::exception& e) {
    std::cerr << "rollcall-demo: " << e.what() << "\n";
    return 1;
  }

  // One desk first, so a wrong address or event fails fast with one clear line.
  try {
    client::DeskClient probe;
    probe.set_token(options.desk_tokens.contains("desk-1") ? options.desk_tokens.at("desk-1")
                                                           : options.desk_token);
    probe.connect(options.host, options.port, options.event);
    // A gateway may accept the upgrade and then close at once for an unknown event.
    probe.read_raw(std::chrono::milliseconds(300));
    probe.close();
  } catch (const std::exception& e) {
    std::cerr << "rollcall-demo: cannot open a desk on " << options.host << ":" << options.port
              << " for event " << options.event << ": " << e.what() << "\n";
    return 1;
  }

  const auto registered = badges;  // the online audience includes some registered people
  World world(std::move(badges), options.zones, std::random_device{}());
  Stats stats;
  Shared shared(options, stop, world, stats);
  std::cout << "crowd: " << options.desks << " desks, " << options.rate << " scans/s, event "
            << options.event << " on " << options.host << ":" << options.port
            << (options.duration > 0
                    ? ", for " + std::to_string(std::lround(options.duration)) + "s"
                    : ", until Ctrl-C")
            << std::endl;

  std::vector<std::thread> desks;
  for (int i = 0; i < options.desks; ++i) desks.emplace_back(run_desk, i, std::ref(shared));
  if (options.joins_per_second > 0) {
    desks.emplace_back([&] {
      const AudienceOptions audience{.host = options.host,
                                     .port = options.port,
                                     .event = options.event,
                                     .joins_per_second = options.joins_per_second,
                                     .token = options.platform_token};
      auto failure = run_audience(audience, registered, [&] { return shared.stopping(); });
      if (!failure.empty()) shared.fail(failure);
    });
  }

  auto start = Clock::now();
  auto next_progress = start + std::chrono::duration<double>(options.progress);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  while (!shared.stopping() && (options.duration <= 0 || elapsed() < options.duration)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Clock::now() >= next_progress) {
      std::cout << progress_line(stats, elapsed()) << std::endl;
      next_progress += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(options.progress));
    }
  }
  shared.fail("");  // stops the desks; an earlier real failure keeps its reason
  for (auto& desk : desks) desk.join();
  std::cout << progress_line(stats, elapsed()) << " (done)" << std::endl;
  if (!shared.failure.empty()) {
    std::cerr << "rollcall-demo: " << shared.failure << "\n";
    return 1;
  }
  return 0;
}

}  // namespace rollcall::tools::demo
