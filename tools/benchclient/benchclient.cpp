// rollcall-benchclient: the load clients of tools/bench, one io_context on one thread.
//
//   rollcall-benchclient displays --port P --target PATH --format rollcall|raw --steps N1,N2,...
//       [--host H] [--bind ADDR] [--measure-s S] [--warmup-s S] [--server-pid PID] [--parallel K]
//       [--open-timeout-s S] [--publish-redis PORT --publish-event E --publish-keys K
//       --publish-ms MS] [--report F]
//     Opens display WebSockets in steps (1,000 then 5,000 then 10,000, ...); at each step, once
//     all are open (within --open-timeout-s, 120 by default) and a warm-up has passed, measures
//     for S seconds: messages and bytes
//     received, delivery latency (receive time minus the send time the server wrote into the
//     message: rollcall's Totals.as_of, or the first 8 bytes of a `raw` message as a
//     little-endian double of microseconds since the epoch), and, when --server-pid is given,
//     the server's CPU seconds (utime+stime from /proc/PID/stat, and stime alone) and resident
//     memory.
//     --publish-redis makes it also publish a synthetic change notice of K counters every MS
//     milliseconds to the event's change channel (one EVAL in Redis that raises the event's
//     seq), so that every rollcall display tick carries an update of a chosen size.
//
//   rollcall-benchclient beacons --port P --event E --count N [--host H] [--bind ADDR]
//       [--prefix P] [--parallel K] [--hold-s S] [--report F]
//     Opens N presence beacon sockets (/v1/online?event=E&participant=PREFIXi), bound to the
//     local address ADDR (IP_BIND_ADDRESS_NO_PORT, so ports are shared across destinations), or
//     with ADDR/16 (e.g. 127.2.0.0/16) to one address of that network per connection, holds
//     them S seconds (or until SIGTERM/SIGINT), then exits. Displays take --bind too.
//
// Exit codes: 0 done, 1 failure (one line on stderr), 2 bad usage. A run that measured nothing is
// a failure: a connection refused by the server (its HTTP status and reason are named), a display
// step that received no message, beacons that did not all open. The report is written anyway,
// with the causes under "problems", so that tools/bench can name them.
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> g_args;

std::string arg(const std::string& name, const std::string& fallback = "") {
  auto it = g_args.find(name);
  return it == g_args.end() ? fallback : it->second;
}
long arg_int(const std::string& name, long fallback) {
  auto it = g_args.find(name);
  return it == g_args.end() ? fallback : std::stol(it->second);
}
double arg_double(const std::string& name, double fallback) {
  auto it = g_args.find(name);
  return it == g_args.end() ? fallback : std::stod(it->second);
}

double wall_us() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A process's CPU seconds from /proc/PID/stat: utime+stime, and stime alone (the kernel's part:
// with tick accounting it includes the loopback delivery done in the process's sends); -1 when
// unreadable.
struct CpuTimes {
  double total = -1;
  double system = -1;
};
CpuTimes cpu_times(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(text.substr(close + 2));
  std::vector<std::string> fields;
  std::string field;
  while (rest >> field) fields.push_back(field);
  // After "pid (comm) ": state is field 3, utime 14, stime 15 (1-based) -> index 11, 12 here.
  if (fields.size() < 13) return {};
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double user = std::stod(fields[11]) / ticks;
  const double system = std::stod(fields[12]) / ticks;
  return {user + system, system};
}
double cpu_seconds(long pid) {
  return cpu_times(pid).total;
}
long rss_kib(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// --- a tiny protobuf wire reader: DisplayMessage.update(2).totals(2).as_of(3) -------------
bool varint(const unsigned char*& p, const unsigned char* end, std::uint64_t* out) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const auto b = *p++;
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}
// Finds length-delimited field `number` in [p, end); returns its bytes.
bool sub_message(const unsigned char* p, const unsigned char* end, unsigned number,
                 const unsigned char** begin_out, const unsigned char** end_out) {
  while (p < end) {
    std::uint64_t key = 0, value = 0;
    if (!varint(p, end, &key)) return false;
    const auto wire = key & 7;
    const auto field = key >> 3;
    if (wire == 0) {
      if (!varint(p, end, &value)) return false;
    } else if (wire == 2) {
      if (!varint(p, end, &value) || value > static_cast<std::uint64_t>(end - p)) return false;
      if (field == number) {
        *begin_out = p;
        *end_out = p + value;
        return true;
      }
      p += value;
    } else if (wire == 1) {
      p += 8;
    } else if (wire == 5) {
      p += 4;
    } else {
      return false;
    }
  }
  return false;
}
// Send time in microseconds since the epoch of a rollcall DisplayMessage update (0: none; -1:
// a snapshot).
double rollcall_sent_us(const unsigned char* p, std::size_t size) {
  const unsigned char *b = nullptr, *e = nullptr;
  const unsigned char* end = p + size;
  if (!sub_message(p, end, 2, &b, &e)) {
    const unsigned char *sb = nullptr, *se = nullptr;
    return sub_message(p, end, 1, &sb, &se) ? -1 : 0;
  }
  const unsigned char *tb = nullptr, *te = nullptr;
  if (!sub_message(b, e, 2, &tb, &te)) return 0;
  const unsigned char *ab = nullptr, *ae = nullptr;
  if (!sub_message(tb, te, 3, &ab, &ae)) return 0;
  std::uint64_t seconds = 0, nanos = 0;
  while (ab < ae) {
    std::uint64_t key = 0, value = 0;
    if (!varint(ab, ae, &key) || (key & 7) != 0 || !varint(ab, ae, &value)) return 0;
    if ((key >> 3) == 1) seconds = value;
    if ((key >> 3) == 2) nanos = value;
  }
  return static_cast<double>(seconds) * 1e6 + static_cast<double>(nanos) / 1e3;
}

