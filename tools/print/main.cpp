// rollcall-print: prints a badge at a registration desk. Fetches the badge's PDF from the
// gateway (GET /v1/events/E/badges/B/badge.pdf with the desk's token) and hands it to a CUPS
// printer with libcups. Exit codes: 0 printed (or saved), 1 failure (one-line reason), 2 usage.
#include <chrono>
#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "services/print/badge_pdf.h"
#include "services/registry/badge_validator.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "tools/cli/command_line.h"
#include "tools/client/http_get.h"
#include "tools/client/target.h"
#include "tools/client/token_file.h"
#include "tools/print/cups_job.h"

namespace {

namespace po = boost::program_options;
namespace client = rollcall::tools::client;
namespace print = rollcall::tools::print;
using rollcall::services::registry::quote_input;

constexpr const char* kName = "rollcall-print";
constexpr auto kTimeout = std::chrono::seconds(30);

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "409 no_signing_key: event x signs ..." from the gateway's {"code","message"} error body.
std::string refusal(const client::HttpResponse& response) {
  std::string why = std::to_string(response.status);
  boost::system::error_code ec;
  const auto json = boost::json::parse(response.body, ec);
  if (!ec && json.is_object()) {
    const auto& o = json.as_object();
    if (const auto* code = o.if_contains("code"); code && code->is_string()) {
      why += " " + quote_input(std::string(code->as_string()), 64);
    }
    if (const auto* message = o.if_contains("message"); message && message->is_string()) {
      why += ": " + quote_input(std::string(message->as_string()), 300);
    }
  }
  return why;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options(
      "Usage: rollcall-print --gateway HOST:PORT [--tls [--ca-file PEM]] --event EVENT\n"
      "                      --badge ID --token-file FILE [--role ROLE] [--size a6|cr80]\n"
      "                      (--printer NAME [--cups-server HOST:PORT] | --out FILE.pdf)\n\n"
      "Prints one badge at a registration desk: fetches its PDF from the gateway with the\n"
      "desk's token (a desk token with the registration scope, or an organizer's) and sends it\n"
      "to a CUPS printer (--printer), or saves it (--out, - for stdout). The token comes from\n"
      "a file of `ROLE TOKEN` lines, so it never shows in a process listing.\n\nOptions",
      100, 50);
  std::string gateway, ca_file, event, badge, token_file, role = "desk", size = "a6", printer,
                                                          cups_server, out;
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("gateway", po::value(&gateway)->value_name("HOST:PORT"), "the gateway (required)")
    ("tls", "connect with TLS (https)")
    ("ca-file", po::value(&ca_file)->value_name("PEM"), "CAs to trust (default: the system's)")
    ("event", po::value(&event)->value_name("EVENT"), "event id (required)")
    ("badge", po::value(&badge)->value_name("ID"), "badge id (required)")
    ("token-file", po::value(&token_file)->value_name("FILE"), "`ROLE TOKEN` lines (required)")
    ("role", po::value(&role)->value_name("ROLE"), "whose token of the file to use (desk)")
    ("size", po::value(&size)->value_name("SIZE"), "a6 (105x148 mm) or cr80 (85.6x54 mm card)")
    ("printer", po::value(&printer)->value_name("NAME"), "the CUPS printer (lpstat -p)")
    ("cups-server", po::value(&cups_server)->value_name("HOST:PORT"),
     "the CUPS scheduler (default: CUPS_SERVER or the local one)")
    ("out", po::value(&out)->value_name("FILE.pdf"), "save the PDF instead (- for stdout)");
  // clang-format on
  po::variables_map values;
  if (auto stop =
          rollcall::tools::cli::parse_command_line(kName, argc, argv, options, options, &values)) {
    return *stop;
  }
  const auto usage = [](const std::string& why) {
    return rollcall::tools::cli::usage_error(kName, why);
  };
  for (const auto* required : {"gateway", "event", "badge", "token-file"}) {
    if (!values.count(required)) return usage(std::string("--") + required + " is required");
  }
  if (values.count("printer") == values.count("out")) return usage("give --printer or --out");
  if (values.count("cups-server") && !values.count("printer")) {
    return usage("--cups-server goes with --printer");
  }
  if (values.count("ca-file") && !values.count("tls")) return usage("--ca-file goes with --tls");
  const auto colon = gateway.rfind(':');
  int port = 0;
  try {
    port = colon == std::string::npos ? 0 : std::stoi(gateway.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (colon == 0 || port < 1 || port > 65535) return usage("--gateway wants HOST:PORT");
  if (!rollcall::services::registry::is_valid_event_id(event)) {
    return usage("--event \"" + quote_input(event, 64) + "\" is not an event id");
  }
  if (!rollcall::services::registry::is_valid_badge_id(badge)) {
    return usage("--badge \"" + quote_input(badge, 64) +
                 "\" is not 1 to 64 of A-Z a-z 0-9 _ . : -");
  }
  if (!rollcall::services::print::parse_badge_size(size)) return usage("--size is a6 or cr80");
  if (values.count("printer") && !print::is_valid_printer_name(printer)) {
    return usage("--printer \"" + quote_input(printer, 64) + "\" is not a CUPS printer name");
  }

  try {
    const auto tokens = client::read_token_file(token_file);
    const auto token = tokens.find(role);
    if (token == tokens.end()) {
      throw Failure(token_file + " has no " + role + " token (lines are `ROLE TOKEN`)");
    }
    const std::string host = gateway.substr(0, colon);
    const std::string target = "/v1/events/" + client::percent_encode(event) + "/badges/" +
                               client::percent_encode(badge) + "/badge.pdf?size=" + size;
    client::HttpResponse response;
    try {
      response = values.count("tls")
                     ? client::https_get(host, static_cast<unsigned short>(port), target,
                                         client::bearer(token->second), {ca_file}, kTimeout)
                     : client::http_get(host, static_cast<unsigned short>(port), target,
                                        client::bearer(token->second), kTimeout);
    } catch (const std::exception& e) {
      throw Failure("cannot reach the gateway at " + gateway + ": " + e.what());
    }
    if (response.status != 200) {
      throw Failure("the gateway did not give badge " + badge + ": " + refusal(response));
    }
    if (response.content_type != "application/pdf" || !response.body.starts_with("%PDF-")) {
      throw Failure("the gateway's answer is not a PDF (" + quote_input(response.content_type, 64) +
                    ")");
    }
    if (values.count("out")) {
      if (out == "-") {
        std::cout << response.body << std::flush;
      } else {
        std::ofstream file(out, std::ios::binary | std::ios::trunc);
        file << response.body;
        file.close();
        if (!file) throw Failure("cannot write " + out);
      }
      std::cerr << "badge " << badge << " of " << event << ": " << response.body.size()
                << " bytes of PDF" << (out == "-" ? " on stdout" : " in " + out) << '\n';
      return 0;
    }
    const int job = print::submit_pdf({cups_server, printer}, "badge " + badge, response.body);
    std::cerr << "badge " << badge << " of " << event << " sent to printer " << printer
              << " (CUPS job " << job << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << '\n';
    return 1;
  }
}
