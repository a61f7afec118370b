#include "services/store/transaction.h"

#include <utility>

namespace rollcall::services::store {

std::vector<std::vector<std::string>> transaction(std::vector<std::vector<std::string>> commands) {
  std::vector<std::vector<std::string>> all;
  all.reserve(commands.size() + 2);
  all.push_back({"MULTI"});
  for (auto& command : commands) all.push_back(std::move(command));
  all.push_back({"EXEC"});
  return all;
}

std::vector<std::string> watch(const std::vector<std::string>& keys) {
  std::vector<std::string> command = {"WATCH"};
  command.insert(command.end(), keys.begin(), keys.end());
  return command;
}

std::vector<std::string> unwatch() {
  return {"UNWATCH"};
}

Read<std::optional<std::vector<redis::Reply>>> read_transaction(
    const std::vector<redis::Reply>& replies, std::size_t commands) {
  using R = Read<std::optional<std::vector<redis::Reply>>>;
  const std::string expected = "EXEC's " + std::to_string(commands) + " results";
  if (replies.size() != commands + 2) {
    return R::fail({.kind = "reply_shape",
                    .cause = std::to_string(replies.size()) + " replies to a transaction of " +
                             std::to_string(commands) + " commands"});
  }
  const auto& exec = replies.back();
  if (exec.type == redis::Reply::Type::nil) return R::ok(std::nullopt);
  if (exec.type != redis::Reply::Type::array || exec.elements.size() != commands) {
    return R::fail(unexpected(exec, expected));
  }
  return R::ok(exec.elements);
}

}  // namespace rollcall::services::store