struct Percentiles {
  std::size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};
Percentiles percentiles(std::vector<float>& samples_ms) {
  Percentiles out;
  out.count = samples_ms.size();
  if (samples_ms.empty()) return out;
  std::sort(samples_ms.begin(), samples_ms.end());
  auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * samples_ms.size()));
    return samples_ms[std::min(samples_ms.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  out.p50 = at(0.5);
  out.p90 = at(0.9);
  out.p99 = at(0.99);
  out.p999 = at(0.999);
  out.max = samples_ms.back();
  double sum = 0;
  for (auto v : samples_ms) sum += v;
  out.mean = sum / samples_ms.size();
  return out;
}

// A JSON string literal of at most `limit` bytes of `text` (server replies end up in reports).
std::string json_string(std::string_view text, std::size_t limit = 300) {
  std::string out = "\"";
  for (const char c : text.substr(0, limit)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string fmt(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", v);
  return text;
}

std::vector<long> parse_list(const std::string& text) {
  std::vector<long> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(std::stol(item));
  }
  return out;
}

void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// ------------------------------------------------------------------------------------------
// The WebSocket swarm shared by both modes.
class Swarm {
 public:
  struct Conn {
    explicit Conn(asio::io_context& io) : ws(io) {}
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    websocket::response_type response;  // the upgrade's answer: its status when refused
    bool open = false;
  };

  Swarm(asio::io_context& io, std::string host, unsigned short port, std::string bind,
        bool raw_format, int parallel)
      : io_(io),
        host_(std::move(host)),
        endpoint_(asio::ip::make_address(host_), port),
        bind_(std::move(bind)),
        raw_(raw_format),
        parallel_(std::max(1, parallel)) {}

  // Queue `count` more connections to `target_of(i)`.
  void open(long count, std::function<std::string(long)> target_of) {
    for (long i = 0; i < count; ++i) {
      queue_.emplace_back(next_index_, target_of(next_index_));
      ++next_index_;
    }
    pump();
  }

  long opened() const { return opened_; }
  long failed() const { return failed_; }
  // Connections the server refused: an HTTP status instead of an upgrade, or a close code of
  // refusal right after it (4401, 4403, 1008, 1013).
  long refused() const { return refused_; }
  long closed() const { return closed_; }
  long wanted() const { return next_index_; }
  const std::string& first_error() const { return first_error_; }

  // Measurement state for display mode.
  bool measuring = false;
  long messages = 0, updates = 0, snapshots = 0, unstamped = 0;
  double bytes = 0;
  std::vector<float> latency_ms;

  void close_all() {
    for (auto& c : conns_) {
      beast::error_code ignored;
      beast::get_lowest_layer(c->ws).socket().close(ignored);
    }
  }

 private:
  void fail(const std::string& what, const beast::error_code& ec) {
    ++failed_;
    --in_flight_;
    if (first_error_.empty()) first_error_ = what + ": " + ec.message();
    pump();
  }

  void refuse(const websocket::response_type& response) {
    ++refused_;
    if (first_error_.empty()) {
      first_error_ = "refused by the server: HTTP " + std::to_string(response.result_int()) + " " +
                     std::string(response.reason()) + ": " + response.body().substr(0, 200);
    }
    ++failed_;
    --in_flight_;
    pump();
  }

  void pump() {
    while (in_flight_ < parallel_ && !queue_.empty()) {
      auto [index, target] = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
      start(index, std::move(target));
    }
  }

  // The local address of connection `index`: --bind ADDR, or with ADDR/16 one address of that
  // network per connection. Thousands of connections from one address to one server make the
  // kernel search for a free port on every connect (__inet_hash_connect), which cost this
  // client most of its CPU in a join storm.
  asio::ip::address_v4 source(long index) const {
    const auto slash = bind_.find('/');
    const auto base = asio::ip::make_address_v4(bind_.substr(0, slash));
    if (slash == std::string::npos) return base;
    return asio::ip::address_v4(base.to_uint() + 1 + static_cast<std::uint32_t>(index % 65000));
  }

  void start(long index, std::string target) {
    conns_.push_back(std::make_unique<Conn>(io_));
    auto* c = conns_.back().get();
    auto& stream = beast::get_lowest_layer(c->ws);
    if (!bind_.empty()) {
      beast::error_code ec;
      auto& socket = stream.socket();
      socket.open(tcp::v4(), ec);
      if (!ec) {
        int one = 1;
        ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        socket.bind(tcp::endpoint(source(index), 0), ec);
      }
      if (ec) return fail("bind " + bind_, ec);
    }
    stream.expires_after(std::chrono::seconds(60));
    stream.async_connect(endpoint_, [this, c, target](beast::error_code ec) {
      if (ec) return fail("connect", ec);
      if (!arg("token").empty()) {  // the gateway's access token (display or platform role)
        c->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
          r.set(beast::http::field::authorization, "Bearer " + arg("token"));
        }));
      }
      c->ws.async_handshake(c->response, host_, target, [this, c](beast::error_code ec) {
        beast::get_lowest_layer(c->ws).expires_never();
        if (ec && c->response.result_int() != 0) return refuse(c->response);
        if (ec) return fail("handshake", ec);
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(30);
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        c->ws.set_option(t);
        c->ws.read_message_max(16 * 1024 * 1024);
        c->open = true;
        ++opened_;
        --in_flight_;
        read(c);
        pump();
      });
    });
  }

  void read(Conn* c) {
    c->ws.async_read(c->buffer, [this, c](beast::error_code ec, std::size_t size) {
      if (ec) {
        if (c->open) ++closed_;
        c->open = false;
        // The gateway refuses a token after the upgrade, with a close code of its own (4401
        // missing or wrong token, 4403 wrong role) or 1008/1013 (unknown event, Redis down).
        const auto code = static_cast<int>(c->ws.reason().code);
        if (ec == websocket::error::closed && (code >= 4000 || code == 1008 || code == 1013)) {
          ++refused_;
          if (first_error_.empty()) {
            first_error_ = "closed by the server with code " + std::to_string(code) + ": " +
                           std::string(c->ws.reason().reason.c_str());
          }
        }
        return;
      }
      if (measuring) on_message(c, size);
      c->buffer.consume(c->buffer.size());
      read(c);
    });
  }

  void on_message(Conn* c, std::size_t size) {
    const double now = wall_us();
    ++messages;
    bytes += static_cast<double>(size);
    const auto data = c->buffer.cdata();
    const auto* p = static_cast<const unsigned char*>(data.data());
    double sent = 0;
    if (raw_) {
      if (data.size() >= 8) std::memcpy(&sent, p, 8);
    } else {
      sent = rollcall_sent_us(p, data.size());
      if (sent < 0) {
        ++snapshots;
        return;
      }
    }
    if (sent <= 0) {
      ++unstamped;
      return;
    }
    ++updates;
    latency_ms.push_back(static_cast<float>((now - sent) / 1000.0));
  }

  asio::io_context& io_;
  std::string host_;
  tcp::endpoint endpoint_;
  std::string bind_;
  bool raw_;
  int parallel_;
  std::deque<std::pair<long, std::string>> queue_;
  std::vector<std::unique_ptr<Conn>> conns_;
  long next_index_ = 0, in_flight_ = 0, opened_ = 0, failed_ = 0, refused_ = 0, closed_ = 0;
  std::string first_error_;
};

