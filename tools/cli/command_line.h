#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>

namespace rollcall::tools::cli {

// What every tool's --redis takes (redis/url.h): one node, or a cluster's nodes (the first
// that answers is used; MOVED leads to the others). Sentinel URLs are for the gateway.
inline constexpr const char* kRedisUrlHelp =
    "redis://[[user]:password@]host[:port][/db], or for a Redis Cluster "
    "redis+cluster://host:port,host:port (credentials as in redis://)";

// "PROGRAM: WHY (see PROGRAM --help)" on stderr; returns 2, the bad-usage exit code.
int usage_error(std::string_view program, const std::string& why);

// Parses the command line strictly: unknown options and stray arguments are bad usage. Returns
// the exit code to stop with (0 after printing `shown` for --help, 2 on bad usage), or nullopt
// when the program should go on with *values.
std::optional<int> parse_command_line(
    std::string_view program, int argc, char** argv,
    const boost::program_options::options_description& options,
    const boost::program_options::options_description& shown,
    boost::program_options::variables_map* values,
    const boost::program_options::positional_options_description& positional = {});

}  // namespace rollcall::tools::cli
