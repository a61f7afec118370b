#include "gateway/metrics.h"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

namespace rollcall::gateway {
namespace {

// Label values come from clients (desk ids): escape what the text format requires.
std::string escape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// A series without labels: its header and its one value.
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t value) {
  header(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

template <class Map>
void labelled(std::string& out, std::string_view name, std::string_view label, const Map& values) {
  for (const auto& [key, value] : values) {
    fmt::format_to(std::back_inserter(out), "{}{{{}=\"{}\"}} {}\n", name, label, escape(key),
                   value);
  }
}

// Series with two labels, kept under "first\nsecond" keys. Times are written to the millisecond.
template <class Map>
void labelled_pair(std::string& out, std::string_view name, std::string_view first,
                   std::string_view second, const Map& values) {
  for (const auto& [key, value] : values) {
    const auto newline = key.find('\n');
    fmt::format_to(std::back_inserter(out), "{}{{{}=\"{}\",{}=\"{}\"}} ", name, first,
                   escape(key.substr(0, newline)), second, escape(key.substr(newline + 1)));
    if constexpr (std::is_floating_point_v<typename Map::mapped_type>) {
      fmt::format_to(std::back_inserter(out), "{:.3f}\n", value);
    } else {
      fmt::format_to(std::back_inserter(out), "{}\n", value);
    }
  }
}

}  // namespace

Metrics::Metrics() {
  // The channels completed by server::SessionEnd: an alert on increase() needs a 0 to start from.
  for (const auto* channel : {"http", "upgrade", "desk", "venue_desk"}) {
    session_exceptions_.emplace(channel, 0);
  }
}

void Metrics::add(Labelled& counter, std::string_view label, std::uint64_t n) {
  std::lock_guard lock(mutex_);
  auto it = counter.find(label);
  if (it == counter.end()) it = counter.emplace(std::string(label), 0).first;
  it->second += n;
}

void Metrics::observe_redis_roundtrip(std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::size_t bucket = 0;
  while (bucket < kRoundtripBuckets.size() && seconds > kRoundtripBuckets[bucket]) ++bucket;
  roundtrip_buckets_[bucket] += 1;
  roundtrip_micros_ += static_cast<std::uint64_t>(seconds * 1e6);
}

void Metrics::desk_scanned(std::string_view event, std::string_view desk) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string key = std::string(event) + "\n" + std::string(desk);
  std::lock_guard lock(mutex_);
  if (auto it = desk_last_scan_.find(key); it != desk_last_scan_.end()) {
    it->second = now;
  } else if (desk_last_scan_.size() < kMaxDesks) {
    desk_last_scan_.emplace(std::move(key), now);
  }
}

std::string Metrics::render(bool redis_ready) const {
  std::string out;
  out.reserve(4096);
  header(out, "rollcall_connections", "gauge", "Open client connections by channel.");
  constexpr std::array<std::string_view, 4> kChannels = {"desk", "online", "display", "http"};
  for (std::size_t i = 0; i < kChannels.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "rollcall_connections{{channel=\"{}\"}} {}\n",
                   kChannels[i], connections_[i].load());
  }
  single(out, "rollcall_redis_ready", "gauge", "1 when Redis is reachable with functions loaded.",
         redis_ready ? 1 : 0);
  single(out, "rollcall_redis_replicas_short", "gauge",
         "Primaries whose replicas a WAIT found short (--redis-wait-replicas): their writes, "
         "scans among them, answer unavailable at once.",
         static_cast<std::uint64_t>(std::max<std::int64_t>(0, replicas_short_.load())));
  single(out, "rollcall_redis_replicas_short_total", "counter",
         "Times a primary's replicas were found short.", replicas_short_episodes_.load());
  single(out, "rollcall_ticks_total", "counter", "Display ticks that carried a change.",
         ticks_.load());
  single(out, "rollcall_venue_entries_folded_total", "counter",
         "Member events' log entries this gateway folded into venue figures.",
         venue_folded_.load());
  single(out, "rollcall_display_frames_total", "counter", "Frames written to displays.",
         display_frames_.load());
  single(out, "rollcall_slow_consumers_dropped_total", "counter",
         "Displays disconnected because they stopped reading.", slow_consumers_dropped_.load());
  if (cluster_) {
    const auto counts = cluster_();
    single(out, "rollcall_redis_cluster_redirects_total", "counter",
           "MOVED and ASK redirections followed (a slot moved between primaries).",
           counts.redirects);
    single(out, "rollcall_redis_cluster_slot_waits_total", "counter",
           "Scripts held back while their slot was moving (ASK).", counts.waits);
    single(out, "rollcall_redis_cluster_refused_total", "counter",
           "Commands refused because no cluster can run them (keys in several slots).",
           counts.refused);
  }

