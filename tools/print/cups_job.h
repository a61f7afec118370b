#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace rollcall::tools::print {

// A print job that could not be handed to CUPS; what() is one line for a volunteer.
struct PrintError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CupsTarget {
  // "HOST", "HOST:PORT" or a local socket path; empty: libcups' default (CUPS_SERVER, then
  // client.conf, then the local scheduler).
  std::string server;
  std::string printer;  // a CUPS queue name, as `lpstat -p` lists them
};

// CUPS queue names: 1 to 127 printable ASCII characters but space, / \ # " and '.
bool is_valid_printer_name(std::string_view name);

// Submits `pdf` to the printer as one job titled `title` (application/pdf, sent from memory).
// Returns the CUPS job id. Throws PrintError naming the cause: the scheduler is not running or
// not reachable, no such printer, the printer refuses jobs, or the submission failed.
int submit_pdf(const CupsTarget& target, const std::string& title, std::string_view pdf);

}  // namespace rollcall::tools::print
