// rollcall-export: post-event exports from the event log, the headline report, and the audit
// recount. Exit codes: 0 success, 1 failure (one-line reason on stderr, or counter differences
// for verify), 2 bad usage.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>

#include "tools/cli/command_line.h"

#include "redis/sync_session.h"
#include "redis/url.h"
#include "services/export/counter_recount.h"
#include "services/export/export_job.h"
#include "services/registry/event_config.h"
#include "tools/export/event_reader.h"
#include "tools/export/progress_bar.h"

namespace po = boost::program_options;
namespace ex = rollcall::services::exporting;
using rollcall::redis::SyncSession;
using rollcall::tools::exporting::EventReader;
using rollcall::tools::exporting::ProgressBar;
namespace redis = rollcall::redis;

namespace {

constexpr const char* kName = "rollcall-export";

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

// Writes to stdout, or to a temporary file renamed over FILE once complete, so that a failed
// export never leaves a truncated file that looks finished.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path_ == "-") return;
    temp_ = path_ + ".part-" + std::to_string(::getpid());
    file_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!file_) throw std::runtime_error("cannot write " + temp_);
  }
  ~Output() {
    if (!temp_.empty() && !committed_) {
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }
  void write(const std::string& bytes) {
    std::ostream& out = path_ == "-" ? std::cout : file_;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + (path_ == "-" ? "stdout" : temp_));
  }
  void commit() {
    if (path_ == "-") {
      std::cout.flush();
      return;
    }
    file_.close();
    if (!file_) throw std::runtime_error("cannot write " + temp_);
    std::filesystem::rename(temp_, path_);
    committed_ = true;
  }

 private:
  std::string path_, temp_;
  std::ofstream file_;
  bool committed_ = false;
};

int run_export(const ex::ExportOptions& options, redis::SyncSession& redis,
               const std::string& event_id, const std::string& out_path) {
  EventReader reader(redis, event_id);
  const auto event = reader.event();
  const auto registry = reader.registry();
  ex::ExportJob job(options, event, registry);
  Output out(out_path);
  std::string bytes;
  auto drain = [&] {
    while (job.take(&bytes)) out.write(bytes);
  };
  ProgressBar progress("reading the event log", reader.log_length());
  reader.read_log([&](const std::vector<ex::LogEntry>& entries) {
    for (const auto& entry : entries) job.feed(entry);
    progress.advance(entries.size());
    drain();
  });
  progress.done();
  job.finish();
  drain();
  out.commit();
  return 0;
}

