#include "redis/link_state.h"

#include <algorithm>
#include <utility>

#include "redis/read_only.h"

namespace rollcall::redis {

const std::string LinkState::health_channel = "__rollcall:health";

namespace {

std::string host_port(const std::string& host, unsigned short port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

std::string first_text(const Reply& reply) {
  if (reply.type != Reply::Type::array || reply.elements.empty()) return "?";
  const Reply& first = reply.elements[0];
  return first.type == Reply::Type::integer ? std::to_string(first.integer) : first.str;
}

}  // namespace

LinkState::LinkState(LinkOptions options)
    : options_(std::move(options)), backoff_(options_.backoff_initial) {}

LinkState::Tag LinkState::tag_of(Kind kind, std::uint64_t number) {
  return (static_cast<Tag>(kind) << 56) | (number & ((Tag{1} << 56) - 1));
}

LinkState::Kind LinkState::kind_of(Tag tag) {
  return static_cast<Kind>(tag >> 56);
}

std::uint64_t LinkState::number_of(Tag tag) {
  return tag & ((Tag{1} << 56) - 1);
}

LinkState::Actions LinkState::take() {
  Actions actions = std::move(out_);
  out_.clear();
  return actions;
}

std::chrono::milliseconds LinkState::effective_health_timeout() const {
  if (options_.wait_replicas <= 0) return options_.health_timeout;
  // A WAIT may rightly stay silent for wait_timeout.
  return std::max(options_.health_timeout, options_.wait_timeout + options_.health_interval);
}

// --- owner's events ----------------------------------------------------------------------------

LinkState::Actions LinkState::start() {
  if (phase_ == Phase::idle) connect();
  return take();
}

LinkState::Actions LinkState::stop() {
  if (phase_ == Phase::stopped) return {};
  phase_ = Phase::stopped;
  teardown("stopped");
  out_.push_back(CancelTimer{Timer::retry});
  return take();
}

LinkState::Actions LinkState::exec(CommandId id, Command command, Clock::time_point now) {
  if (subscriber_) {
    out_.push_back(Complete{id, error::subscriber_mode, {}});
  } else if (phase_ != Phase::ready) {
    out_.push_back(Complete{id, error::unavailable, {}});
  } else if (command.empty() || !command.complete()) {
    out_.push_back(Complete{id, error::protocol, {}});
  } else {
    const bool writes = options_.wait_replicas > 0 && !is_read_only(command);
    const bool waits = writes && !replicas_short_;
    pending_.emplace(id, Pending{.waits = waits, .unreplicated = writes && replicas_short_});
    out_.push_back(Send{tag_of(Kind::user, id), std::move(command)});
    track_sent(now);
    if (waits) {
      // Posted: the commands already queued join this batch and share its WAIT.
      if (open_batch_.empty()) out_.push_back(PostFlush{});
      open_batch_.push_back(id);
    }
  }
  return take();
}

LinkState::Actions LinkState::flush(Clock::time_point now) {
  if (open_batch_.empty() || phase_ != Phase::ready) return {};
  const auto batch = ++batches_;
  waiting_[batch] = std::move(open_batch_);
  open_batch_.clear();
  out_.push_back(Send{tag_of(Kind::wait, batch), wait_command(options_.wait_timeout)});
  track_sent(now);
  return take();
}

LinkState::Actions LinkState::enter_subscriber_mode() {
  if (subscriber_) return {};
  subscriber_ = true;
  // A link opened as a command connection is reopened in subscriber mode.
  if (phase_ == Phase::setup || phase_ == Phase::ready || phase_ == Phase::resolving ||
      phase_ == Phase::discovering) {
    teardown("reopening in subscriber mode");
    connect();
  }
  return take();
}

LinkState::Actions LinkState::subscribe(const std::string& channel) {
  const bool added = channels_.insert(channel).second;
  if (!subscriber_) return enter_subscriber_mode();
  // While `subscribing`, the first SUBSCRIBE is already sent without this channel.
  if (added && linked()) send_subscribe({channel});
  return take();
}

LinkState::Actions LinkState::unsubscribe(const std::string& channel) {
  if (channels_.erase(channel) == 0) return {};
  // Its reply comes to the channel's callback, as a push.
  if (subscriber_ && linked())
    out_.push_back(Send{tag_of(Kind::push, 0), Command{"UNSUBSCRIBE", channel}});
  return take();
}

// --- the world's events ------------------------------------------------------------------------

LinkState::Actions LinkState::resolved(LinkId link, std::optional<std::string> address,
                                       const std::string& error) {
  if (!current(link) || phase_ != Phase::resolving) return {};
  if (!address) {
    fail("cannot resolve " + target_ + ": " + error);
  } else {
    phase_ = Phase::setup;
    out_.push_back(Open{link_, std::move(*address), port_});
  }
  return take();
}

LinkState::Actions LinkState::opened(LinkId link) {
  if (!current(link) || phase_ != Phase::setup || steps_done_ != 0) return {};
  send_setup();
  return take();
}

LinkState::Actions LinkState::lost(LinkId link, bool connected, const std::string& detail) {
  if (!current(link)) return {};
  fail(connected ? "connection to " + target_ + " lost: " + detail
                 : "connect to " + target_ + ": " + detail);
  return take();
}

LinkState::Actions LinkState::open_failed(LinkId link, const std::string& reason) {
  if (!current(link)) return {};
  fail("connect to " + target_ + ": " + reason);
  return take();
}

LinkState::Actions LinkState::refused(Tag tag) {
  if (phase_ == Phase::stopped) return {};
  // hiredis refuses only a context on its way out: the loss that says why follows. What a
  // caller waits for fails now; internal commands are covered by the loss (or the timers).
  if (kind_of(tag) == Kind::user) {
    const auto id = number_of(tag);
    if (pending_.erase(id) != 0) {
      std::erase(open_batch_, id);
      if (outstanding_ > 0) --outstanding_;
      complete(id, error::unavailable);
    }
  } else if (kind_of(tag) == Kind::wait) {
    on_wait_reply(number_of(tag), nullptr);
  } else if (kind_of(tag) == Kind::probe) {
    probe_outstanding_ = false;  // the loss follows
  }
  return take();
}

LinkState::Actions LinkState::reply(LinkId link, Tag tag, Reply reply, Clock::time_point now) {
  if (!current(link)) return {};
  const Kind kind = kind_of(tag);
  const auto number = number_of(tag);
  switch (kind) {
    case Kind::setup:
    case Kind::role: {
      if (phase_ != Phase::setup || number != steps_done_) return {};
      ++steps_done_;
      const std::string& name = steps_[number][0];  // never the arguments: AUTH has the password
      if (reply.is_error()) {
        fail("setup command " + name + " failed: " + reply.str);
      } else if (kind == Kind::role && first_text(reply) != "master") {
        // A sentinel's answer may be stale (a failover under way): only a primary will do.
        fail(target_ + " is not the primary (ROLE: " + first_text(reply) +
             "); the sentinels' answer is stale");
      } else if (steps_done_ == steps_.size()) {
        if (subscriber_) {
          // SUBSCRIBE (with the health channel last) is the handshake; its reply makes us ready.
          phase_ = Phase::subscribing;
          std::vector<std::string> channels(channels_.begin(), channels_.end());
          channels.push_back(health_channel);
          send_subscribe(std::move(channels));
        } else {
          become_ready(now);
        }
      }
      break;
    }
    case Kind::health:
      if (phase_ != Phase::ready) return {};
      health_outstanding_ = false;
      note_reply(now);
      break;
    case Kind::user: {
      auto it = pending_.find(number);
      if (it == pending_.end()) return {};
      note_reply(now);
      if (options_.url.sentinel() && reply.is_error() && reply.str.starts_with("READONLY")) {
        // A failover demoted our primary under us: the command was refused, so it is as if the
        // link were down; reconnecting asks the sentinels for the new primary.
        pending_.erase(it);
        std::erase(open_batch_, number);
        complete(number, error::unavailable);
        fail(target_ + " is no longer the primary (READONLY)");
        break;
      }
      if (it->second.waits) {
        it->second.answered = true;
        it->second.reply = std::move(reply);
        break;  // delivered with its batch's WAIT
      }
      const bool unreplicated = it->second.unreplicated && !reply.is_error();
      pending_.erase(it);
      if (unreplicated) {
        complete(number, error::not_replicated);
      } else {
        complete(number, {}, std::move(reply));
      }
      break;
    }
    case Kind::wait:
      if (waiting_.count(number) == 0) return {};
      note_reply(now);
      on_wait_reply(number, &reply);
      break;
    case Kind::probe:
      if (!probe_outstanding_ || phase_ != Phase::ready) return {};
      probe_outstanding_ = false;
      note_reply(now);
      note_replicas(reply, probe_limit());
      break;
    case Kind::push:
      if (linked()) on_push(reply, now);
      break;
  }
  return take();
}

LinkState::Actions LinkState::sentinel_answer(LinkId link, std::optional<Primary> primary,
                                              const std::string& errors) {
  if (!current(link) || phase_ != Phase::discovering) return {};
  out_.push_back(Close{});  // the lookup is done
  if (!primary) {
    fail("no sentinel told the primary of " + options_.url.master_name + ": " + errors);
  } else {
    sentinel_good_ = primary->sentinel;
    connect_to(primary->host, primary->port);
  }
  return take();
}

LinkState::Actions LinkState::timer_fired(Timer timer, std::uint64_t token, Clock::time_point now) {
  // Tokens start at 1: a timer never armed has nothing to fire.
  if (phase_ == Phase::stopped || token == 0 || token != timer_tokens_[static_cast<int>(timer)]) {
    return {};
  }
  switch (timer) {
    case Timer::connect:
      // hiredis 0.14 connects without a timeout; this one covers resolve, connect and setup.
      if (phase_ == Phase::resolving || phase_ == Phase::setup || phase_ == Phase::subscribing) {
        fail("connect to " + target_ + " timed out after " +
             std::to_string(options_.connect_timeout.count()) + " ms");
      }
      break;
    case Timer::retry:
      if (phase_ == Phase::backoff) connect();
      break;
    case Timer::health: {
      if (phase_ != Phase::ready) break;
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - progress_at_);
      if (outstanding_ > 0 && silent >= effective_health_timeout()) {
        fail("health check: no reply from " + target_ + " for " + std::to_string(silent.count()) +
             " ms with " + std::to_string(outstanding_) + " requests outstanding");
        break;
      }
      if (!health_outstanding_) {
        // Something is always outstanding, so a silent server is noticed even on an idle link.
        health_outstanding_ = true;
        track_sent(now);
        if (subscriber_) {
          send_subscribe({health_channel});
        } else {
          out_.push_back(Send{tag_of(Kind::health, 0), Command{"PING"}});
        }
      }
      // While batches are open or waiting, their WAITs will tell.
      if (replicas_short_ && !probe_outstanding_ && open_batch_.empty() && waiting_.empty()) {
        send_probe(now);
      }
      arm(Timer::health, options_.health_interval);
      break;
    }
  }
  return take();
}

// --- the machine -------------------------------------------------------------------------------

void LinkState::connect() {
  if (options_.url.cluster()) {
    // A link to the cluster as a whole (the subscriber: a PUBLISH on any node reaches every
    // node's subscribers) may use any node: each attempt the next one, so a node that died for
    // good is not retried for ever.
    const auto& node = options_.url.nodes[next_node_++ % options_.url.nodes.size()];
    connect_to(node.host, node.port);
    return;
  }
  if (!options_.url.sentinel()) {
    connect_to(options_.url.host, options_.url.port);
    return;
  }
  ++link_;
  phase_ = Phase::discovering;
  out_.push_back(AskSentinels{link_, sentinel_good_});
}

void LinkState::connect_to(const std::string& host, unsigned short port) {
  ++link_;
  phase_ = Phase::resolving;
  health_outstanding_ = false;
  outstanding_ = 0;
  steps_done_ = 0;
  port_ = port;
  target_ = host_port(host, port);
  arm(Timer::connect, options_.connect_timeout);
  // hiredis would resolve names with a blocking getaddrinfo on the io thread.
  out_.push_back(Resolve{link_, host, port});
}

void LinkState::send_setup() {
  // Setup is pipelined (hiredis buffers it until connected); the first error reply aborts.
  steps_.clear();
  role_step_.reset();
  const Url& url = options_.url;
  if (!url.password.empty()) {
    if (url.username.empty()) {
      steps_.push_back({"AUTH", url.password});
    } else {
      steps_.push_back({"AUTH", url.username, url.password});
    }
  }
  if (url.sentinel()) {
    role_step_ = steps_.size();
    steps_.push_back({"ROLE"});
  }
  if (url.db != 0) steps_.push_back({"SELECT", std::to_string(url.db)});
  for (const auto& command : options_.setup) {
    if (!command.empty()) steps_.push_back(command);
  }
  if (steps_.empty()) {
    if (subscriber_) {
      phase_ = Phase::subscribing;
      std::vector<std::string> channels(channels_.begin(), channels_.end());
      channels.push_back(health_channel);
      send_subscribe(std::move(channels));
      return;
    }
    steps_.push_back({"PING"});  // a round trip proves the link before we say ready
  }
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    out_.push_back(Send{tag_of(i == role_step_ ? Kind::role : Kind::setup, i), Command(steps_[i])});
  }
}

