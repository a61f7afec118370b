#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <boost/system/error_code.hpp>

#include "redis/command.h"
#include "redis/error.h"
#include "redis/reply.h"
#include "redis/url.h"

namespace rollcall::redis {

// What a link to Redis is asked to do (Connection::Options).
struct LinkOptions {
  // A plain URL names the server; a redis+sentinel:// URL names the sentinels, which are asked
  // for the primary on every (re)connect (see url.h).
  Url url;
  std::vector<std::vector<std::string>> setup;      // run in order after each connect
  std::chrono::milliseconds connect_timeout{2000};  // per server, and per sentinel asked
  // Health: a PING (subscribers: a SUBSCRIBE) is sent every health_interval unless one is
  // already outstanding. The link is declared dead only when commands or that PING have been
  // outstanding with no reply at all for health_timeout: a busy Redis that keeps answering a
  // deep pipeline is alive, however long the PING waits behind it. Blocking commands
  // (BLPOP...) longer than health_timeout are therefore not for this connection.
  std::chrono::milliseconds health_interval{1000};
  std::chrono::milliseconds health_timeout{3000};
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  // Replication acknowledgement: when wait_replicas > 0, every command that may write is followed
  // on the same link by WAIT wait_replicas wait_timeout (one WAIT covers a burst of commands),
  // and its reply is delivered only once that many replicas have it; otherwise the handler gets
  // error::not_replicated (the command did run on the primary). Error replies are delivered as
  // they are. A read (is_read_only) is answered at once: a primary that lost its replica can
  // still be read. The health timeout is raised to at least wait_timeout + health_interval.
  // Once a WAIT says the replicas are short, writes are sent without WAIT and answered
  // not_replicated as soon as they are answered, so that nothing on the link (reads included)
  // queues behind a WAIT that will time out; a lone WAIT, sent every health_interval, tells when
  // the replicas are back (LinkState::probe_wait_limit).
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{1000};
};

// The link's logic without any I/O (the sans-IO design of Boost.Redis's state machines): its
// owner feeds it events (what hiredis, the resolver, the sentinels and the timers said) and
// carries out the actions it returns. It alone decides whether an event is stale (each link and
// each timer arming has its own number), when the link is ready or dead, how long to back off,
// and how every command ends: each command given to exec() gets exactly one Complete.
//
// Events carry `link`, the number of the link (or sentinel lookup) they come from, as given in
// the Open or AskSentinels action; events of another link are ignored.
class LinkState {
 public:
  using Clock = std::chrono::steady_clock;
  using CommandId = std::uint64_t;
  using LinkId = std::uint64_t;
  enum class Timer { connect, retry, health };

  // The longest a probe WAIT may hold the link while the replicas are short (LinkOptions); every
  // long_probe_every-th probe waits the whole wait_timeout instead, so that replicas slower than
  // probe_wait_limit to acknowledge (far away, or loaded) are found back too.
  static constexpr std::chrono::milliseconds probe_wait_limit{100};
  static constexpr int long_probe_every = 5;

  // A reply's tag says what it answers (chosen here, carried by the driver as it is).
  using Tag = std::uint64_t;

  // --- actions --------------------------------------------------------------------------------
  struct Resolve {  // look host up, answer with resolved()
    LinkId link;
    std::string host;
    unsigned short port;
  };
  struct Open {  // connect to a numeric address; answer opened() or lost()
    LinkId link;
    std::string address;
    unsigned short port;
  };
  struct AskSentinels {  // one lookup round starting at sentinel `first`; answer sentinel_answer()
    LinkId link;
    std::size_t first;
  };
  struct Send {  // queue on the open link; a refusal is answered with refused()
    Tag tag;
    Command command;
  };
  struct Close {};  // drop the link, the lookup and the resolve under way, if any
  struct ArmTimer {
    Timer timer;
    std::chrono::milliseconds delay;
    std::uint64_t token;  // given back in timer_fired()
  };
  struct CancelTimer {
    Timer timer;
  };
  struct PostFlush {};  // call flush() once the events already queued are handled
  struct Complete {
    CommandId id;
    boost::system::error_code ec;
    Reply reply;
  };
  struct Deliver {  // a pub/sub message
    std::string channel;
    std::string payload;
  };
  struct Notify {  // the link became ready, or was lost (cause says why)
    bool ready;
    std::string cause;
  };
  struct SetError {  // last_error(): why the last connect, setup or health check failed
    std::string text;
  };
  // WAIT mode: the replicas became short (enough false) or are enough again (also when a short
  // link closes: the next one starts trusting them); detail says which WAIT said so.
  struct Replicas {
    bool enough;
    std::string detail;
  };
  using Action = std::variant<Resolve, Open, AskSentinels, Send, Close, ArmTimer, CancelTimer,
                              PostFlush, Complete, Deliver, Notify, SetError, Replicas>;
  using Actions = std::vector<Action>;

  struct Primary {
    std::string host;
    unsigned short port = 0;
    std::size_t sentinel = 0;  // index of the sentinel that answered
  };

  // Subscribed to by every subscriber link: re-SUBSCRIBE-ing it is the health check, since
  // hiredis 0.14 cannot route a PING reply in subscribe mode. Nobody publishes to it.
  static const std::string health_channel;

