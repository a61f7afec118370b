#include "gateway/server/attendee_indexes.h"

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/context.h"
#include "gateway/server/registry_loader.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
using services::registry::AttendeeIndex;

constexpr auto kWaitStep = std::chrono::milliseconds(20);
constexpr int kMaxWaits = 500;  // 10 s, several times a 15,000-badge build on a slow machine

// Runs make() on `pool` and resumes the caller on its own executor with what it returned.
template <typename Make>
asio::awaitable<std::shared_ptr<const AttendeeIndex>> build_on(asio::thread_pool& pool, Make make) {
  using Signature = void(std::exception_ptr, std::shared_ptr<const AttendeeIndex>);
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), Signature>(
      [&pool](auto handler, Make make) {
        asio::post(pool, [handler = std::move(handler), make = std::move(make)]() mutable {
          std::exception_ptr error;
          std::shared_ptr<const AttendeeIndex> index;
          try {
            index = make();
          } catch (...) {
            error = std::current_exception();
          }
          const auto executor = asio::get_associated_executor(handler);
          asio::post(executor, [handler = std::move(handler), error, index]() mutable {
            std::move(handler)(error, index);
          });
        });
      },
      asio::use_awaitable, std::move(make));
}

}  // namespace

AttendeeIndexes::AttendeeIndexes() = default;

AttendeeIndexes::~AttendeeIndexes() {
  builder_.join();
}

asio::awaitable<AttendeeIndexes::Lookup> AttendeeIndexes::index(const Context& context,
                                                                const std::string& event_id) {
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::registry_version_read(event_id), use_tuple);
  const auto stored = services::store::read_field(reply);
  if (ec || !stored) co_return Lookup{};
  // No version: imported before versions were kept; the index then lasts until the next import.
  const std::string version = stored->value_or(std::string());
  // One load per event at a time: a request that finds another loading this event's registry
  // waits for its index (polling, holding no copy of the registry) rather than loading again.
  for (int waited = 0;; ++waited) {
    {
      std::lock_guard lock(mutex_);
      const auto it = built_.find(event_id);
      if (it != built_.end() && it->second.version == version) {
        co_return Lookup{it->second.index, false};
      }
      if (building_.insert(event_id).second) break;
    }
    if (waited >= kMaxWaits) co_return Lookup{nullptr, false, true};
    const auto executor = co_await asio::this_coro::executor;  // named: see above
    asio::steady_timer pause(executor, kWaitStep);
    co_await pause.async_wait(use_tuple);
  }
  struct Done {
    AttendeeIndexes* self;
    std::string event_id;
    ~Done() {
      std::lock_guard lock(self->mutex_);
      self->building_.erase(event_id);
    }
  } done{this, event_id};
  auto registry = co_await load_registry(context, event_id);
  if (!registry) co_return Lookup{};
  // Builds run one at a time on builder_: of requests that all saw the same new version, the
  // first builds and the others take its index.
  // Named, not a temporary inside the co_await (GCC 12 mishandles such temporaries).
  auto make = [this, event_id, version,
               rows = std::move(*registry)]() mutable -> std::shared_ptr<const AttendeeIndex> {
    {
      std::lock_guard lock(mutex_);
      if (const auto it = built_.find(event_id);
          it != built_.end() && it->second.version == version) {
        return it->second.index;
      }
    }
    const auto started = std::chrono::steady_clock::now();
    const std::size_t badges = rows.size();
    auto made = std::make_shared<const AttendeeIndex>(std::move(rows));
    spdlog::info("attendee index of event {} built: {} badges, registry version \"{}\", {} ms",
                 event_id, badges, version,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
    std::lock_guard lock(mutex_);
    built_[event_id] = Built{version, made};
    return made;
  };
  auto index = co_await build_on(builder_, std::move(make));
  co_return Lookup{index, true};
}

}  // namespace rollcall::gateway::server
