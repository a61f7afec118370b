#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace rollcall::tests::print {

// A private CUPS scheduler for one test: its own configuration and spool in a temporary
// directory, listening on a free loopback port, with one printer ("badges") whose device is a
// file (FileDevice Yes) and whose PPD hands PDFs through unchanged, so the job's output file is
// exactly what was printed. Stopped (SIGTERM to its pid) and removed when the object goes.
class PrivateCupsd {
 public:
  PrivateCupsd();
  ~PrivateCupsd();
  PrivateCupsd(const PrivateCupsd&) = delete;
  PrivateCupsd& operator=(const PrivateCupsd&) = delete;

  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  static constexpr const char* kPrinter = "badges";
  // Where the printer's jobs land (each job overwrites it).
  const std::string& output() const { return output_; }
  // Waits up to 20 s for a job's output of exactly `size` bytes; the bytes (and removes the
  // file, so the next job's output is not mistaken for this one), or "" on timeout.
  std::string wait_for_output(std::size_t size) const;
  // Runs a CUPS admin command against this scheduler (lpadmin, cupsreject, ...); exit code.
  int admin(const std::vector<std::string>& argv) const;
  std::string log() const;

 private:
  std::string dir_;
  std::string output_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace rollcall::tests::print
