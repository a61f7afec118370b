// rollcall-admin badge sign: badge codes signed with an organizer's secret key file, for one
// badge or every badge of a registry CSV, optionally with one SVG QR code each. Needs no Redis:
// signing can happen on an offline machine.
// rollcall-admin badge print: print-ready badges (one PDF, a page each) of an event's registry,
// signed like badge sign when the event has badge keys; to a file or a CUPS printer.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "services/badges/badge_code.h"
#include "services/badges/badge_day.h"
#include "services/badges/key_file.h"
#include "services/print/badge_pdf.h"
#include "services/registry/badge_validator.h"
#include "services/registry/csv_reader.h"
#include "services/registry/event_config.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/qr_svg.h"
#include "tools/cli/command_line.h"
#include "tools/print/cups_job.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace badges = services::badges;
namespace registry = services::registry;
namespace print = tools::print;

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;
constexpr std::size_t kErrorsShown = 20;

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

badges::SecretKeyFile load_key(const std::string& path, const std::string& event_id) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw AdminError("cannot read key file " + path);
  if (!S_ISREG(info.st_mode) || info.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
    throw AdminError(path + " is not a badge key file");
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    std::cerr << "warning: " << path << " can be read by others than its owner (chmod 600 it)\n";
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw AdminError("cannot read key file " + path);
  std::string error;
  auto file = badges::parse_key_file(text.str(), &error);
  if (!file) throw AdminError(path + ": " + error);
  if (file->event_id != event_id) {
    throw AdminError(path + " is the key of event " + file->event_id + ", not " + event_id);
  }
  return std::move(*file);
}

struct RegistryBadges {
  std::vector<std::string> ids;
  std::size_t revoked = 0;
};

// Only the badge ids (and revoked flags) of an import CSV: the importer checks the rest.
RegistryBadges read_badge_ids(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AdminError("cannot read registry " + path);
  registry::CsvReader reader(in);
  const auto header = reader.next();
  if (!header || !header->ok() || header->fields.empty() ||
      lower(trim(header->fields[0])) != "badge_id") {
    throw AdminError(path + ": the first column of the header must be badge_id");
  }
  std::optional<std::size_t> revoked_column;
  for (std::size_t i = 0; i < header->fields.size(); ++i) {
    if (lower(trim(header->fields[i])) == "revoked") revoked_column = i;
  }
  RegistryBadges result;
  std::vector<std::string> errors;
  std::set<std::string> seen;
  while (auto record = reader.next()) {
    const auto line = "line " + std::to_string(record->line) + ": ";
    if (!record->ok()) {
      errors.push_back(line + record->error);
      continue;
    }
    if (record->fields.size() != header->fields.size()) {
      errors.push_back(line + "expected " + std::to_string(header->fields.size()) +
                       " columns, found " + std::to_string(record->fields.size()));
      continue;
    }
    const auto id = trim(record->fields[0]);
    if (!registry::is_valid_badge_id(id)) {
      errors.push_back(line + "badge_id \"" + id + "\" is not 1 to 64 of A-Z a-z 0-9 _ . : -");
      continue;
    }
    if (!seen.insert(id).second) {
      errors.push_back(line + "badge_id " + id + " appears twice");
      continue;
    }
    if (revoked_column) {
      const auto flag = lower(trim(record->fields[*revoked_column]));
      if (flag == "1" || flag == "true" || flag == "yes") ++result.revoked;
    }
    result.ids.push_back(id);
  }
  if (reader.broken()) errors.push_back("a quoted field is never closed");
  if (!errors.empty()) {
    for (std::size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) {
      std::cerr << path << ": " << errors[i] << '\n';
    }
    if (errors.size() > kErrorsShown) {
      std::cerr << path << ": ... and " << errors.size() - kErrorsShown << " more\n";
    }
    throw AdminError(path + " has " + std::to_string(errors.size()) +
                     " unusable row(s); no codes written");
  }
  if (result.ids.empty()) throw AdminError(path + " has no badges");
  return result;
}