int run_verify(redis::SyncSession& redis, const std::string& event_id) {
  EventReader reader(redis, event_id);
  const auto event = reader.event();
  const auto registry = reader.registry();
  const auto live = reader.counters();
  ex::CounterRecount recount(event, registry);
  if (!live.last_id.empty()) {
    ProgressBar progress("recounting", reader.log_length());
    reader.read_log(
        [&](const std::vector<ex::LogEntry>& entries) {
          for (const auto& entry : entries) recount.feed(entry);
          progress.advance(entries.size());
        },
        live.last_id);
  }
  const auto comparison = ex::compare_counters(live.counters, recount.counters());
  for (const auto& d : comparison.differences) {
    std::cout << "differs: " << d.name << " live " << d.live << " recount " << d.recount << '\n';
  }
  if (!comparison.not_recounted.empty()) {
    std::cout << "not recounted (unknown kind): ";
    for (std::size_t i = 0; i < comparison.not_recounted.size(); ++i) {
      std::cout << (i ? ", " : "") << comparison.not_recounted[i];
    }
    std::cout << '\n';
  }
  std::cout << "verify " << event_id << ": " << comparison.compared << " counters compared, "
            << comparison.differences.size() << " difference"
            << (comparison.differences.size() == 1 ? "" : "s") << '\n';
  if (!comparison.differences.empty()) {
    std::cerr << kName << ": the live counters of " << event_id << " differ from the event log\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-export TABLE --event EVENT [options]\n"
      "       rollcall-export verify --event EVENT [--redis URL]\n\n"
      "Exports an event from its event log (the record every scan and join leaves in Redis).\n"
      "TABLE is one of:\n"
      "  attendees   one row per registered person, each day on site / remote / both / absent,\n"
      "              first entry, last exit, minutes online (personal data)\n"
      "  scans       every scan, accepted or rejected (personal data: badge ids)\n"
      "  countries   unique people per country and day: on site, online, either, peak inside\n"
      "  categories  the same per category\n"
      "  summary     the headline figures; with --format md|html|txt, the headline report\n"
      "  all         every table, one sheet each (xlsx only)\n"
      "verify rebuilds every counter from the event log, compares it with the live counters,\n"
      "prints each difference and exits 1 if there is any.\n\nOptions",
      100, 50);
  std::string table_name, event_id, format_text, lang_text, out, redis_url;
  int suppress_below = 0;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("event", po::value(&event_id)->value_name("EVENT"), "event id, e.g. wsis20-2025 (required)")
    ("format", po::value(&format_text)->value_name("FORMAT"),
     "csv, json (one document: an array of rows), jsonl (one row a line), xlsx; md, html or "
     "txt for the summary report "
     "(default csv; xlsx for all)")
    ("lang", po::value(&lang_text)->value_name("LANG")->default_value("en"),
     "language of the report: en, fr or ar")
    ("out,o", po::value(&out)->value_name("FILE")->default_value("-"),
     "where to write; - is stdout")
    ("suppress-below", po::value(&suppress_below)->value_name("N")->default_value(0),
     "in public tables (countries, categories, summary) show counts of 1 to N-1 people as \"<N\"")
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     rollcall::tools::cli::kRedisUrlHelp);
  po::options_description hidden;
  hidden.add_options()("table", po::value(&table_name));
  // clang-format on
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("table", 1);

  po::variables_map vm;
  if (auto stop = rollcall::tools::cli::parse_command_line(kName, argc, argv, all, described, &vm,
                                                           positional)) {
    return *stop;
  }
  if (!vm.count("table")) return usage_error("say which table to export, or verify");
  if (!vm.count("event")) return usage_error("--event is required");
  if (!rollcall::services::registry::is_valid_event_id(event_id)) {
    return usage_error("--event \"" + event_id + "\" is not a valid event id");
  }
  std::string url_error;
  const auto parsed_url = rollcall::redis::Url::parse(redis_url, &url_error);
  if (!parsed_url) return usage_error("--redis: " + url_error);
  const auto& url = *parsed_url;

  const bool verify = table_name == "verify";
  ex::ExportOptions options;
  if (!verify) {
    const auto table = ex::parse_table(table_name);
    if (!table) return usage_error("unknown table \"" + table_name + "\"");
    options.table = *table;
    const std::string default_format = *table == ex::Table::all ? "xlsx" : "csv";
    const auto format = ex::parse_format(vm.count("format") ? format_text : default_format);
    if (!format) return usage_error("unknown format \"" + format_text + "\"");
    options.format = *format;
    const auto language = ex::parse_language(lang_text);
    if (!language) return usage_error("unknown language \"" + lang_text + "\" (en, fr or ar)");
    options.language = *language;
    options.suppress_below = suppress_below;
    if (const auto problem = ex::options_problem(options); !problem.empty()) {
      return usage_error(problem);
    }
    if (options.format == ex::Format::xlsx && out == "-" && ::isatty(STDOUT_FILENO)) {
      return usage_error("an xlsx workbook is binary: give --out FILE.xlsx");
    }
  } else if (vm.count("format") || suppress_below != 0 || out != "-") {
    return usage_error("verify takes only --event and --redis");
  }

  try {
    redis::SyncSession redis(url);
    return verify ? run_verify(redis, event_id) : run_export(options, redis, event_id, out);
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << '\n';
    return 1;
  }
}