  explicit LinkState(LinkOptions options);

  // --- events from the owner ------------------------------------------------------------------
  Actions start();
  Actions stop();
  Actions exec(CommandId id, Command command, Clock::time_point now);
  Actions subscribe(const std::string& channel);
  Actions unsubscribe(const std::string& channel);
  Actions enter_subscriber_mode();
  Actions flush(Clock::time_point now);

  // --- events from the outside world ----------------------------------------------------------
  Actions resolved(LinkId link, std::optional<std::string> address, const std::string& error);
  Actions opened(LinkId link);
  // The link failed to connect (`connected` false) or was lost later; detail is hiredis's word.
  Actions lost(LinkId link, bool connected, const std::string& detail);
  // The link could not even be opened.
  Actions open_failed(LinkId link, const std::string& reason);
  Actions reply(LinkId link, Tag tag, Reply reply, Clock::time_point now);
  // hiredis refused the Send just carried out.
  Actions refused(Tag tag);
  Actions sentinel_answer(LinkId link, std::optional<Primary> primary, const std::string& errors);
  Actions timer_fired(Timer timer, std::uint64_t token, Clock::time_point now);

  bool ready() const { return phase_ == Phase::ready; }
  bool stopped() const { return phase_ == Phase::stopped; }
  bool subscriber() const { return subscriber_; }
  const LinkOptions& options() const { return options_; }
  std::chrono::milliseconds effective_health_timeout() const;

 private:
  enum class Phase {
    idle,
    discovering,  // asking the sentinels
    resolving,
    setup,        // open; setup commands under way
    subscribing,  // subscriber: the first SUBSCRIBE under way
    ready,
    backoff,
    stopped
  };
  enum class Kind : std::uint8_t { setup = 1, role, health, user, wait, push, probe };
  struct Pending {              // a caller's command sent on the live link
    bool waits = false;         // delivered with its batch's WAIT (a write, when wait_replicas > 0)
    bool unreplicated = false;  // a write sent while the replicas are short: no WAIT covers it
    bool answered = false;
    boost::system::error_code ec;
    Reply reply;
  };

  static Tag tag_of(Kind kind, std::uint64_t number);
  static Kind kind_of(Tag tag);
  static std::uint64_t number_of(Tag tag);

  void connect();
  void connect_to(const std::string& host, unsigned short port);
  void send_setup();
  void send_subscribe(std::vector<std::string> channels);
  void become_ready(Clock::time_point now);
  void fail(const std::string& reason);
  void teardown(const std::string& cause);
  void arm(Timer timer, std::chrono::milliseconds delay);
  void track_sent(Clock::time_point now);
  void note_reply(Clock::time_point now);
  void complete(CommandId id, boost::system::error_code ec, Reply reply = {});
  void on_push(const Reply& reply, Clock::time_point now);
  void on_wait_reply(std::uint64_t batch, const Reply* reply);
  bool enough_replicas(const Reply& wait_reply) const;
  void note_replicas(const Reply& wait_reply, std::chrono::milliseconds waited);
  void send_probe(Clock::time_point now);
  std::chrono::milliseconds probe_limit() const;  // of the probe under way
  Command wait_command(std::chrono::milliseconds limit) const;
  bool linked() const { return phase_ == Phase::ready || phase_ == Phase::subscribing; }
  bool current(LinkId link) const { return link == link_ && phase_ != Phase::stopped; }
  Actions take();

  LinkOptions options_;
  Actions out_;  // actions of the event being handled
  Phase phase_ = Phase::idle;
  LinkId link_ = 0;  // the link (or lookup) of now; every event names its own
  std::uint64_t timer_tokens_[3] = {0, 0, 0};
  std::chrono::milliseconds backoff_;
  std::string target_;  // host:port being connected, for messages
  unsigned short port_ = 0;
  std::size_t sentinel_good_ = 0;
  std::size_t next_node_ = 0;  // a cluster URL's node to connect to next

  // Setup of the link under way: its steps and how many have answered.
  std::vector<std::vector<std::string>> steps_;
  std::optional<std::size_t> role_step_;
  std::size_t steps_done_ = 0;

  // Health accounting on the live link: replies awaited (user commands, WAITs, health checks)
  // and when the last reply came (or waiting began).
  bool health_outstanding_ = false;
  std::size_t outstanding_ = 0;
  Clock::time_point progress_at_{};

  // Callers' commands on the live link, by id; with WAIT, answered ones wait for their batch.
  std::map<CommandId, Pending> pending_;
  std::vector<CommandId> open_batch_;                        // sent since the last WAIT
  std::map<std::uint64_t, std::vector<CommandId>> waiting_;  // WAIT sent, by batch number
  std::uint64_t batches_ = 0;
  // The last WAIT answered said fewer replicas than wait_replicas; a probe WAIT is under way.
  bool replicas_short_ = false;
  bool probe_outstanding_ = false;
  int probes_ = 0;  // sent on this link

  bool subscriber_ = false;
  std::set<std::string> channels_;
};

}  // namespace rollcall::redis
