#include "redis/connection.h"

#include <atomic>
#include <map>
#include <tuple>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "tests/redis/test_helpers.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::redis {
namespace {

using rr::Reply;
using support::RedisServer;

const std::string echo_library =
    "#!lua name=rolltest\n"
    "redis.register_function('rolltest_echo', function(keys, args) return args[1] end)\n";

using RedisConnection = ConnectionTest;

TEST_F(RedisConnection, SetGetIncrAndReplyTypes) {
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_TRUE(conn->ready());

  auto set = run(*conn, {"SET", "k", std::string("v\0w", 3)});
  ASSERT_FALSE(set.ec) << set.ec.message();
  EXPECT_EQ(set.reply.type, Reply::Type::status);
  EXPECT_EQ(set.reply.str, "OK");

  auto get = run(*conn, {"GET", "k"});
  EXPECT_EQ(get.reply.type, Reply::Type::string);
  EXPECT_EQ(get.reply.str, std::string("v\0w", 3));  // binary-safe both ways

  auto incr = run(*conn, {"INCR", "n"});
  EXPECT_EQ(incr.reply.type, Reply::Type::integer);
  EXPECT_EQ(incr.reply.integer, 1);

  auto nil = run(*conn, {"GET", "missing"});
  EXPECT_FALSE(nil.ec);
  EXPECT_EQ(nil.reply.type, Reply::Type::nil);

  // An error reply is a successful exchange: the caller decides what it means.
  auto wrong = run(*conn, {"INCR", "k"});
  EXPECT_FALSE(wrong.ec);
  EXPECT_TRUE(wrong.reply.is_error());
  EXPECT_NE(wrong.reply.str.find("not an integer"), std::string::npos) << wrong.reply.str;

  run(*conn, {"RPUSH", "list", "a", "b", "c"});
  auto range = run(*conn, {"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(range.reply.type, Reply::Type::array);
  ASSERT_EQ(range.reply.elements.size(), 3u);
  EXPECT_EQ(range.reply.elements[2].str, "c");

  auto empty = run(*conn, {});
  EXPECT_EQ(empty.ec, rr::error::protocol);
  conn->stop();
}

TEST_F(RedisConnection, CoroutinesOnOtherStrands) {
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();

  auto strand = boost::asio::make_strand(io_.executor());
  // GCC 12 rejects braced string lists inside a coroutine ("array used as initializer"), so
  // the commands are built outside it.
  using Args = std::vector<std::string>;
  const Args set{"SET", "c", "42"}, get{"GET", "c"}, get_missing{"GET", "nothing"};
  auto future = boost::asio::co_spawn(
      strand,
      [conn, strand, set, get, get_missing]() -> boost::asio::awaitable<std::string> {
        co_await conn->async_exec(set, boost::asio::use_awaitable);
        Reply reply = co_await conn->async_exec(get, boost::asio::use_awaitable);
        // The completion comes back on the coroutine's own strand.
        if (!strand.running_in_this_thread()) co_return std::string("wrong executor");
        auto [ec, missing] = co_await conn->async_exec(
            get_missing, boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec || missing.type != Reply::Type::nil) co_return std::string("bad nil");
        co_return reply.str;
      },
      boost::asio::use_future);
  ASSERT_EQ(future.wait_for(wait_limit), std::future_status::ready);
  EXPECT_EQ(future.get(), "42");

  // Errors of the layer throw as system_error with use_awaitable, and are values with as_tuple.
  conn->stop();
  ASSERT_TRUE(eventually([&] { return !conn->ready(); }));
  auto failed = boost::asio::co_spawn(
      strand,
      [conn, ping = Args{"PING"}]() -> boost::asio::awaitable<bool> {
        auto [ec, reply] =
            co_await conn->async_exec(ping, boost::asio::as_tuple(boost::asio::use_awaitable));
        co_return ec == rr::error::unavailable;
      },
      boost::asio::use_future);
  ASSERT_EQ(failed.wait_for(wait_limit), std::future_status::ready);
  EXPECT_TRUE(failed.get());
}

TEST_F(RedisConnection, PipelinesManyCallersInOrder) {
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();

  constexpr int callers = 4;
  constexpr int per_caller = 2500;
  std::vector<std::vector<long long>> seen(callers);
  std::vector<std::mutex> locks(callers);
  std::atomic<int> done{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      const std::string key = "counter:" + std::to_string(c);
      for (int i = 0; i < per_caller; ++i) {
        conn->exec({"INCR", key}, [&, c](boost::system::error_code ec, Reply reply) {
          if (ec || reply.type != Reply::Type::integer) failures++;
          {
            std::lock_guard lock(locks[c]);
            seen[c].push_back(reply.integer);
          }
          done++;
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(eventually([&] { return done.load() == callers * per_caller; }))
      << done.load() << " answered";
  EXPECT_EQ(failures.load(), 0);
  for (int c = 0; c < callers; ++c) {
    std::lock_guard lock(locks[c]);
    ASSERT_EQ(seen[c].size(), size_t(per_caller));
    for (int i = 0; i < per_caller; ++i) ASSERT_EQ(seen[c][i], i + 1) << "caller " << c;
  }
  conn->stop();
}

TEST_F(RedisConnection, UnavailableBeforeStart) {
  auto conn = rr::Connection::create(io_.executor(), options_for(server_.url()));
  auto promise = std::make_shared<std::promise<std::thread::id>>();
  auto future = promise->get_future();
  boost::system::error_code got;
  conn->exec({"PING"}, [&got, promise](boost::system::error_code ec, Reply) {
    got = ec;
    promise->set_value(std::this_thread::get_id());
  });
  ASSERT_EQ(future.wait_for(wait_limit), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id()) << "posted, never run inside exec()";
  EXPECT_EQ(got, rr::error::unavailable);
  EXPECT_FALSE(conn->ready());
}

TEST_F(RedisConnection, SetupFunctionThenFcall) {
  auto options = options_for(server_.url());
  options.setup = {{"FUNCTION", "LOAD", "REPLACE", echo_library}};
  auto conn = connect(options);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  auto echo = run(*conn, {"FCALL", "rolltest_echo", "0", "hello"});
  ASSERT_FALSE(echo.ec);
  EXPECT_EQ(echo.reply.str, "hello");
  conn->stop();
}

TEST_F(RedisConnection, FailingSetupRetriesAndNeverReady) {
  auto options = options_for(server_.url());
  options.setup = {{"FUNCTION", "LOAD", "#!lua name=broken\nthis is not lua"}};
  auto conn = connect(options);
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  EXPECT_NE(conn->last_error().find("setup command FUNCTION failed"), std::string::npos)
      << conn->last_error();
  EXPECT_FALSE(states_->pop(300ms).has_value());
  EXPECT_FALSE(conn->ready());
  conn->stop();
}

TEST_F(RedisConnection, UnavailableWhileKilledThenReconnectsAndRerunsSetup) {
  // Without AOF the restart loses the function, so FCALL afterwards proves setup ran again.
  RedisServer volatile_server({"--appendonly", "no"});
  auto options = options_for(volatile_server.url());
  options.setup = {{"FUNCTION", "LOAD", "REPLACE", echo_library}};
  auto conn = connect(options);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  ASSERT_EQ(run(*conn, {"FCALL", "rolltest_echo", "0", "a"}).reply.str, "a");
  run(*conn, {"SET", "marker", "1"});

  // A command blocked in Redis is in flight when the server dies.
  auto blocked = std::make_shared<std::promise<boost::system::error_code>>();
  auto blocked_future = blocked->get_future();
  conn->exec({"BLPOP", "never", "0"},
             [blocked](boost::system::error_code ec, Reply) { blocked->set_value(ec); });
  ASSERT_TRUE(eventually([&] {
    return volatile_server.command({"INFO", "clients"}).find("blocked_clients:1") !=
           std::string::npos;
  }));
  volatile_server.kill();
  ASSERT_EQ(blocked_future.wait_for(wait_limit), std::future_status::ready);
  EXPECT_EQ(blocked_future.get(), rr::error::unavailable);
  ASSERT_TRUE(states_->wait_for(false));
  EXPECT_EQ(run(*conn, {"PING"}).ec, rr::error::unavailable);

  volatile_server.start();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_EQ(run(*conn, {"GET", "marker"}).reply.type, Reply::Type::nil) << "data really lost";
  auto echo = run(*conn, {"FCALL", "rolltest_echo", "0", "again"});
  ASSERT_FALSE(echo.ec);
  EXPECT_EQ(echo.reply.str, "again");
  conn->stop();
}

TEST_F(RedisConnection, ReconnectsAfterFunctionFlushAndRestart) {
  auto options = options_for(server_.url());
  options.setup = {{"FUNCTION", "LOAD", "REPLACE", echo_library}};
  auto conn = connect(options);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  server_.command({"FUNCTION", "FLUSH", "SYNC"});
  EXPECT_TRUE(run(*conn, {"FCALL", "rolltest_echo", "0", "x"}).reply.is_error());
  server_.kill();
  ASSERT_TRUE(states_->wait_for(false));
  server_.start();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_EQ(run(*conn, {"FCALL", "rolltest_echo", "0", "x"}).reply.str, "x");
  conn->stop();
}

TEST_F(RedisConnection, HealthCheckReconnectsWhenRedisStopsAnswering) {
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  // Paused clients get no replies, but the socket stays open: only the health check notices.
  server_.command({"CLIENT", "PAUSE", "1500", "ALL"});
  ASSERT_TRUE(states_->wait_for(false));
  EXPECT_NE(conn->last_error().find("health check"), std::string::npos) << conn->last_error();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_FALSE(run(*conn, {"PING"}).ec);
  conn->stop();
}

TEST_F(RedisConnection, ConnectTimeoutWhenNobodyAnswers) {
  // A listener that never accepts: the TCP handshake succeeds, the setup PING gets no reply.
  boost::asio::ip::tcp::acceptor silent(io_.io(), {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto options = options_for("redis://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  options.connect_timeout = 200ms;
  auto conn = connect(options);
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  EXPECT_NE(conn->last_error().find("timed out"), std::string::npos) << conn->last_error();
  EXPECT_FALSE(conn->ready());
  conn->stop();
}

TEST_F(RedisConnection, ConnectionRefusedKeepsRetrying) {
  auto options = options_for(server_.url());
  server_.kill();
  auto conn = connect(options);
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  EXPECT_FALSE(conn->ready());
  server_.start();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->stop();
}

TEST_F(RedisConnection, PasswordAndDatabase) {
  RedisServer secured({"--requirepass", "s3cret"});
  auto options = options_for("redis://:s3cret@127.0.0.1:" + std::to_string(secured.port()) + "/2");
  auto conn = connect(options);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  run(*conn, {"SET", "in_db2", "yes"});
  auto dbs = run(*conn, {"CLIENT", "INFO"});
  EXPECT_NE(dbs.reply.str.find("db=2"), std::string::npos) << dbs.reply.str;
  conn->stop();
}

TEST_F(RedisConnection, BadPasswordNeverReadyNoCrash) {
  RedisServer secured({"--requirepass", "s3cret"});
  auto options = options_for("redis://:wrong@127.0.0.1:" + std::to_string(secured.port()));
  auto conn = connect(options);
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  EXPECT_NE(conn->last_error().find("AUTH"), std::string::npos) << conn->last_error();
  EXPECT_EQ(conn->last_error().find("wrong"), std::string::npos) << "never log the password";
  EXPECT_FALSE(states_->pop(500ms).has_value());
  EXPECT_EQ(run(*conn, {"PING"}).ec, rr::error::unavailable);
  conn->stop();
}

TEST_F(RedisConnection, DestroyedWithCommandsInFlight) {
  auto results = std::make_shared<Events<bool>>();
  {
    auto conn = connect();
    ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
    for (int i = 0; i < 100; ++i) {
      conn->exec({"INCR", "x"},
                 [results](boost::system::error_code ec, Reply) { results->push(!ec); });
    }
    // Dropping the last reference without stop(): pending commands complete, nothing crashes.
  }
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(results->pop().has_value());
}

TEST_F(RedisConnection, StartStopChurnWithoutLeaksOrCrashes) {
  // Stop and drop at every stage (resolving, connecting, setup, ready, backoff).
  for (int round = 0; round < 40; ++round) {
    if (round == 20) server_.kill();  // the second half retries against a dead server
    auto conn = rr::Connection::create(io_.executor(), options_for(server_.url()));
    conn->start();
    conn->exec({"PING"}, [](boost::system::error_code, Reply) {});
    std::this_thread::sleep_for(std::chrono::milliseconds(round % 7));
    if (round % 2 == 0) conn->stop();
  }
  server_.start();
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->stop();
}

TEST_F(RedisConnection, StopThenExecIsUnavailable) {
  auto conn = connect();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->stop();
  EXPECT_EQ(run(*conn, {"PING"}).ec, rr::error::unavailable);
  EXPECT_FALSE(conn->ready());
}

}  // namespace
}  // namespace rollcall::tests::redis
