#pragma once

// A sample the store_no_raw_commands_self_test must refuse: a command built by hand.
#include <string>
#include <vector>

inline std::vector<std::string> raw_read() {
  return {"HGET", "{ev}:event", "config"};
}
