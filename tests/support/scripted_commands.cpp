#include "tests/support/scripted_commands.h"

#include <boost/asio/post.hpp>

namespace rollcall::tests::support {

ScriptedCommands::ScriptedCommands(boost::asio::any_io_executor executor, Script script)
    : executor_(std::move(executor)), script_(std::move(script)) {}

void ScriptedCommands::exec(redis::Command command, Handler handler) {
  // The script sees the arguments as Redis would read them from the bytes the link would send.
  const auto args = command.args();
  Answer answer;
  {
    std::lock_guard lock(mutex_);
    received_.push_back(args);
    answer = script_(args);
  }
  // Never inline: callers must survive a reply that comes later, as from a real link.
  boost::asio::post(executor_, [handler = std::move(handler), answer = std::move(answer)] {
    handler(answer.ec, answer.reply);
  });
}

bool ScriptedCommands::ready() const {
  std::lock_guard lock(mutex_);
  return ready_;
}

std::string ScriptedCommands::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void ScriptedCommands::set_ready(bool ready) {
  std::lock_guard lock(mutex_);
  ready_ = ready;
}

void ScriptedCommands::set_last_error(std::string error) {
  std::lock_guard lock(mutex_);
  last_error_ = std::move(error);
}

void ScriptedCommands::set_script(Script script) {
  std::lock_guard lock(mutex_);
  script_ = std::move(script);
}

std::vector<std::vector<std::string>> ScriptedCommands::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::size_t ScriptedCommands::count_named(std::string_view name) const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& args : received_) count += command_name(args) == name;
  return count;
}

std::string command_name(const std::vector<std::string>& args) {
  if (args.empty()) return {};
  if (args.size() > 1 && (args[0] == "FCALL" || args[0] == "FCALL_RO")) return args[1];
  return args[0];
}

redis::Reply text_reply(std::string text) {
  return redis::Reply{.type = redis::Reply::Type::string, .str = std::move(text)};
}

redis::Reply error_reply(std::string text) {
  return redis::Reply{.type = redis::Reply::Type::error, .str = std::move(text)};
}

redis::Reply integer_reply(long long value) {
  return redis::Reply{.type = redis::Reply::Type::integer, .integer = value};
}

redis::Reply array_reply(const std::vector<std::string>& texts) {
  redis::Reply reply{.type = redis::Reply::Type::array};
  for (const auto& text : texts) reply.elements.push_back(text_reply(text));
  return reply;
}

}  // namespace rollcall::tests::support