void LinkState::send_subscribe(std::vector<std::string> channels) {
  std::vector<std::string> args{"SUBSCRIBE"};
  args.insert(args.end(), channels.begin(), channels.end());
  out_.push_back(Send{tag_of(Kind::push, 0), Command(args)});
}

void LinkState::become_ready(Clock::time_point now) {
  out_.push_back(CancelTimer{Timer::connect});
  ++timer_tokens_[static_cast<int>(Timer::connect)];
  phase_ = Phase::ready;
  backoff_ = options_.backoff_initial;
  health_outstanding_ = false;
  outstanding_ = 0;
  progress_at_ = now;
  // A new link (maybe to a new primary) starts trusting its replicas (teardown reset them): the
  // first WAIT tells.
  probes_ = 0;
  out_.push_back(SetError{""});
  out_.push_back(Notify{true, ""});
  arm(Timer::health, options_.health_interval);
}

void LinkState::fail(const std::string& reason) {
  out_.push_back(SetError{reason});
  teardown(reason);
  if (phase_ == Phase::stopped) return;
  phase_ = Phase::backoff;
  arm(Timer::retry, backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
}

void LinkState::teardown(const std::string& cause) {
  const bool notify = phase_ == Phase::ready;
  for (Timer timer : {Timer::connect, Timer::health}) {
    out_.push_back(CancelTimer{timer});
    ++timer_tokens_[static_cast<int>(timer)];
  }
  out_.push_back(Close{});
  ++link_;  // whatever the old link still says is stale from now on
  if (phase_ != Phase::stopped) phase_ = Phase::backoff;
  outstanding_ = 0;
  health_outstanding_ = false;
  if (replicas_short_) {
    // The next link starts trusting its replicas (its first WAIT tells): so does the report.
    replicas_short_ = false;
    out_.push_back(Replicas{true, target_ + ": link closed while the replicas were short"});
  }
  probe_outstanding_ = false;
  // The link is gone with its commands: none of them is answered any more.
  auto pending = std::move(pending_);
  pending_.clear();
  open_batch_.clear();
  waiting_.clear();
  for (auto& [id, command] : pending) complete(id, error::unavailable);
  if (notify) out_.push_back(Notify{false, cause});
}

void LinkState::arm(Timer timer, std::chrono::milliseconds delay) {
  out_.push_back(ArmTimer{timer, delay, ++timer_tokens_[static_cast<int>(timer)]});
}

void LinkState::track_sent(Clock::time_point now) {
  if (outstanding_ == 0) progress_at_ = now;
  ++outstanding_;
}

void LinkState::note_reply(Clock::time_point now) {
  progress_at_ = now;
  if (outstanding_ > 0) --outstanding_;
}

void LinkState::complete(CommandId id, boost::system::error_code ec, Reply reply) {
  out_.push_back(Complete{id, ec, std::move(reply)});
}

void LinkState::on_wait_reply(std::uint64_t batch, const Reply* wait_reply) {
  auto it = waiting_.find(batch);
  if (it == waiting_.end()) return;
  auto ids = std::move(it->second);
  waiting_.erase(it);
  const bool replicated = wait_reply != nullptr && enough_replicas(*wait_reply);
  if (wait_reply != nullptr) note_replicas(*wait_reply, options_.wait_timeout);
  for (CommandId id : ids) {
    auto found = pending_.find(id);
    if (found == pending_.end()) continue;  // already completed (READONLY)
    Pending command = std::move(found->second);
    pending_.erase(found);
    boost::system::error_code ec = command.answered ? command.ec : error::unavailable;
    // Nothing to replicate when the command itself failed: its error reply goes as it is.
    if (!ec && !command.reply.is_error() && !replicated) {
      ec = wait_reply == nullptr ? error::unavailable : error::not_replicated;
    }
    complete(id, ec, ec ? Reply{} : std::move(command.reply));
  }
}

bool LinkState::enough_replicas(const Reply& wait_reply) const {
  return wait_reply.type == Reply::Type::integer && wait_reply.integer >= options_.wait_replicas;
}

void LinkState::note_replicas(const Reply& wait_reply, std::chrono::milliseconds waited) {
  const bool enough = enough_replicas(wait_reply);
  if (enough != replicas_short_) return;
  replicas_short_ = !enough;
  const std::string answer = wait_reply.type == Reply::Type::integer
                                 ? std::to_string(wait_reply.integer)
                                 : wait_reply.str.substr(0, 120);
  out_.push_back(Replicas{enough, target_ + ": WAIT " + std::to_string(options_.wait_replicas) +
                                      " " + std::to_string(waited.count()) + " answered " +
                                      answer});
}

void LinkState::send_probe(Clock::time_point now) {
  // Short: a WAIT for every batch would hold the link (and every read behind it) for
  // wait_timeout while the replicas stay away.
  probe_outstanding_ = true;
  ++probes_;
  out_.push_back(Send{tag_of(Kind::probe, 0), wait_command(probe_limit())});
  track_sent(now);
}

std::chrono::milliseconds LinkState::probe_limit() const {
  // probes_ counts the probe under way (only one is, at a time).
  return probes_ % long_probe_every == 0 ? options_.wait_timeout
                                         : std::min(options_.wait_timeout, probe_wait_limit);
}

Command LinkState::wait_command(std::chrono::milliseconds limit) const {
  const auto timeout = std::max<long long>(1, limit.count());  // 0 would wait for ever
  return Command::of(3).arg("WAIT").number(options_.wait_replicas).number(timeout);
}

void LinkState::on_push(const Reply& reply, Clock::time_point now) {
  // Any push proves the link alive (messages may queue ahead of the health SUBSCRIBE's reply).
  progress_at_ = now;
  if (reply.type != Reply::Type::array || reply.elements.size() < 2) return;
  const Reply& kind = reply.elements[0];
  const Reply& name = reply.elements[1];
  if (kind.type != Reply::Type::string || name.type != Reply::Type::string) return;
  if (kind.str == "message" && reply.elements.size() >= 3 &&
      reply.elements[2].type == Reply::Type::string) {
    out_.push_back(Deliver{name.str, reply.elements[2].str});
  } else if (kind.str == "subscribe" && name.str == health_channel) {
    if (health_outstanding_) {
      health_outstanding_ = false;
      note_reply(now);
    }
    // Channels are subscribed in one command with the health channel last, so this confirms
    // them all: messages published from now on reach us.
    if (phase_ == Phase::subscribing) become_ready(now);
  }
}

}  // namespace rollcall::redis
