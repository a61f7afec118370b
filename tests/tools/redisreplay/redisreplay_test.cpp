// rollcall-redis-replay against a real redis-server: every recorded command reaches Redis exactly
// once, whatever the depth; a command Redis refuses, an input that is not commands, or a Redis
// that is not there ends in a non-zero exit, so tools/bench never reports a baseline that
// measured something else or nothing.
#include <gtest/gtest.h>

#include <fstream>

#include <boost/json.hpp>

#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::tools {
namespace {

using support::RedisServer;

class RedisReplay : public ::testing::Test {
 protected:
  std::string write_commands(const std::string& text) {
    const std::string path = redis_.data_dir() + "/commands.jsonl";
    std::ofstream(path) << text;
    return path;
  }

  int replay(const std::string& path, const std::vector<std::string>& more, std::string* output) {
    std::vector<std::string> argv = {ROLLCALL_REDIS_REPLAY_BIN, "--redis", redis_.url(),
                                     "--commands", path};
    argv.insert(argv.end(), more.begin(), more.end());
    return support::run_program(argv, output);
  }

  RedisServer redis_;
};

TEST_F(RedisReplay, SendsEveryCommandOnceAtAnyDepth) {
  // 100 increments and a binary-safe value: an exact count shows that no batch was lost or sent
  // twice, including the last, short one.
  std::string text;
  for (int i = 0; i < 100; ++i) text += "[\"INCR\",\"counter\"]\n";
  text += "[\"SET\",\"odd\",\"a b\\\"c\\u00e9\\r\\n\"]\n";
  const auto path = write_commands(text);
  int expected = 0;
  for (const std::string depth : {"1", "7", "32", "1000"}) {
    std::string output;
    ASSERT_EQ(replay(path, {"--depth", depth}, &output), 0) << output;
    expected += 100;
    EXPECT_EQ(redis_.command({"GET", "counter"}), std::to_string(expected)) << "depth " << depth;
    const auto report = boost::json::parse(output).as_object();
    EXPECT_EQ(report.at("calls").to_number<int>(), 101);
    EXPECT_EQ(report.at("depth").to_number<int>(), std::stoi(depth));
    EXPECT_GT(report.at("calls_per_second").to_number<double>(), 0);
  }
  EXPECT_EQ(redis_.command({"GET", "odd"}), "a b\"c\xc3\xa9\r\n");
}

TEST_F(RedisReplay, ARefusedCommandFailsTheRunAndNamesIt) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "[\"INCR\",\"n\"]\n";
  text += "[\"NOSUCHCOMMAND\",\"" + std::string(5000, 'x') + "\"]\n";
  for (int i = 0; i < 40; ++i) text += "[\"INCR\",\"n\"]\n";
  std::string output;
  EXPECT_EQ(replay(write_commands(text), {"--depth", "8"}, &output), 1);
  EXPECT_NE(output.find("command 41 (NOSUCHCOMMAND) refused"), std::string::npos) << output;
  EXPECT_LT(output.size(), 600u) << "the refusal is shown bounded";
  // It stops at the batch that held the refusal: commands 41..48, no further.
  EXPECT_EQ(redis_.command({"GET", "n"}), "47");
}

TEST_F(RedisReplay, InputThatIsNotCommandsIsBadUsageNamingTheLine) {
  const std::vector<std::string> bad = {"not json",
                                        "{\"a\":1}",
                                        "[]",
                                        "[1,2]",
                                        "[\"GET\",null]",
                                        "\"GET\"",
                                        "[\"GET\",[\"x\"]]",
                                        "[\"GET\"",
                                        "[\"GET\",\"x\"]]",
                                        "[\"SET\",\"k\",true]"};
  for (const auto& line : bad) {
    std::string output;
    EXPECT_EQ(replay(write_commands("[\"INCR\",\"kept\"]\n" + line + "\n"), {}, &output), 2)
        << line << ": " << output;
    EXPECT_NE(output.find("line 2 is not a JSON array of strings"), std::string::npos) << output;
  }
  EXPECT_EQ(redis_.command({"GET", "kept"}), "") << "nothing is sent from a bad file";
  std::string output;
  EXPECT_EQ(replay(write_commands(""), {}, &output), 2);
  EXPECT_NE(output.find("holds no command"), std::string::npos) << output;
  EXPECT_EQ(replay(redis_.data_dir() + "/absent.jsonl", {}, &output), 2);
  EXPECT_EQ(replay(write_commands("[\"PING\"]\n"), {"--depth", "0"}, &output), 2);
}

TEST_F(RedisReplay, TheUrlsDatabaseAndPasswordAreUsed) {
  const auto path = write_commands("[\"INCR\",\"in-db\"]\n[\"INCR\",\"in-db\"]\n");
  std::string output;
  const auto url = "redis://127.0.0.1:" + std::to_string(redis_.port());
  ASSERT_EQ(support::run_program(
                {ROLLCALL_REDIS_REPLAY_BIN, "--redis", url + "/2", "--commands", path}, &output),
            0)
      << output;
  EXPECT_EQ(redis_.command({"GET", "in-db"}), "") << "not in database 0";
  EXPECT_EQ(
      redis_.command({"EVAL", "redis.call('SELECT', 2) return redis.call('GET', 'in-db')", "0"}),
      "2");
  // This server has no password: AUTH is refused, before anything is sent.
  EXPECT_EQ(support::run_program(
                {ROLLCALL_REDIS_REPLAY_BIN, "--redis",
                 "redis://:wrong@127.0.0.1:" + std::to_string(redis_.port()), "--commands", path},
                &output),
            1);
  EXPECT_NE(output.find("setting up the connection: command 1 (AUTH) refused"), std::string::npos)
      << output;
  EXPECT_EQ(output.find("wrong"), std::string::npos) << "the password is never shown";
}

TEST_F(RedisReplay, ARedisThatIsNotThereFails) {
  const auto path = write_commands("[\"PING\"]\n");
  std::string output;
  const std::vector<std::string> argv = {
      ROLLCALL_REDIS_REPLAY_BIN, "--redis",
      "redis://127.0.0.1:" + std::to_string(support::free_loopback_port()), "--commands", path};
  EXPECT_EQ(support::run_program(argv, &output), 1) << output;
  EXPECT_NE(output.find("cannot connect"), std::string::npos) << output;
  const std::vector<std::string> sentinel = {ROLLCALL_REDIS_REPLAY_BIN, "--redis",
                                             "redis+sentinel://127.0.0.1:1/m", "--commands", path};
  EXPECT_EQ(support::run_program(sentinel, &output), 2) << output;
}

}  // namespace
}  // namespace rollcall::tests::tools