// The whole file or nothing: written beside PATH and renamed over it when complete.
void write_file_atomically(const std::string& path, const std::string& bytes) {
  if (path == "-") {
    std::cout << bytes << std::flush;
    if (!std::cout) throw AdminError("cannot write to stdout");
    return;
  }
  const auto temp = path + ".part-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw AdminError("cannot write " + path);
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw AdminError("cannot write " + path);
  }
}

void write_qr(const fs::path& dir, const std::string& badge_id, const std::string& code,
              QrSvg* last) {
  *last = qr_svg(code);
  const auto path = dir / (badge_id + ".svg");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << last->svg;
  out.close();
  if (!out) throw AdminError("cannot write " + path.string());
}

int sign(int argc, char** argv) {
  const std::string program = "rollcall-admin badge sign";
  po::options_description options(
      "Usage: rollcall-admin badge sign --secret-file PATH --event EVENT --badge ID\n"
      "                                 [--first-day DAY] [--last-day DAY] [--qr-dir DIR]\n"
      "       rollcall-admin badge sign --secret-file PATH --event EVENT --registry FILE.csv\n"
      "                                 --out CODES.csv [--first-day DAY] [--last-day DAY]\n"
      "                                 [--qr-dir DIR]\n\n"
      "Signs badge codes (\"RC1:...\", upper-case letters and digits, for QR codes) with a key\n"
      "made by badge-key new. With --badge the code is printed alone on stdout; with\n"
      "--registry (an import CSV, badge_id first) CODES.csv gets badge_id,code for every\n"
      "badge (- for stdout). --qr-dir writes DIR/BADGE_ID.svg, one QR code per badge. The\n"
      "codes are valid from --first-day to --last-day (YYYY-MM-DD, the event's dates; both\n"
      "open by default). Needs no Redis.\n\nOptions",
      100, 50);
  std::string key_path, event_id, badge_id, registry_path, out_path, first_day, last_day, qr_dir;
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("secret-file", po::value(&key_path)->value_name("PATH"),
     "the key file from badge-key new (required)")
    ("event", po::value(&event_id)->value_name("EVENT"), "event id (required)")
    ("badge", po::value(&badge_id)->value_name("ID"), "sign one badge")
    ("registry", po::value(&registry_path)->value_name("FILE.csv"),
     "sign every badge of this registry")
    ("out", po::value(&out_path)->value_name("CODES.csv"),
     "where the codes of --registry go (- for stdout)")
    ("first-day", po::value(&first_day)->value_name("DAY"), "first valid day, YYYY-MM-DD")
    ("last-day", po::value(&last_day)->value_name("DAY"), "last valid day, YYYY-MM-DD")
    ("qr-dir", po::value(&qr_dir)->value_name("DIR"), "also write one SVG QR code per badge");
  // clang-format on
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  const auto usage = [&](const std::string& why) { return cli::usage_error(program, why); };
  if (!values.count("secret-file")) return usage("--secret-file is required");
  if (!values.count("event")) return usage("--event is required");
  if (!registry::is_valid_event_id(event_id)) {
    return usage("--event \"" + event_id + "\" is not a valid event id");
  }
  const bool one = values.count("badge") > 0;
  if (one == (values.count("registry") > 0)) return usage("give --badge or --registry");
  if (one && values.count("out")) return usage("--out goes with --registry");
  if (!one && !values.count("out")) return usage("--registry needs --out (- for stdout)");
  if (one && !registry::is_valid_badge_id(badge_id)) {
    return usage("--badge \"" + badge_id + "\" is not 1 to 64 of A-Z a-z 0-9 _ . : -");
  }
  const std::pair<std::string, const std::string*> days_given[] = {{"first-day", &first_day},
                                                                   {"last-day", &last_day}};
  for (const auto& [name, day] : days_given) {
    if (values.count(name) && !badges::parse_day(*day)) {
      return usage("--" + name + " \"" + *day + "\" is not a date YYYY-MM-DD");
    }
  }

  const auto key = load_key(key_path, event_id);
  badges::BadgeClaim claim;
  claim.key_id = key.key.key_id;
  claim.event_id = event_id;
  claim.first_day = first_day;
  claim.last_day = last_day;
  const auto sign_one = [&](const std::string& id) {
    claim.badge_id = id;
    return badges::sign_badge(claim, key.key.secret_key);
  };
  try {
    sign_one(one ? badge_id : "x");  // day rules (range, order) are checked here, as bad usage
  } catch (const std::invalid_argument& e) {
    return usage(e.what());
  }
  if (!qr_dir.empty()) fs::create_directories(qr_dir);
  QrSvg qr;
  const auto days = (first_day.empty() ? std::string("open") : first_day) + " to " +
                    (last_day.empty() ? std::string("open") : last_day);

  if (one) {
    const auto code = sign_one(badge_id);
    if (!qr_dir.empty()) write_qr(qr_dir, badge_id, code, &qr);
    std::cout << code << '\n' << std::flush;
    std::cerr << "signed badge " << badge_id << " of " << event_id << " with key " << claim.key_id
              << ", valid " << days << " (" << code.size() << " characters";
    if (!qr_dir.empty()) {
      std::cerr << "; QR version " << qr.version << ", " << qr.modules << "x" << qr.modules
                << " modules, in " << (fs::path(qr_dir) / (badge_id + ".svg")).string();
    }
    std::cerr << ")\n";
    return 0;
  }

  const auto list = read_badge_ids(registry_path);
  std::string csv = "badge_id,code\n";
  std::size_t longest = 0;
  for (const auto& id : list.ids) {
    const auto code = sign_one(id);
    longest = std::max(longest, code.size());
    if (!qr_dir.empty()) write_qr(qr_dir, id, code, &qr);
    csv += id + "," + code + "\n";
  }
  write_file_atomically(out_path, csv);
  std::cerr << "signed " << list.ids.size() << " badge codes of " << event_id << " with key "
            << claim.key_id << ", valid " << days << ", at most " << longest << " characters";
  if (!qr_dir.empty()) std::cerr << "; QR codes in " << qr_dir;
  std::cerr << '\n';
  if (list.revoked) {
    std::cerr << list.revoked << " of these badges are revoked in the registry: their codes are "
              << "refused at the door while they stay revoked\n";
  }
  return 0;
}

