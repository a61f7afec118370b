// rollcall-admin: access tokens, badge-signing keys and signed badge codes of an event.
// Exit codes: 0 success, 1 failure (one-line reason on stderr), 2 bad usage.
#include <iostream>
#include <string_view>

#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/cli/command_line.h"

namespace {

constexpr const char* kName = "rollcall-admin";

constexpr const char* kUsage =
    "Usage: rollcall-admin token issue  --event EVENT --role ROLE --name NAME [--desk ID]\n"
    "                                   [--expires-in 12h | --expires-at TIME] [--redis URL]\n"
    "       rollcall-admin token issue  --venue VENUE --role ROLE --name NAME (the venue and\n"
    "                                   each of its events)\n"
    "       rollcall-admin token revoke --event EVENT --id ID [--forget-desk] [--redis URL]\n"
    "       rollcall-admin token list   --event EVENT [--redis URL]\n"
    "       rollcall-admin desk list    --event EVENT [--redis URL]\n"
    "       rollcall-admin desk forget  --event EVENT --desk ID [--desk ID...] [--redis URL]\n"
    "       rollcall-admin ticket issue --event EVENT --participant ID [--badge B]\n"
    "                                   [--country CC] [--category C] [--expires-in 8h]\n"
    "       rollcall-admin ticket rotate-key --event EVENT [--redis URL]\n"
    "       rollcall-admin badge-key new    --event EVENT --secret-file PATH [--redis URL]\n"
    "       rollcall-admin badge-key list   --event EVENT [--redis URL]\n"
    "       rollcall-admin badge-key retire --event EVENT --id KEYID [--redis URL]\n"
    "       rollcall-admin badge sign --secret-file PATH --event EVENT --badge ID\n"
    "                                 [--first-day DAY] [--last-day DAY] [--qr-dir DIR]\n"
    "       rollcall-admin badge sign --secret-file PATH --event EVENT --registry FILE.csv\n"
    "                                 --out CODES.csv [--first-day DAY] [--last-day DAY]\n"
    "                                 [--qr-dir DIR]\n"
    "       rollcall-admin badge print --event EVENT [--registry FILE.csv] [--badge ID...]\n"
    "                                  [--key PATH] [--size a6|cr80]\n"
    "                                  (--out FILE.pdf | --printer NAME) [--redis URL]\n"
    "       rollcall-admin venue create --venue VENUE --name NAME --events E1,E2 [--redis URL]\n"
    "       rollcall-admin venue show   --venue VENUE [--redis URL]\n"
    "       rollcall-admin shred --event EVENT [--force] [--dry-run] [--redis URL]\n"
    "       rollcall-admin person export|erase --event EVENT (--badge B | --person P |\n"
    "                                   --participant ID) [--out FILE] [--redis URL]\n"
    "       rollcall-admin archive create --event EVENT --out FILE | restore FILE [--replace]\n"
    "\n"
    "Access tokens for desks, platforms, displays and organizers (ROLE: desk, platform,\n"
    "display, organizer), stored hashed in Redis; the desks in an event's totals (a desk is\n"
    "its token); beacon tickets for remote participants' pages; Ed25519 keys that sign badge\n"
    "codes, the public half in Redis, the secret half in a file; badge codes for QR codes;\n"
    "print-ready badge PDFs.\n"
    "The event must have been imported (rollcall-import) first. --redis defaults to\n"
    "redis://127.0.0.1:6379.\n"
    "`rollcall-admin GROUP ACTION --help` describes one command.\n";

}  // namespace

int main(int argc, char** argv) {
  namespace admin = rollcall::tools::admin;
  const std::string_view group = argc > 1 ? argv[1] : "";
  if (group == "--help" || group == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (argc < 3) {
    if (group.empty()) return rollcall::tools::cli::usage_error(kName, "say what to do");
    return rollcall::tools::cli::usage_error(kName, "say what to do with " + std::string(group));
  }
  const std::string_view action = argv[2];
  // The action stands in for the program name, so each command parses only its own options.
  const int rest_argc = argc - 2;
  char** rest_argv = argv + 2;
  try {
    if (group == "token") return admin::token_command(action, rest_argc, rest_argv);
    if (group == "badge-key") return admin::badge_key_command(action, rest_argc, rest_argv);
    if (group == "badge") return admin::badge_command(action, rest_argc, rest_argv);
    if (group == "desk") return admin::desk_command(action, rest_argc, rest_argv);
    if (group == "ticket") return admin::ticket_command(action, rest_argc, rest_argv);
    if (group == "venue") return admin::venue_command(action, rest_argc, rest_argv);
    if (group == "shred") return admin::shred_command(argc - 1, argv + 1);
    if (group == "person") return admin::person_command(action, rest_argc, rest_argv);
    if (group == "archive") return admin::archive_command(action, rest_argc, rest_argv);
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << '\n';
    return 1;
  }
  return rollcall::tools::cli::usage_error(
      kName, "unknown command \"" + std::string(group) +
                 "\" (token, desk, ticket, badge-key, badge, venue, shred, person, archive)");
}
