#include "tools/cli/command_line.h"

#include <iostream>

namespace rollcall::tools::cli {

namespace po = boost::program_options;

int usage_error(std::string_view program, const std::string& why) {
  std::cerr << program << ": " << why << " (see " << program << " --help)\n";
  return 2;
}

std::optional<int> parse_command_line(std::string_view program, int argc, char** argv,
                                      const po::options_description& options,
                                      const po::options_description& shown,
                                      po::variables_map* values,
                                      const po::positional_options_description& positional) {
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              *values);
    po::notify(*values);
  } catch (const po::error& e) {
    return usage_error(program, e.what());
  }
  if (values->count("help")) {
    std::cout << shown << '\n';
    return 0;
  }
  return std::nullopt;
}

}  // namespace rollcall::tools::cli