// Runs the io_context until done() or the deadline; returns done().
template <class Done>
bool run_until(asio::io_context& io, Done done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    io.run_for(std::chrono::milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return true;
}

// A Redis connection that publishes one synthetic change notice every period (display mode). It
// runs on a thread of its own at a fixed rate: on the displays' thread, a burst of reads would
// delay it and the server would be measured sending fewer updates than were due.
class Publisher {
 public:
  Publisher(unsigned short port, std::string event, int keys, std::chrono::milliseconds period)
      : work_(io_.get_executor()),
        socket_(io_),
        timer_(io_),
        event_(std::move(event)),
        keys_(keys),
        period_(period) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    read();
    timer_.expires_after(std::chrono::milliseconds(0));
    tick();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Publisher() {
    io_.stop();
    thread_.join();
  }
  long published() const { return published_; }

 private:
  static std::string resp(const std::vector<std::string>& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    return out;
  }
  void tick() {
    // Raise the seq and publish {"seq":N,"set":{"onsite:country:AA":N,...}} in one step, as
    // the real functions do; the counters hash follows, so a reload agrees with the notices.
    static const char* script =
        "local s = redis.call('INCR', KEYS[1] .. ':seq') "
        "local set = {} "
        "for i = 0, tonumber(ARGV[1]) - 1 do "
        "  local name = 'onsite:country:' .. string.char(65 + math.floor(i / 26) % 26, 65 + i % "
        "26) "
        "  set[name] = s "
        "  redis.call('HSET', KEYS[1] .. ':counters', name, s) "
        "end "
        "redis.call('PUBLISH', KEYS[1] .. ':changes', cjson.encode({seq = s, set = set})) "
        "return s";
    auto command = std::make_shared<std::string>(
        resp({"EVAL", script, "1", "{" + event_ + "}", std::to_string(keys_)}));
    asio::async_write(socket_, asio::buffer(*command),
                      [command](boost::system::error_code, std::size_t) {});
    ++published_;
    timer_.expires_at(timer_.expiry() + period_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }
  void read() {
    socket_.async_read_some(asio::buffer(sink_), [this](boost::system::error_code ec, std::size_t) {
      if (!ec) read();
    });
  }
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::string event_;
  int keys_;
  std::chrono::milliseconds period_;
  char sink_[4096];
  std::atomic<long> published_{0};
  std::thread thread_;
};

int run_displays() {
  asio::io_context io(1);
  const auto steps = parse_list(arg("steps", "1000"));
  const bool raw = arg("format", "rollcall") == "raw";
  const long pid = arg_int("server-pid", 0);
  const double measure_s = arg_double("measure-s", 8);
  const double warmup_s = arg_double("warmup-s", 2);
  const std::string target = arg("target", "/");
  Swarm swarm(io, arg("host", "127.0.0.1"), static_cast<unsigned short>(arg_int("port", 0)),
              arg("bind", ""), raw, static_cast<int>(arg_int("parallel", 500)));
  std::unique_ptr<Publisher> publisher;
  if (!arg("publish-redis").empty()) {
    publisher = std::make_unique<Publisher>(
        static_cast<unsigned short>(std::stol(arg("publish-redis"))), arg("publish-event"),
        static_cast<int>(arg_int("publish-keys", 220)),
        std::chrono::milliseconds(arg_int("publish-ms", 100)));
  }
  const long rss_before = pid ? rss_kib(pid) : -1;
  std::ostringstream report;
  report << "{\"mode\":\"displays\",\"format\":\"" << (raw ? "raw" : "rollcall")
         << "\",\"server_rss_kib_before\":" << rss_before << ",\"steps\":[";
  bool first_step = true;
  std::vector<std::string> problems;  // why this run measured less than it should
  const auto open_timeout =
      std::chrono::seconds(static_cast<long>(arg_double("open-timeout-s", 120)));
  for (const auto step : steps) {
    const auto connect_start = Clock::now();
    swarm.open(step - swarm.wanted(), [&](long) { return target; });
    const bool all = run_until(
        io, [&] { return swarm.opened() + swarm.failed() >= swarm.wanted(); }, open_timeout);
    const double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();
    std::cerr << "benchclient: " << swarm.opened() << " displays open (" << swarm.failed()
              << " failed) in " << connect_s << " s\n";
    if (swarm.refused() > 0) {
      problems.push_back(std::to_string(swarm.refused()) + " of " + std::to_string(swarm.wanted()) +
                         " displays " + swarm.first_error());
      break;  // measuring displays that were turned away would report nothing
    }
    if (!all || swarm.opened() == 0) {
      problems.push_back("displays did not open (" + std::to_string(swarm.opened()) + " of " +
                         std::to_string(swarm.wanted()) + "): " + swarm.first_error());
      break;
    }
    if (swarm.failed() > 0) {
      problems.push_back(std::to_string(swarm.failed()) + " of " + std::to_string(swarm.wanted()) +
                         " displays never connected: " + swarm.first_error());
    }
    run_until(
        io, [] { return false; }, std::chrono::milliseconds(static_cast<long>(warmup_s * 1000)));
    if (swarm.refused() > 0) {
      // The others are likely refused too, some later (unknown tokens are answered slowly).
      run_until(
          io, [&] { return swarm.refused() >= swarm.opened(); }, std::chrono::seconds(3));
      problems.push_back(std::to_string(swarm.refused()) + " of " + std::to_string(swarm.wanted()) +
                         " displays " + swarm.first_error());
      break;
    }
    swarm.measuring = true;
    swarm.messages = swarm.updates = swarm.snapshots = swarm.unstamped = 0;
    swarm.bytes = 0;
    swarm.latency_ms.clear();
    swarm.latency_ms.reserve(static_cast<std::size_t>(step * measure_s * 12));
    const long closed_before = swarm.closed();
    const CpuTimes cpu0 = pid ? cpu_times(pid) : CpuTimes{};
    const double own0 = cpu_seconds(::getpid());
    const auto t0 = Clock::now();
    run_until(
        io, [] { return false; }, std::chrono::milliseconds(static_cast<long>(measure_s * 1000)));
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    const CpuTimes cpu1 = pid ? cpu_times(pid) : CpuTimes{};
    // The client's own share of its CPU: near 1, it (not the server) sets how much arrives.
    const double own_share = (cpu_seconds(::getpid()) - own0) / elapsed;
    const long rss = pid ? rss_kib(pid) : -1;
    swarm.measuring = false;
    auto p = percentiles(swarm.latency_ms);
    const double cpu = cpu1.total - cpu0.total;
    const double system = cpu1.system - cpu0.system;
    const double per_million = swarm.messages > 0 ? cpu / swarm.messages * 1e6 : 0;
    const double system_per_million = swarm.messages > 0 ? system / swarm.messages * 1e6 : 0;
    const double rss_per_conn =
        (rss >= 0 && rss_before >= 0) ? (rss - rss_before) * 1.0 / swarm.opened() : -1;
    if (!first_step) report << ",";
    first_step = false;
    report << "{\"connections\":" << swarm.opened() << ",\"failed\":" << swarm.failed()
           << ",\"closed_during\":" << (swarm.closed() - closed_before)
           << ",\"connect_seconds\":" << fmt(connect_s) << ",\"measure_seconds\":" << fmt(elapsed)
           << ",\"messages\":" << swarm.messages << ",\"updates\":" << swarm.updates
           << ",\"snapshots\":" << swarm.snapshots << ",\"unstamped\":" << swarm.unstamped
           << ",\"messages_per_second\":" << fmt(swarm.messages / elapsed)
           << ",\"expected_per_second\":" << fmt(swarm.opened() * 10.0)
           << ",\"mean_message_bytes\":" << fmt(swarm.messages ? swarm.bytes / swarm.messages : 0)
           << ",\"delivery_ms\":{\"count\":" << p.count << ",\"p50\":" << fmt(p.p50)
           << ",\"p90\":" << fmt(p.p90) << ",\"p99\":" << fmt(p.p99) << ",\"p999\":" << fmt(p.p999)
           << ",\"max\":" << fmt(p.max) << ",\"mean\":" << fmt(p.mean) << "}"
           << ",\"client_cpu_share\":" << fmt(own_share) << ",\"server_cpu_seconds\":" << fmt(cpu)
           << ",\"server_cpu_seconds_per_million_messages\":" << fmt(per_million)
           << ",\"server_system_cpu_seconds\":" << fmt(system)
           << ",\"server_system_cpu_seconds_per_million_messages\":" << fmt(system_per_million)
           << ",\"server_rss_kib\":" << rss
           << ",\"server_rss_kib_per_connection\":" << fmt(rss_per_conn) << "}";
    if (swarm.messages == 0) {
      problems.push_back("step " + std::to_string(swarm.opened()) + ": 0 messages received in " +
                         fmt(elapsed) + " s");
    }
    std::cerr << "benchclient: step " << swarm.opened() << ": " << swarm.messages
              << " messages, p50 " << p.p50 << " ms, p99 " << p.p99 << " ms, cpu/M " << per_million
              << " s, rss/conn " << rss_per_conn << " KiB\n";
  }
  report << "],\"published\":" << (publisher ? publisher->published() : 0) << ",\"problems\":[";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    report << (i ? "," : "") << json_string(problems[i]);
  }
  report << "]}";
  swarm.close_all();
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(300));
  const auto text = report.str();
  std::cout << text << "\n";
  if (!arg("report").empty()) {
    std::ofstream out(arg("report"));
    out << text << "\n";
  }
  for (const auto& problem : problems) std::cerr << "benchclient: " << problem << "\n";
  return problems.empty() ? 0 : 1;
}

