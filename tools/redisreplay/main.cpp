// rollcall-redis-replay: tools/bench's ingest baseline. Sends recorded commands (one JSON array of
// arguments per line, as tools/bench reads them from MONITOR while the gateway runs) to Redis on
// one connection, --depth at a time: a batch is written, all its replies are read, then the next
// batch goes. That is `redis-benchmark -c 1 -P N`, with the gateway's own commands in place of one
// repeated command, so that Redis does the same work in the baseline as behind the gateway.
// Prints {"calls","seconds","calls_per_second","depth"} as one JSON line.
// Exit codes: 0 measured, 1 Redis refused a command or the connection failed (the baseline would
// measure something else), 2 bad usage or input.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "redis/command.h"
#include "redis/sigpipe_guard.h"
#include "redis/url.h"
#include "tools/cli/command_line.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kName = "rollcall-redis-replay";
constexpr std::size_t kShown = 200;  // of a refusal's text, never more

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

int failure(const std::string& why) {
  std::cerr << kName << ": " << why << "\n";
  return 1;
}

// The commands of FILE, formatted once before anything is timed; an empty optional and *why
// when a line is not a non-empty JSON array of strings.
std::optional<std::vector<rollcall::redis::Command>> read_commands(const std::string& path,
                                                                   std::string* why) {
  std::ifstream in(path);
  if (!in) {
    *why = "cannot read " + path;
    return std::nullopt;
  }
  std::vector<rollcall::redis::Command> commands;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    boost::system::error_code error;
    const auto value = boost::json::parse(line, error);
    const auto* args = value.if_array();
    bool strings = args != nullptr && !args->empty();
    for (std::size_t i = 0; strings && i < args->size(); ++i) strings = (*args)[i].is_string();
    if (error || !strings) {
      *why = path + " line " + std::to_string(number) + " is not a JSON array of strings";
      return std::nullopt;
    }
    auto command = rollcall::redis::Command::of(args->size(), line.size());
    for (const auto& arg : *args) command.arg(arg.get_string());
    commands.push_back(std::move(command));
  }
  return commands;
}

// Writes commands[begin, end) at once, then reads all their replies (so that the connection
// stays in step); the first refusal, bounded, goes to *refused. False when the connection failed.
bool exchange(redisContext* context, const std::vector<rollcall::redis::Command>& commands,
              std::size_t begin, std::size_t end, std::string* refused) {
  for (std::size_t i = begin; i < end; ++i) {
    const auto bytes = commands[i].bytes();
    if (redisAppendFormattedCommand(context, bytes.data(), bytes.size()) != REDIS_OK) return false;
  }
  for (std::size_t i = begin; i < end; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK) return false;
    auto* reply = static_cast<redisReply*>(raw);
    if (reply->type == REDIS_REPLY_ERROR && refused->empty()) {
      *refused = "command " + std::to_string(i + 1) + " (" +
                 std::string(commands[i].name().substr(0, kShown)) +
                 ") refused: " + std::string(reply->str, std::min<std::size_t>(reply->len, kShown));
    }
    freeReplyObject(reply);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-redis-replay --redis URL --commands FILE [--depth N]\n\n"
      "Sends FILE's commands (one JSON array of arguments per line) to Redis, N at a time, each\n"
      "batch's replies read before the next batch is written, and prints how fast.\n\nOptions",
      100, 50);
  std::string url_text, path;
  std::size_t depth = 32;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("redis", po::value(&url_text)->value_name("URL"), "redis://HOST:PORT[/DB] (required)")
    ("commands", po::value(&path)->value_name("FILE"), "the commands (required)")
    ("depth", po::value(&depth)->value_name("N")->default_value(32), "commands per batch");
  // clang-format on
  po::variables_map vm;
  if (auto stop =
          rollcall::tools::cli::parse_command_line(kName, argc, argv, described, described, &vm)) {
    return *stop;
  }
  if (url_text.empty() || path.empty()) return usage_error("--redis and --commands are required");
  if (depth < 1 || depth > 100000) return usage_error("--depth must be 1..100000");
  std::string why;
  const auto url = rollcall::redis::Url::parse(url_text, &why);
  if (!url || url->sentinel() || url->cluster()) {
    return usage_error("--redis wants one server's redis:// URL" + (why.empty() ? "" : ": " + why));
  }
  const auto commands = read_commands(path, &why);
  if (!commands) return usage_error(why);
  if (commands->empty()) return usage_error(path + " holds no command: nothing to measure");

  std::unique_ptr<redisContext, decltype(&redisFree)> context(
      redisConnect(url->host.c_str(), url->port), &redisFree);
  if (!context || context->err) {
    return failure("cannot connect to redis at " + url->where() +
                   (context ? std::string(": ") + context->errstr : std::string()));
  }
  // AUTH and SELECT, as the URL asks, before the clock starts.
  std::vector<rollcall::redis::Command> setup;
  if (!url->password.empty()) {
    setup.push_back(url->username.empty()
                        ? rollcall::redis::Command{"AUTH", url->password}
                        : rollcall::redis::Command{"AUTH", url->username, url->password});
  }
  if (url->db != 0) setup.push_back({"SELECT", std::to_string(url->db)});
  std::string refused;
  // Redis closing the connection mid-batch is reported as a failure, not a death by SIGPIPE.
  std::optional<rollcall::redis::SigpipeGuard> no_sigpipe(std::in_place);
  if (!exchange(context.get(), setup, 0, setup.size(), &refused)) {
    return failure("redis at " + url->where() + ": " + context->errstr);
  }
  if (!refused.empty()) return failure("setting up the connection: " + refused);

  const auto start = std::chrono::steady_clock::now();
  for (std::size_t next = 0; next < commands->size(); next += depth) {
    if (!exchange(context.get(), *commands, next, std::min(commands->size(), next + depth),
                  &refused)) {
      return failure("redis at " + url->where() + ": " + context->errstr);
    }
    if (!refused.empty()) return failure(refused);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  no_sigpipe.reset();
  boost::json::object out;
  out["calls"] = commands->size();
  out["seconds"] = seconds;
  out["calls_per_second"] = seconds > 0 ? static_cast<double>(commands->size()) / seconds : 0.0;
  out["depth"] = depth;
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
