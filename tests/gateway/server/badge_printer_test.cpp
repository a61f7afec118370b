// The gateway's badge renderer: off the I/O thread (a timer on it keeps firing while badges
// render) and bounded (renders past the limit are turned away at once, not queued).
#include "gateway/server/badge_printer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
using services::print::BadgeFace;

std::vector<BadgeFace> pages(int n) {
  std::vector<BadgeFace> faces;
  for (int i = 0; i < n; ++i) {
    BadgeFace face;
    face.badge_id = "B-" + std::to_string(i);
    face.name = "عبد الرحمن القحطاني " + std::to_string(i);
    face.organization = "منظمة الصحة العالمية";
    face.category_label = "Minister";
    face.event_name = "Test";
    face.code = face.badge_id;
    faces.push_back(face);
  }
  return faces;
}

TEST(BadgePrinter, RendersOffTheIoThreadAndTurnsAwayWhatIsPastTheBound) {
  asio::io_context io;
  BadgePrinter printer(1, 2);
  std::vector<BadgePrinter::Result> results;
  int ticks = 0;
  bool done = false;
  for (int i = 0; i < 6; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          results.push_back(co_await printer.render(pages(15), services::print::BadgeSize::a6));
          done = results.size() == 6;
        },
        asio::detached);
  }
  // The only I/O thread: it ticks every millisecond while the renders run elsewhere.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (!done) {
          timer.expires_after(std::chrono::milliseconds(1));
          co_await timer.async_wait(asio::use_awaitable);
          ++ticks;
        }
      },
      asio::detached);
  io.run();
  ASSERT_EQ(results.size(), 6u);
  int printed = 0, busy = 0;
  double slowest = 0;
  for (const auto& r : results) {
    if (r.busy) {
      ++busy;
      EXPECT_FALSE(r.pdf);
    } else {
      ASSERT_TRUE(r.pdf) << r.error;
      EXPECT_EQ(r.pdf->substr(0, 5), "%PDF-");
      ++printed;
      slowest = std::max(slowest, r.milliseconds);
    }
  }
  EXPECT_EQ(printed, 2);
  EXPECT_EQ(busy, 4);
  EXPECT_EQ(printer.in_flight(), 0u);
  // Two 15-page renders took `slowest` ms each; the I/O thread kept ticking meanwhile.
  EXPECT_GT(ticks, static_cast<int>(slowest / 4)) << slowest << " ms, " << ticks << " ticks";
  std::cout << "15 A6 pages in " << slowest << " ms; " << ticks << " timer ticks meanwhile\n";
}

TEST(BadgePrinter, AFailedRenderSaysWhyAndFreesItsPlace) {
  asio::io_context io;
  BadgePrinter printer(1, 1);
  BadgePrinter::Result result;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        result = co_await printer.render({}, services::print::BadgeSize::cr80);  // no badges
      },
      asio::detached);
  io.run();
  EXPECT_FALSE(result.pdf);
  EXPECT_FALSE(result.busy);
  EXPECT_NE(result.error.find("no badges"), std::string::npos);
  EXPECT_EQ(printer.in_flight(), 0u);
}

}  // namespace
}  // namespace rollcall::gateway::server
