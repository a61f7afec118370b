#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "services/print/badge_pdf.h"

namespace rollcall::gateway::server {

// Renders badge PDFs on its own threads, never on the gateway's I/O threads: one A6 badge costs
// a few milliseconds of cairo and pango (more for the first, which loads the fonts), which an
// I/O thread would otherwise spend not answering scans. At most `max_in_flight` renders run or
// wait at once; past that a request is turned away (busy) rather than queued without bound.
class BadgePrinter {
 public:
  static constexpr std::size_t kDefaultThreads = 1;
  static constexpr std::size_t kDefaultMaxInFlight = 8;

  explicit BadgePrinter(std::size_t threads = kDefaultThreads,
                        std::size_t max_in_flight = kDefaultMaxInFlight);
  ~BadgePrinter();
  BadgePrinter(const BadgePrinter&) = delete;
  BadgePrinter& operator=(const BadgePrinter&) = delete;

  struct Result {
    std::optional<std::string> pdf;  // nullopt: busy, or failed (error says why)
    bool busy = false;
    std::string error;
    double milliseconds = 0;  // time spent rendering
  };
  // Resumes the caller on its own executor.
  boost::asio::awaitable<Result> render(std::vector<services::print::BadgeFace> faces,
                                        services::print::BadgeSize size);

  std::size_t in_flight() const { return in_flight_.load(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t max_in_flight_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace rollcall::gateway::server
