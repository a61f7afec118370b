#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace rollcall::gateway {

enum class Channel { desk, online, display, http };

// The gateway's counters, rendered for GET /metrics in Prometheus' text format. Hot paths touch
// atomics only; labelled counters take a short lock (labels are few: statuses, reasons, desks).
class Metrics {
 public:
  Metrics();

  void connection_opened(Channel channel) { connections_[index(channel)] += 1; }
  void connection_closed(Channel channel) { connections_[index(channel)] -= 1; }

  void count_scan(std::string_view status) { add(scans_, status); }
  void count_presence(std::string_view status, std::uint64_t n = 1) { add(presence_, status, n); }
  void count_auth_failure(std::string_view reason) { add(auth_failures_, reason); }
  // Open connections closed because the token they were let in with is refused now (TokenWatch),
  // by reason. Apart from auth failures: revoking one display token may close thousands of
  // screens at once, which is no attack on credentials.
  void count_token_refused_closes(std::string_view reason, std::uint64_t n) {
    add(token_refused_closes_, reason, n);
  }
  void count_limit_rejection(std::string_view limit) { add(limit_rejections_, limit); }
  // HTTP requests refused for their form: "framing" (ambiguous message length), "static_path"
  // (a path that tries to leave the web root).
  void count_http_refusal(std::string_view reason) { add(http_refusals_, reason); }
  // A client's clock that was not believed (the server's time counted instead), by channel
  // ("desk", "bridge", "webhook") and reason (checkin::ignored_time_kind).
  void count_client_time_ignored(std::string_view channel, std::string_view reason) {
    add(client_times_ignored_, std::string(channel) + "\n" + std::string(reason));
  }
  void count_offline_verdict(std::string_view outcome) { add(offline_verdicts_, outcome); }
  // Badge PDFs asked for, by outcome: "printed", "busy" (too many renders at once), "revoked",
  // "no_signing_key", "unknown_badge", "bad_size", "failed".
  void count_badge_pdf(std::string_view outcome) { add(badge_pdfs_, outcome); }
  // A Redis call answered `unavailable`, by site ("scan", "presence", "totals") and kind ("link",
  // "error_reply", "reply_shape"; see redis_failure.h).
  void count_redis_failure(std::string_view site, std::string_view kind) {
    add(redis_failures_, std::string(site) + "\n" + std::string(kind));
  }
  void count_tick() { ticks_ += 1; }
  // Log entries of member events folded into venue figures (gateway/venue_folder.cpp).
  void count_venue_folded(std::uint64_t n) { venue_folded_ += n; }
  void count_display_frames(std::uint64_t n) { display_frames_ += n; }
  void count_slow_consumer_dropped() { slow_consumers_dropped_ += 1; }
  // A connection that ended on an exception (server::SessionEnd), by channel (every one shown
  // from 0, so that the first exception is an increase).
  void count_session_exception(std::string_view channel) { add(session_exceptions_, channel); }
  void observe_redis_roundtrip(std::chrono::steady_clock::duration elapsed);
  // WAIT mode: a primary's replicas found short (writes answer `unavailable` at once), or
  // enough again (redis::Link::on_replicas).
  void note_replicas(bool enough) {
    if (enough) {
      replicas_short_ -= 1;
    } else {
      replicas_short_ += 1;
      replicas_short_episodes_ += 1;
    }
  }
  // A Redis Cluster link's own counters (redis::ClusterCommands), read at scrape time: a slot
  // moving shows as redirects and waits, a command no cluster can run as a refusal.
  struct ClusterCounts {
    std::uint64_t redirects = 0;
    std::uint64_t waits = 0;
    std::uint64_t refused = 0;
  };
  void watch_cluster(std::function<ClusterCounts()> read) { cluster_ = std::move(read); }
  void desk_scanned(std::string_view event, std::string_view desk);

  // The whole exposition; `redis_ready` is read by the caller at scrape time.
  std::string render(bool redis_ready) const;

 private:
  using Labelled = std::map<std::string, std::uint64_t, std::less<>>;
  static constexpr std::array<double, 12> kRoundtripBuckets = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5};
  // Desks are per device: bounded so a stream of made-up desk ids cannot grow memory.
  static constexpr std::size_t kMaxDesks = 5000;

  static std::size_t index(Channel channel) { return static_cast<std::size_t>(channel); }
  void add(Labelled& counter, std::string_view label, std::uint64_t n = 1);

  std::array<std::atomic<std::int64_t>, 4> connections_{};
  std::atomic<std::uint64_t> ticks_{0};
  std::atomic<std::uint64_t> venue_folded_{0};
  std::atomic<std::uint64_t> display_frames_{0};
  std::atomic<std::uint64_t> slow_consumers_dropped_{0};
  std::atomic<std::int64_t> replicas_short_{0};
  std::atomic<std::uint64_t> replicas_short_episodes_{0};
  std::array<std::atomic<std::uint64_t>, kRoundtripBuckets.size() + 1> roundtrip_buckets_{};
  std::atomic<std::uint64_t> roundtrip_micros_{0};

  std::function<ClusterCounts()> cluster_;  // set once, before the gateway serves
  mutable std::mutex mutex_;
  Labelled scans_;
  Labelled presence_;
  Labelled auth_failures_;
  Labelled token_refused_closes_;
  Labelled limit_rejections_;
  Labelled http_refusals_;
  Labelled client_times_ignored_;  // "channel\nreason"
  Labelled offline_verdicts_;      // agreed, admitted_refused, refused_admitted
  Labelled badge_pdfs_;            // printed, busy, revoked, no_signing_key, ...
  Labelled redis_failures_;        // "site\nkind"
  Labelled session_exceptions_;    // http, upgrade, desk, venue_desk
  std::map<std::string, double, std::less<>> desk_last_scan_;  // "event\ndesk" -> unix seconds
};

// Counts one connection in its channel's gauge for as long as it lives.
class ChannelGauge {
 public:
  ChannelGauge(Metrics& metrics, Channel channel) : metrics_(metrics), channel_(channel) {
    metrics_.connection_opened(channel_);
  }
  ~ChannelGauge() { metrics_.connection_closed(channel_); }
  ChannelGauge(const ChannelGauge&) = delete;
  ChannelGauge& operator=(const ChannelGauge&) = delete;

 private:
  Metrics& metrics_;
  Channel channel_;
};

}  // namespace rollcall::gateway