  header(out, "rollcall_redis_roundtrip_seconds", "histogram",
         "Time from sending a scan to Redis to its reply.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kRoundtripBuckets.size(); ++i) {
    cumulative += roundtrip_buckets_[i].load();
    fmt::format_to(std::back_inserter(out),
                   "rollcall_redis_roundtrip_seconds_bucket{{le=\"{}\"}} {}\n",
                   kRoundtripBuckets[i], cumulative);
  }
  cumulative += roundtrip_buckets_.back().load();
  fmt::format_to(std::back_inserter(out),
                 "rollcall_redis_roundtrip_seconds_bucket{{le=\"+Inf\"}} {}\n"
                 "rollcall_redis_roundtrip_seconds_sum {}\n"
                 "rollcall_redis_roundtrip_seconds_count {}\n",
                 cumulative, static_cast<double>(roundtrip_micros_.load()) / 1e6, cumulative);

  std::lock_guard lock(mutex_);
  header(out, "rollcall_scans_total", "counter", "Scan results sent to desks, by status.");
  labelled(out, "rollcall_scans_total", "status", scans_);
  header(out, "rollcall_presence_events_total", "counter",
         "Online joins and leaves processed, by outcome.");
  labelled(out, "rollcall_presence_events_total", "status", presence_);
  header(out, "rollcall_auth_failures_total", "counter", "Refused credentials, by reason.");
  labelled(out, "rollcall_auth_failures_total", "reason", auth_failures_);
  header(out, "rollcall_token_refused_closes_total", "counter",
         "Open displays and beacons closed because their token is refused now, by reason.");
  labelled(out, "rollcall_token_refused_closes_total", "reason", token_refused_closes_);
  header(out, "rollcall_limit_rejections_total", "counter",
         "Connections or messages refused by a limit, by limit.");
  labelled(out, "rollcall_limit_rejections_total", "limit", limit_rejections_);
  header(out, "rollcall_http_refusals_total", "counter",
         "HTTP requests refused for their form (framing, static_path), by reason.");
  labelled(out, "rollcall_http_refusals_total", "reason", http_refusals_);
  header(out, "rollcall_session_exceptions_total", "counter",
         "Connections ended by an exception in their own code (a bug), by channel.");
  labelled(out, "rollcall_session_exceptions_total", "channel", session_exceptions_);
  header(out, "rollcall_client_times_ignored_total", "counter",
         "Client clocks not believed (the server's time counted instead), by channel and reason.");
  labelled_pair(out, "rollcall_client_times_ignored_total", "channel", "reason",
                client_times_ignored_);
  header(out, "rollcall_offline_verdicts_total", "counter",
         "Desk decisions made offline, by how the gateway's answer compared.");
  labelled(out, "rollcall_offline_verdicts_total", "outcome", offline_verdicts_);
  header(out, "rollcall_badge_pdfs_total", "counter",
         "Badge PDFs asked for (GET .../badge.pdf), by outcome.");
  labelled(out, "rollcall_badge_pdfs_total", "outcome", badge_pdfs_);
  header(out, "rollcall_redis_failures_total", "counter",
         "Redis calls answered `unavailable`, by site and kind (link, error_reply, reply_shape).");
  labelled_pair(out, "rollcall_redis_failures_total", "site", "kind", redis_failures_);
  header(out, "rollcall_desk_last_scan_timestamp_seconds", "gauge",
         "When each desk last scanned through this gateway (unix time).");
  labelled_pair(out, "rollcall_desk_last_scan_timestamp_seconds", "event", "desk", desk_last_scan_);
  return out;
}

}  // namespace rollcall::gateway
