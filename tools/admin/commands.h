#pragma once

#include <string_view>

// The command groups of rollcall-admin. Each gets the arguments after its group and action
// (argv[0] is the action), returns the exit code for bad usage or success, and throws AdminError
// (or any std::exception) on failure.
namespace rollcall::tools::admin {

int token_command(std::string_view action, int argc, char** argv);
int badge_key_command(std::string_view action, int argc, char** argv);
int badge_command(std::string_view action, int argc, char** argv);
int desk_command(std::string_view action, int argc, char** argv);
int ticket_command(std::string_view action, int argc, char** argv);
int venue_command(std::string_view action, int argc, char** argv);
int person_command(std::string_view action, int argc, char** argv);
int shred_command(int argc, char** argv);  // no action: argv[0] is "shred"
int archive_command(std::string_view action, int argc, char** argv);

}  // namespace rollcall::tools::admin
