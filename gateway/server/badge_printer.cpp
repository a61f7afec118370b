#include "gateway/server/badge_printer.h"

#include <chrono>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway::server {

namespace asio = boost::asio;

BadgePrinter::BadgePrinter(std::size_t threads, std::size_t max_in_flight)
    : pool_(threads), max_in_flight_(max_in_flight) {}

BadgePrinter::~BadgePrinter() {
  pool_.join();
}

asio::awaitable<BadgePrinter::Result> BadgePrinter::render(
    std::vector<services::print::BadgeFace> faces, services::print::BadgeSize size) {
  if (in_flight_.fetch_add(1) >= max_in_flight_) {
    in_flight_.fetch_sub(1);
    co_return Result{std::nullopt, true, "too many badges are being rendered at once", 0};
  }
  using Signature = void(Result);
  auto result = co_await asio::async_initiate<decltype(asio::use_awaitable), Signature>(
      [this, size](auto handler, std::vector<services::print::BadgeFace> faces) {
        asio::post(pool_, [this, handler = std::move(handler), faces = std::move(faces),
                           size]() mutable {
          Result result;
          const auto start = std::chrono::steady_clock::now();
          try {
            result.pdf = services::print::render_badges(faces, size);
          } catch (const std::exception& e) {
            result.error = e.what();
          }
          result.milliseconds =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          in_flight_.fetch_sub(1);
          const auto executor = asio::get_associated_executor(handler);
          asio::post(executor,
                     [handler = std::move(handler), result = std::move(result)]() mutable {
                       std::move(handler)(std::move(result));
                     });
        });
      },
      asio::use_awaitable, std::move(faces));
  co_return result;
}

}  // namespace rollcall::gateway::server
