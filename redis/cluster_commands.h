#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "redis/cluster_routing.h"
#include "redis/connection.h"
#include "redis/link.h"
#include "redis/slot_map.h"
#include "redis/url.h"

namespace rollcall::redis {

// The commands of a Redis Cluster: one Connection per primary (each runs the same setup after
// every connect, so FUNCTION LOAD reaches every primary), the slot map read with CLUSTER SLOTS
// from the nodes of a redis+cluster:// URL, and every command sent to the primary owning the
// hash slot of its keys (cluster_routing.h). MOVED updates the map and resends; ASK sends
// ASKING and the command to the importing node, except a script, which waits for the slot to
// finish moving (its undeclared keys may be on both nodes meanwhile); each a bounded number of
// times, then the command fails with error::unavailable (it did not run). Commands that cannot
// work through a cluster are answered with an error reply "ERR rollcall cluster: ..." and
// counted in refused().
class ClusterCommands final : public Link, public std::enable_shared_from_this<ClusterCommands> {
 public:
  // `options.url` is a cluster URL (url.h): its nodes are the seeds; its credentials, the
  // setup and WAIT apply to the link to every primary.
  static std::shared_ptr<ClusterCommands> create(boost::asio::any_io_executor executor,
                                                 LinkOptions options);
  ~ClusterCommands() override;

  void start() override;
  void stop() override;
  // The slot map covers every slot and the link to every primary is ready.
  bool ready() const override;
  std::string last_error() const override;
  void exec(Command command, Handler handler) override;
  void on_state_change(std::function<void(bool ready, const std::string& cause)> callback) override;
  // Each primary's link's reports, as they come.
  void on_replicas(std::function<void(bool enough, const std::string& detail)> callback) override;

  // Commands answered "ERR rollcall cluster: ..." since start (route_of refused them).
  std::uint64_t refused() const { return refused_.load(); }
  // MOVED and ASK redirections followed, and waits for a moving slot.
  std::uint64_t redirects() const { return redirects_.load(); }
  std::uint64_t waits() const { return waits_.load(); }

  // The link to each primary of the slot map as last read ("host:port", link), for what must be
  // asked of every primary rather than of one (the gateway's durability check). Empty until
  // the map is known. Safe from any thread.
  using Primary = std::pair<std::string, std::shared_ptr<Commands>>;
  std::vector<Primary> primaries() const;

 private:
  struct Call;
  ClusterCommands(boost::asio::any_io_executor executor, LinkOptions options);

  boost::asio::any_io_executor default_executor() const override { return strand_; }

  // Everything below runs on strand_.
  std::shared_ptr<Connection> node(const std::string& address);
  void send(std::shared_ptr<Call> call);
  void send_to(const std::string& address, std::shared_ptr<Call> call, bool asking);
  void answered(std::shared_ptr<Call> call, const std::string& address,
                boost::system::error_code ec, Reply reply);
  void refresh();
  void refresh_later(std::chrono::milliseconds delay);
  void slots_answered(const std::string& address, boost::system::error_code ec, Reply reply);
  void update_state(const std::string& cause);
  void set_last_error(const std::string& text);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  LinkOptions options_;
  SlotMap map_;
  bool map_known_ = false;
  bool refreshing_ = false;
  bool refresh_armed_ = false;  // refresh_timer_ is set
  bool stopped_ = false;
  boost::asio::steady_timer refresh_timer_;
  std::map<std::string, std::shared_ptr<Connection>> nodes_;  // by "host:port"
  std::function<void(bool, const std::string&)> state_callback_;
  std::function<void(bool, const std::string&)> replicas_callback_;
  bool notified_ready_ = false;

  std::atomic<bool> ready_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> redirects_{0};
  std::atomic<std::uint64_t> waits_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
  mutable std::mutex primaries_mutex_;
  std::vector<Primary> primaries_;  // a copy of the map's primaries, for primaries()
};

}  // namespace rollcall::redis
