// rollcall-admin badge sign: badge codes signed with an organizer's secret key file, for one
// badge or every badge of a registry CSV, optionally with one SVG QR code each. Needs no Redis:
// signing can happen on an offline machine.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "services/badges/badge_code.h"
#include "services/badges/badge_day.h"
#include "services/badges/key_file.h"
#include "services/registry/badge_validator.h"
#include "services/registry/csv_reader.h"
#include "services/registry/event_config.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/qr_svg.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace badges = services::badges;
namespace registry = services::registry;

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

}  // namespace

int badge_command(std::string_view action, int argc, char** argv) {
  if (action == "sign") return sign(argc, argv);
  return cli::usage_error("rollcall-admin badge",
                          "unknown action \"" + std::string(action) + "\" (sign)");
}

}  // namespace rollcall::tools::admin
