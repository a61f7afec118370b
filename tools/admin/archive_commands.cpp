// rollcall-admin archive create|restore: one file per event from which a fresh Redis is rebuilt
// with every export reproduced byte for byte (docs/archive.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "services/archive/archive_content.h"
#include "services/archive/archive_format.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/key_commands.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/archive_store.h"
#include "tools/admin/commands.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace archive = services::archive;

int create(int argc, char** argv) {
  const std::string program = "rollcall-admin archive create";
  po::options_description options(
      "Usage: rollcall-admin archive create --event EVENT --out FILE [--redis URL]\n\n"
      "Writes every key of the event to FILE (registry, configuration, log with its ids,\n"
      "counters, seq, per-person state), never its tokens or secrets, followed by a SHA-256.\n"
      "The event is read in one consistent view: when its seq or log moves during the read, it\n"
      "is read again (5 times at most). Archive after the event; a live event is archived as\n"
      "it stood, its open online connections included (docs/archive.md).\n\nOptions",
      100, 50);
  EventOptions event;
  std::string out;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  options.add_options()("out,o", po::value(&out)->value_name("FILE"),
                        "the archive file to write (required; never overwritten)");
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (out.empty()) return cli::usage_error(program, "--out is required");
  if (fs::exists(out)) {
    throw AdminError(out + " already exists: give another file name");
  }

  auto redis = open_event(event);
  // Written beside the target and renamed, so FILE is never a half archive.
  const auto temp = out + ".part";
  ArchiveSummary summary;
  try {
    summary = write_archive(redis, event.event_id, temp);
  } catch (const std::exception&) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
  fs::rename(temp, out);
  if (summary.online > 0 || summary.inside > 0 || summary.live_leases > 0) {
    std::cerr << "note: event " << event.event_id << " is live: " << summary.online << " online, "
              << summary.inside << " inside, " << summary.live_leases
              << " live presence lease(s); the archive records them as they stood\n";
  }
  std::cout << out << ": event " << event.event_id << ", " << summary.header.keys() << " keys, "
            << summary.badges << " badges, " << summary.header.log_entries() << " log entries, seq "
            << summary.header.seq() << ", " << summary.bytes << " bytes, sha256 " << summary.sha256;
  if (summary.attempts > 1) std::cout << " (read " << summary.attempts << " times: it moved)";
  std::cout << '\n';
  return 0;
}

int restore(int argc, char** argv) {
  const std::string program = "rollcall-admin archive restore";
  po::options_description options(
      "Usage: rollcall-admin archive restore FILE [--replace] [--redis URL]\n\n"
      "Checks FILE (format version, completeness, SHA-256, every key) and only then rebuilds\n"
      "its event: every key written under a staging name, then renamed into place in one\n"
      "transaction, so a failed restore leaves nothing of the archive. Refuses an event that\n"
      "exists unless --replace, which replaces all its keys but its tokens and secrets.\n"
      "Access tokens are not archived: issue new ones (rollcall-admin token issue).\n\nOptions",
      100, 50);
  std::string path, redis_url;
  bool replace = false;
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("replace", po::bool_switch(&replace), "replace the event if it exists")
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     cli::kRedisUrlHelp);
  // clang-format on
  po::options_description all;
  all.add(options);
  all.add_options()("file", po::value(&path));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, all, options, &values, positional)) {
    return *stop;
  }
  if (path.empty()) return cli::usage_error(program, "say which archive FILE to restore");
  std::string url_error;
  const auto url = redis::Url::parse(redis_url, &url_error);
  if (!url) return cli::usage_error(program, "--redis: " + url_error);

  std::ifstream file(path, std::ios::binary);
  if (!file) throw AdminError("cannot read " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  std::string why;
  const auto decoded = archive::decode_archive(bytes.str(), &why);
  if (!decoded) throw AdminError(path + " refused, nothing was written: " + why);
  if (auto problem = archive::check_archive(*decoded); !problem.empty()) {
    throw AdminError(path + " refused, nothing was written: " + problem);
  }
  const auto& e = decoded->header.event_id();
  redis::SyncSession redis(*url);
  const auto report = restore_event(redis, *decoded, replace);
  // What landed is what the archive says: the log's length and last id, the seq.
  namespace store = services::store;
  const auto replies = redis.pipeline({store::log_length_read(e), store::seq_read(e)});
  const auto length = stored(store::read_count(replies[0]), "the log's length");
  auto seq = stored(store::read_text(replies[1]), "the seq");
  if (seq.empty()) seq = "0";
  if (static_cast<std::uint64_t>(length) != decoded->header.log_entries() ||
      seq != std::to_string(decoded->header.seq())) {
    throw AdminError("event " + e + " was restored but now holds " + std::to_string(length) +
                     " log entries and seq " + seq + " where the archive has " +
                     std::to_string(decoded->header.log_entries()) + " and " +
                     std::to_string(decoded->header.seq()) + ": something else writes to it");
  }
  if (report.stale_staging > 0) {
    std::cerr << "removed " << report.stale_staging
              << " staging key(s) left by an earlier restore that did not finish\n";
  }
  std::cout << "restored event " << e << " from " << path << ": " << report.keys << " keys, "
            << decoded->header.log_entries() << " log entries, seq " << decoded->header.seq();
  if (report.removed > 0) std::cout << ", " << report.removed << " keys of the old event removed";
  std::cout << ", registry_version " << report.registry_version << ", sha256 " << decoded->sha256
            << '\n';
  return 0;
}

}  // namespace

int archive_command(std::string_view action, int argc, char** argv) {
  if (action == "create") return create(argc, argv);
  if (action == "restore") return restore(argc, argv);
  return cli::usage_error("rollcall-admin archive",
                          "unknown action \"" + std::string(action) + "\" (create, restore)");
}

}  // namespace rollcall::tools::admin
