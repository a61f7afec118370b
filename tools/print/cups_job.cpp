#include "tools/print/cups_job.h"

#include <cups/cups.h>

#include <memory>

namespace rollcall::tools::print {
namespace {

struct Close {
  void operator()(http_t* http) const { httpClose(http); }
  void operator()(ipp_t* ipp) const { ippDelete(ipp); }
};

std::string last_error() {
  const char* text = cupsLastErrorString();
  return text ? text : "unknown error";
}

}  // namespace

bool is_valid_printer_name(std::string_view name) {
  if (name.empty() || name.size() > 127) return false;
  for (const char c : name) {
    if (c <= ' ' || c >= 0x7F || c == '/' || c == '\\' || c == '#' || c == '"' || c == '\'') {
      return false;
    }
  }
  return true;
}

int submit_pdf(const CupsTarget& target, const std::string& title, std::string_view pdf) {
  if (!is_valid_printer_name(target.printer)) {
    throw PrintError("\"" + target.printer.substr(0, 64) + "\" is not a CUPS printer name");
  }
  const std::string server = target.server.empty() ? cupsServer() : target.server;
  std::string host = server;
  int port = ippPort();
  if (!server.starts_with('/')) {
    if (const auto colon = server.rfind(':');
        colon != std::string::npos && server.find(']', colon) == std::string::npos) {
      host = server.substr(0, colon);
      try {
        port = std::stoi(server.substr(colon + 1));
      } catch (const std::exception&) {
        throw PrintError("bad CUPS server \"" + server + "\": HOST:PORT");
      }
    }
  }
  const std::string where = "CUPS at " + server;
  std::unique_ptr<http_t, Close> http(
      httpConnect2(host.c_str(), port, nullptr, AF_UNSPEC, cupsEncryption(), 1, 5000, nullptr));
  if (!http) {
    throw PrintError(where + " is not running or not reachable (" + last_error() +
                     "); start it, or name another with --cups-server");
  }

  // Ask about the printer first, so "no such printer" is told apart from a failed job.
  char uri[1024];
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", 0,
                   "/printers/%s", target.printer.c_str());
  ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri);
  static const char* const wanted[] = {"printer-is-accepting-jobs", "printer-state"};
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 2, nullptr,
                wanted);
  std::unique_ptr<ipp_t, Close> answer(cupsDoRequest(http.get(), request, "/"));
  const auto status = cupsLastError();
  if (status == IPP_STATUS_ERROR_NOT_FOUND) {
    throw PrintError("no printer named \"" + target.printer + "\" at " + where +
                     " (lpstat -p lists them)");
  }
  if (!answer || status > IPP_STATUS_OK_CONFLICTING) {
    throw PrintError(where + " did not answer about printer \"" + target.printer +
                     "\": " + last_error());
  }
  if (ipp_attribute_t* accepting =
          ippFindAttribute(answer.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
      accepting && !ippGetBoolean(accepting, 0)) {
    throw PrintError("printer \"" + target.printer + "\" at " + where +
                     " is not accepting jobs (cupsaccept " + target.printer + ")");
  }

  // Create-Job on this connection, then the PDF streamed as its one document. (cupsCreateJob
  // would look the printer up again through the URIs cupsd advertises, which need not be
  // reachable from here, e.g. "localhost" resolving to ::1 when cupsd listens on 127.0.0.1.)
  const std::string resource = "/printers/" + target.printer;
  ipp_t* create = ippNewRequest(IPP_OP_CREATE_JOB);
  ippAddString(create, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri);
  ippAddString(create, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               cupsUser());
  ippAddString(create, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr, title.c_str());
  std::unique_ptr<ipp_t, Close> created(cupsDoRequest(http.get(), create, resource.c_str()));
  ipp_attribute_t* id =
      created ? ippFindAttribute(created.get(), "job-id", IPP_TAG_INTEGER) : nullptr;
  if (!id || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
    throw PrintError("printer \"" + target.printer + "\" refused the job: " + last_error());
  }
  const int job = ippGetInteger(id, 0);
  const auto fail = [&](const std::string& doing) {
    const auto why = last_error();
    cupsCancelJob2(http.get(), target.printer.c_str(), job, 0);
    throw PrintError("job " + std::to_string(job) + " on \"" + target.printer + "\": " + doing +
                     " failed: " + why);
  };
  if (cupsStartDocument(http.get(), target.printer.c_str(), job, title.c_str(), CUPS_FORMAT_PDF,
                        1) != HTTP_STATUS_CONTINUE) {
    fail("starting the document");
  }
  if (cupsWriteRequestData(http.get(), pdf.data(), pdf.size()) != HTTP_STATUS_CONTINUE) {
    fail("sending the PDF");
  }
  if (cupsFinishDocument(http.get(), target.printer.c_str()) > IPP_STATUS_OK_CONFLICTING) {
    fail("finishing the document");
  }
  return job;
}

}  // namespace rollcall::tools::print
