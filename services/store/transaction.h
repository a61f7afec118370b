#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// Several commands applied or read as one state: MULTI, the commands, EXEC in one pipeline, and
// WATCH for a check-then-write (a restore switching an event in). The commands are the store's
// builders'; this only wraps them.
namespace rollcall::services::store {

// MULTI, `commands`, EXEC.
std::vector<std::vector<std::string>> transaction(std::vector<std::vector<std::string>> commands);
// WATCH key...: EXEC then answers nil when one of them changed meanwhile.
std::vector<std::string> watch(const std::vector<std::string>& keys);
std::vector<std::string> unwatch();

// The replies of a transaction() of `commands` commands: EXEC's results, one per command
// (nullopt when EXEC was refused because a watched key changed), else the error.
Read<std::optional<std::vector<redis::Reply>>> read_transaction(
    const std::vector<redis::Reply>& replies, std::size_t commands);

}  // namespace rollcall::services::store