// The event's badge keys as Redis holds them (public halves), by key id.
std::map<std::string, v1::BadgeKey> event_badge_keys(redis::SyncSession& redis,
                                                     const std::string& event_id) {
  namespace store = services::store;
  const auto stored_keys = stored(store::read_hash(redis.query(store::badge_keys_read(event_id))),
                                  "the badge keys of " + event_id);
  std::map<std::string, v1::BadgeKey> keys;
  for (const auto& [id, json] : stored_keys) from_json(json, &keys[id], "badge key " + id);
  return keys;
}

// Every badge of the event in Redis, by id, a pipeline of HGETALLs per thousand.
std::vector<v1::Badge> redis_badges(redis::SyncSession& redis, const std::string& event_id) {
  namespace store = services::store;
  auto ids = stored(store::read_members(redis.query(store::badge_ids_read(event_id))),
                    "the badges of " + event_id);
  std::sort(ids.begin(), ids.end());
  std::vector<v1::Badge> badges;
  for (std::size_t start = 0; start < ids.size(); start += redis::SyncSession::kBatch) {
    std::vector<std::vector<std::string>> commands;
    const auto end = std::min(ids.size(), start + redis::SyncSession::kBatch);
    for (std::size_t i = start; i < end; ++i) {
      commands.push_back(store::badge_hash_read(event_id, ids[i]));
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = start; i < end; ++i) {
      const auto fields =
          stored(store::read_hash(replies[i - start]), "badge " + ids[i] + " of " + event_id);
      if (fields.empty()) continue;  // listed, deleted since
      v1::Badge badge;
      badge.set_badge_id(ids[i]);
      for (const auto& [name, value] : fields) {
        if (name == "name") badge.set_name(value);
        if (name == "organization") badge.set_organization(value);
        if (name == "country") badge.set_country(value);
        if (name == "category") badge.set_category(value);
        if (name == "revoked") badge.set_revoked(value == "1");
      }
      badges.push_back(std::move(badge));
    }
  }
  return badges;
}

