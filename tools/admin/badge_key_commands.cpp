// rollcall-admin badge-key new|list|retire: the Ed25519 keys that sign badge codes. The secret
// half goes to a file for the organizer; Redis holds only the public half, for the gateway and
// the kiosks.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include <google/protobuf/util/time_util.h>

#include "rollcall/v1/auth.pb.h"
#include "services/badges/key_file.h"
#include "services/badges/key_pair.h"
#include "services/store/access_call.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/text_table.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace badges = services::badges;
namespace store = services::store;

std::string base64(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  text.resize(text.find('\0'));
  return text;
}

// Creates PATH with mode 0600 and writes `text`; never replaces an existing file, so a key that
// signed printed badges cannot be lost by a repeated command.
void write_secret_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw AdminError(path + " exists already: refusing to overwrite a key file");
    }
    throw AdminError("cannot create " + path + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask said
  std::size_t written = 0;
  while (ok && written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    throw AdminError("cannot write " + path + ": " + std::strerror(saved));
  }
}

int create(int argc, char** argv) {
  const std::string program = "rollcall-admin badge-key new";
  po::options_description options(
      "Usage: rollcall-admin badge-key new --event EVENT --secret-file PATH [--redis URL]\n\n"
      "Makes a new Ed25519 badge-signing key: writes its secret half to PATH (mode 0600, never\n"
      "overwriting a file), stores its public half in Redis for the gateway and the kiosks,\n"
      "and prints its key id on stdout. Keep PATH offline: whoever holds it can make badges.\n\n"
      "Options",
      100, 50);
  EventOptions event;
  std::string path;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  options.add_options()("secret-file", po::value(&path)->value_name("PATH"),
                        "where to write the secret key (required; must not exist)");
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (!values.count("secret-file") || path.empty()) {
    return cli::usage_error(program, "--secret-file is required");
  }

  auto redis = open_event(event);
  if (::access(path.c_str(), F_OK) == 0) {
    throw AdminError(path + " exists already: refusing to overwrite a key file");
  }
  const auto pair = badges::generate_key_pair();
  v1::BadgeKey key;
  key.set_key_id(pair.key_id);
  key.set_public_key(pair.public_key);
  *key.mutable_created_at() = now_timestamp();

  auto text = badges::format_key_file(event.event_id, pair);
  write_secret_file(path, text);
  sodium_memzero(text.data(), text.size());
  try {
    const bool added = stored(store::read_created(redis.query(store::badge_key_create(
                                  event.event_id, pair.key_id, to_json(key)))),
                              "the new badge key");
    if (!added) throw AdminError("key id " + pair.key_id + " is taken; try again");
  } catch (...) {
    ::unlink(path.c_str());  // a secret whose public half is nowhere would sign useless codes
    throw;
  }
  std::cout << pair.key_id << '\n' << std::flush;
  std::cerr << "new badge key " << pair.key_id << " for " << event.event_id << ": secret in "
            << path << " (keep it offline), public key stored in Redis\n";
  return 0;
}

int list(int argc, char** argv) {
  const std::string program = "rollcall-admin badge-key list";
  po::options_description options(
      "Usage: rollcall-admin badge-key list --event EVENT [--redis URL]\n\n"
      "Lists the event's badge keys, oldest first: key id, created, state (active or retired),\n"
      "public key (base64).\n\nOptions",
      100, 50);
  EventOptions event;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);

  auto redis = open_event(event);
  const auto stored_keys =
      stored(store::read_hash(redis.query(store::badge_keys_read(event.event_id))),
             "the badge keys of " + event.event_id);
  std::vector<v1::BadgeKey> keys;
  for (const auto& [id, json] : stored_keys) {
    keys.emplace_back();
    from_json(json, &keys.back(), "badge key " + id);
  }
  std::sort(keys.begin(), keys.end(), [](const v1::BadgeKey& a, const v1::BadgeKey& b) {
    if (a.created_at() != b.created_at()) return a.created_at() < b.created_at();
    return a.key_id() < b.key_id();
  });
  TextTable table({"KEY_ID", "CREATED", "STATE", "PUBLIC_KEY"});
  for (const auto& key : keys) {
    table.add({key.key_id(), time_text(key.created_at()),
               key.has_retired_at() ? "retired " + time_text(key.retired_at()) : "active",
               base64(key.public_key())});
  }
  table.print(std::cout);
  std::cerr << keys.size() << " badge key" << (keys.size() == 1 ? "" : "s") << " in "
            << event.event_id << '\n';
  return 0;
}

int retire(int argc, char** argv) {
  const std::string program = "rollcall-admin badge-key retire";
  po::options_description options(
      "Usage: rollcall-admin badge-key retire --event EVENT --id KEYID [--redis URL]\n\n"
      "Retires a badge key: every code it signed is refused from now on (retired_key), for\n"
      "example when its secret file may have leaked. Sign new codes with a new key.\n\nOptions",
      100, 50);
  EventOptions event;
  std::string id;
  options.add_options()("help,h", "show this help and exit");
  event.add_to(options);
  options.add_options()("id", po::value(&id)->value_name("KEYID"), "the key id (required)");
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (auto why = event.check(values); !why.empty()) return cli::usage_error(program, why);
  if (!values.count("id")) return cli::usage_error(program, "--id is required");

  auto redis = open_event(event);
  const auto json = stored(
      store::read_field(redis.query(store::badge_key_read(event.event_id, id))), "badge key " + id);
  if (!json) {
    throw AdminError("no badge key " + id + " in " + event.event_id + " (see badge-key list)");
  }
  v1::BadgeKey key;
  from_json(*json, &key, "badge key " + id);
  if (key.has_retired_at()) {
    std::cerr << "badge key " << id << " was retired already at " << time_text(key.retired_at())
              << '\n';
    return 0;
  }
  *key.mutable_retired_at() = now_timestamp();
  redis.query(store::badge_key_write(event.event_id, id, to_json(key)));
  std::cerr << "retired badge key " << id << " of " << event.event_id
            << ": codes it signed are refused from now on\n";
  return 0;
}

}  // namespace

int badge_key_command(std::string_view action, int argc, char** argv) {
  if (action == "new") return create(argc, argv);
  if (action == "list") return list(argc, argv);
  if (action == "retire") return retire(argc, argv);
  return cli::usage_error("rollcall-admin badge-key",
                          "unknown action \"" + std::string(action) + "\" (new, list, retire)");
}

}  // namespace rollcall::tools::admin