int run_beacons() {
  asio::io_context io(1);
  const long count = arg_int("count", 1000);
  const std::string event = arg("event", "bench");
  const std::string prefix = arg("prefix", "b-");
  Swarm swarm(io, arg("host", "127.0.0.1"), static_cast<unsigned short>(arg_int("port", 0)),
              arg("bind", ""), true, static_cast<int>(arg_int("parallel", 1000)));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stop = false;
  signals.async_wait([&](boost::system::error_code, int) { stop = true; });
  static const char* countries[] = {"CH", "FR", "BR", "JP", "KE", "IN", "EG", "ZA", "US", "NZ"};
  const auto start = Clock::now();
  swarm.open(count, [&](long i) {
    return "/v1/online?event=" + event + "&participant=" + prefix + std::to_string(i) +
           "&platform=bench&country=" + countries[i % 10];
  });
  run_until(
      io, [&] { return stop || swarm.opened() + swarm.failed() >= count; },
      std::chrono::seconds(static_cast<long>(arg_double("open-timeout-s", 120))));
  const double open_s = std::chrono::duration<double>(Clock::now() - start).count();
  // A refusal comes as a close right after the upgrade: wait that long before reporting.
  run_until(
      io, [&] { return stop; }, std::chrono::milliseconds(300));
  auto write_report = [&] {
    std::ostringstream report;
    report << "{\"mode\":\"beacons\",\"wanted\":" << count << ",\"opened\":" << swarm.opened()
           << ",\"failed\":" << swarm.failed() << ",\"open_seconds\":" << fmt(open_s)
           << ",\"refused\":" << swarm.refused() << ",\"closed\":" << swarm.closed()
           << ",\"first_error\":" << json_string(swarm.first_error()) << "}";
    std::cout << report.str() << std::endl;
    if (!arg("report").empty()) {
      std::ofstream out(arg("report"));
      out << report.str() << "\n";
    }
  };
  write_report();
  const auto refused = [&] {
    if (swarm.opened() == count && swarm.refused() == 0) return false;
    std::cerr << "benchclient: " << swarm.opened() << " of " << count << " beacons open ("
              << swarm.refused() << " refused): " << swarm.first_error() << "\n";
    return true;
  };
  if (swarm.opened() == 0 || swarm.refused() == swarm.opened()) {
    refused();
    return 1;  // nothing to hold
  }
  run_until(
      io, [&] { return stop; },
      std::chrono::milliseconds(static_cast<long>(arg_double("hold-s", 60) * 1000)));
  write_report();  // what held: refusals and closes after the first report count too
  swarm.close_all();
  run_until(
      io, [] { return false; }, std::chrono::milliseconds(200));
  return refused() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "Usage: rollcall-benchclient displays|beacons --option value ... "
                 "(see the comment at the top of tools/benchclient/benchclient.cpp)\n";
    return argc < 2 ? 2 : 0;
  }
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0) {
      std::cerr << "rollcall-benchclient: unexpected " << name << "\n";
      return 2;
    }
    g_args[name.substr(2)] = argv[i + 1];
  }
  raise_fd_limit();
  try {
    const std::string mode = argv[1];
    if (mode == "displays") return run_displays();
    if (mode == "beacons") return run_beacons();
  } catch (const std::exception& e) {
    std::cerr << "rollcall-benchclient: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "rollcall-benchclient: mode must be displays or beacons\n";
  return 2;
}