// The badges of a registry CSV, validated as rollcall-import validates them: all or nothing.
std::vector<v1::Badge> csv_badges(const std::string& path, const v1::Event& event,
                                  const registry::CountryCodes& countries) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AdminError("cannot read registry " + path);
  const auto read = registry::read_registry(in, event, countries);
  if (read.fatal) throw AdminError(path + ": " + read.fatal->message());
  if (!read.errors.empty()) {
    for (std::size_t i = 0; i < read.errors.size() && i < kErrorsShown; ++i) {
      std::cerr << path << ": " << read.errors[i].message() << '\n';
    }
    if (read.errors.size() > kErrorsShown) {
      std::cerr << path << ": ... and " << read.errors.size() - kErrorsShown << " more\n";
    }
    throw AdminError(path + " has " + std::to_string(read.errors.size()) +
                     " unusable row(s); nothing printed");
  }
  std::vector<v1::Badge> badges;
  for (const auto& row : read.badges) badges.push_back(row.badge);
  if (badges.empty()) throw AdminError(path + " has no badges");
  return badges;
}

int print_command(int argc, char** argv) {
  const std::string program = "rollcall-admin badge print";
  po::options_description options(
      "Usage: rollcall-admin badge print --event EVENT [--registry FILE.csv] [--badge ID...]\n"
      "                                  [--key PATH] [--size a6|cr80]\n"
      "                                  (--out FILE.pdf | --printer NAME [--cups-server H:P])\n"
      "                                  [--redis URL]\n\n"
      "Print-ready badges, one PDF page each: the name in its own script, organization,\n"
      "country, the event, a colour band per category and the QR code of the badge's code.\n"
      "The event (its categories, days and badge keys) comes from Redis; the badges from\n"
      "Redis, or from --registry (an import CSV, validated as rollcall-import does). --badge\n"
      "(repeatable) prints only those. Revoked badges are left out. An event with badge keys\n"
      "needs --key (the secret key file of one of its current keys): its QR codes hold signed\n"
      "codes valid over the event's days; without --key nothing is printed. --out writes the\n"
      "PDF (- for stdout); --printer sends it to a CUPS printer.\n\nOptions",
      100, 50);
  EventOptions event;
  std::string registry_path, key_path, size_name = "a6", out_path, printer, cups_server;
  std::vector<std::string> only;
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("registry", po::value(&registry_path)->value_name("FILE.csv"),
     "print the badges of this registry CSV (default: the badges in Redis)")
    ("badge", po::value(&only)->value_name("ID"), "print only this badge (repeatable)")
    ("key", po::value(&key_path)->value_name("PATH"), "the secret key file (signed events)")
    ("size", po::value(&size_name)->value_name("SIZE"),
     "a6 (105x148 mm, default) or cr80 (85.6x54 mm card)")
    ("out", po::value(&out_path)->value_name("FILE.pdf"), "write the PDF here (- for stdout)")
    ("printer", po::value(&printer)->value_name("NAME"), "send the PDF to this CUPS printer")
    ("cups-server", po::value(&cups_server)->value_name("HOST:PORT"),
     "the CUPS scheduler (default: CUPS_SERVER or the local one)");
  // clang-format on
  event.add_to(options);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  const auto usage = [&](const std::string& why) { return cli::usage_error(program, why); };
  if (auto why = event.check(values); !why.empty()) return usage(why);
  const auto size = services::print::parse_badge_size(size_name);
  if (!size) return usage("--size is a6 or cr80, not \"" + size_name + "\"");
  if (!values.count("out") && !values.count("printer")) return usage("give --out or --printer");
  if (values.count("cups-server") && !values.count("printer")) {
    return usage("--cups-server goes with --printer");
  }
  if (values.count("printer") && !print::is_valid_printer_name(printer)) {
    return usage("--printer \"" + printer.substr(0, 64) + "\" is not a CUPS printer name");
  }
  for (const auto& id : only) {
    if (!registry::is_valid_badge_id(id)) {
      return usage("--badge \"" + id.substr(0, 64) + "\" is not 1 to 64 of A-Z a-z 0-9 _ . : -");
    }
  }

  auto redis = open_event(event);
  const auto config_json = stored(
      services::store::read_field(redis.query(services::store::event_config_read(event.event_id))),
      "the configuration of " + event.event_id);
  v1::Event config = config_json ? registry::parse_event_json(*config_json, event.event_id)
                                 : registry::default_event(event.event_id);
  const auto keys = event_badge_keys(redis, event.event_id);
  std::optional<badges::SecretKeyFile> key;
  if (!keys.empty() && key_path.empty()) {
    throw AdminError("event " + event.event_id +
                     " signs its badge codes: give --key (the secret key file of one of its "
                     "keys, see badge-key list); nothing printed");
  }
  if (!key_path.empty()) {
    key = load_key(key_path, event.event_id);
    const auto listed = keys.find(key->key.key_id);
    if (listed == keys.end()) {
      throw AdminError("key " + key->key.key_id + " of " + key_path + " is not a badge key of " +
                       event.event_id +
                       " (badge-key list): its codes would be refused; nothing printed");
    }
    if (listed->second.has_retired_at()) {
      throw AdminError("key " + key->key.key_id +
                       " was retired: its codes are refused at the "
                       "door; nothing printed");
    }
  }

  const auto countries = registry::CountryCodes::load();
  auto all = registry_path.empty() ? redis_badges(redis, event.event_id)
                                   : csv_badges(registry_path, config, countries);
  if (!only.empty()) {
    std::vector<v1::Badge> picked;
    for (const auto& id : only) {
      const auto it = std::find_if(all.begin(), all.end(),
                                   [&](const v1::Badge& b) { return b.badge_id() == id; });
      if (it == all.end()) throw AdminError("no badge " + id + " in " + event.event_id);
      if (it->revoked()) throw AdminError("badge " + id + " is revoked: it is not printed");
      picked.push_back(*it);
    }
    all = std::move(picked);
  }
  const auto [first_day, last_day] = services::print::code_validity(config);
  std::vector<services::print::BadgeFace> faces;
  std::size_t revoked = 0;
  for (const auto& badge : all) {
    if (badge.revoked()) {
      ++revoked;
      continue;
    }
    std::string code = badge.badge_id();
    if (key) {
      badges::BadgeClaim claim{key->key.key_id, event.event_id, badge.badge_id(), first_day,
                               last_day};
      code = badges::sign_badge(claim, key->key.secret_key);
    }
    faces.push_back(services::print::badge_face(badge, config, countries, std::move(code)));
  }
  if (faces.empty()) throw AdminError("no badge to print (every one is revoked)");
  const auto pdf = services::print::render_badges(faces, *size);
  if (!out_path.empty()) write_file_atomically(out_path, pdf);
  std::cerr << "printed " << faces.size() << " badge(s) of " << event.event_id << " ("
            << services::print::badge_size_name(*size) << ", "
            << (key ? "codes signed with key " + key->key.key_id : std::string("plain badge ids"))
            << ")";
  if (!out_path.empty() && out_path != "-") std::cerr << " in " << out_path;
  std::cerr << '\n';
  if (revoked) std::cerr << revoked << " revoked badge(s) left out\n";
  if (!printer.empty()) {
    const int job = print::submit_pdf({cups_server, printer}, "badges of " + event.event_id, pdf);
    std::cerr << "sent to printer " << printer << " (CUPS job " << job << ")\n";
  }
  return 0;
}

}  // namespace

int badge_command(std::string_view action, int argc, char** argv) {
  if (action == "sign") return sign(argc, argv);
  if (action == "print") return print_command(argc, argv);
  return cli::usage_error("rollcall-admin badge",
                          "unknown action \"" + std::string(action) + "\" (sign, print)");
}

}  // namespace rollcall::tools::admin
