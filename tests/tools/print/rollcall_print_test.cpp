// rollcall-print at a desk: the real gateway's badge PDF, sent to a private cupsd's printer
// whose output file is then read back; every way it can fail says so in words.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "tests/support/gateway_process.h"
#include "tests/support/pdf_reader.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tests/tools/print/private_cupsd.h"

namespace rollcall::tests::print {
namespace {

namespace support = tests::support;

constexpr const char* kEvent = "desk-print-2026";

class RollcallPrint : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string csv =
        "badge_id,country,category,name,organization\n"
        "D-1,EG,minister,عبد الرحمن القحطاني,وزارة الاتصالات\n"
        "D-2,CN,academia,张秀英,清华大学\n"
        "D-3,RU,un,Ольга Кузнецова,МСЭ\n";
    ASSERT_TRUE(support::import_registry(redis_, kEvent, csv));
    v1::TokenRecord registration;
    registration.set_role(v1::desk);
    registration.set_desk_id("registration-1");
    registration.add_scopes(v1::registration);
    registration_file_ = redis_.data_dir() + "/registration.tokens";
    std::ofstream(registration_file_) << "# the registration desk\ndesk "
                                      << support::issue_token(redis_, kEvent, registration) << "\n";
    plain_file_ = redis_.data_dir() + "/plain.tokens";
    std::ofstream(plain_file_) << "desk " << support::issue_token(redis_, kEvent, v1::desk) << "\n";
    gateway_ = std::make_unique<support::GatewayProcess>(redis_.url());
  }

  int print(std::vector<std::string> args, std::string* output,
            const std::string& token_file = "") {
    std::vector<std::string> argv = {ROLLCALL_PRINT_BIN,
                                     "--gateway",
                                     gateway_->host() + ":" + std::to_string(gateway_->port()),
                                     "--event",
                                     kEvent,
                                     "--token-file",
                                     token_file.empty() ? registration_file_ : token_file};
    argv.insert(argv.end(), args.begin(), args.end());
    return support::run_program(argv, output);
  }

  support::RedisServer redis_;
  std::string registration_file_, plain_file_;
  std::unique_ptr<support::GatewayProcess> gateway_;
};

TEST_F(RollcallPrint, TheGatewaysPdfReachesThePrinter) {
  PrivateCupsd cups;
  const std::map<std::string, std::string> names = {
      {"D-1", "عبد الرحمن القحطاني"}, {"D-2", "张秀英"}, {"D-3", "Ольга Кузнецова"}};
  for (const auto& [badge, name] : names) {
    for (const std::string size : {"a6", "cr80"}) {
      std::string output;
      ASSERT_EQ(print({"--badge", badge, "--size", size, "--printer", PrivateCupsd::kPrinter,
                       "--cups-server", cups.server()},
                      &output),
                0)
          << output << cups.log();
      EXPECT_NE(output.find("sent to printer badges (CUPS job "), std::string::npos) << output;
      // The job's output file is a complete PDF of this badge.
      std::string printed;
      for (int wait = 0; wait < 200 && printed.empty(); ++wait) {
        std::ifstream in(cups.output(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        if (bytes.find("%%EOF") != std::string::npos)
          printed = bytes;
        else
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ASSERT_FALSE(printed.empty()) << cups.log();
      ASSERT_EQ(cups.wait_for_output(printed.size()), printed);  // and clear it for the next
      EXPECT_NE(
          support::without_spaces(support::pdf_text(printed)).find(support::without_spaces(name)),
          std::string::npos);
      EXPECT_EQ(support::pdf_barcodes(printed, 1), std::vector<std::string>{badge});
    }
  }
  // --out keeps the PDF instead.
  const std::string saved = redis_.data_dir() + "/saved.pdf";
  std::string output;
  ASSERT_EQ(print({"--badge", "D-2", "--out", saved}, &output), 0) << output;
  std::ifstream in(saved, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(support::pdf_barcodes(bytes, 1), std::vector<std::string>{"D-2"});
}

TEST_F(RollcallPrint, RefusalsAndMissingPrintersAreSaidInWords) {
  PrivateCupsd cups;
  const std::vector<std::string> to_printer = {"--printer", PrivateCupsd::kPrinter, "--cups-server",
                                               cups.server()};
  struct Case {
    std::vector<std::string> args;
    std::string token_file;
    int exit_code;
    std::string says;
  };
  const std::string nobody = "127.0.0.1:" + std::to_string(support::free_loopback_port());
  const std::vector<Case> cases = {
      {{"--badge", "D-1"}, plain_file_, 1, "403"},
      {{"--badge", "D-404"}, "", 1, "404 unknown_badge"},
      {{"--badge", "D-1", "--printer", "no-such", "--cups-server", cups.server()},
       "",
       1,
       "no printer named \"no-such\""},
      {{"--badge", "D-1", "--printer", "badges", "--cups-server", nobody},
       "",
       1,
       "is not running or not reachable"},
      {{"--badge", "D-1", "--printer", "badges", "--role", "organizer"},
       "",
       1,
       "has no organizer token"},
      {{"--badge", "D 1", "--printer", "badges"}, "", 2, "is not 1 to 64"},
      {{"--badge", "D-1"}, "", 2, "give --printer or --out"},
      {{"--badge", "D-1", "--size", "a4", "--printer", "badges"}, "", 2, "a6 or cr80"},
      {{"--badge", "D-1", "--printer", "a/b"}, "", 2, "not a CUPS printer name"},
  };
  for (const auto& c : cases) {
    auto args = c.args;
    if (c.args.size() == 2 && c.exit_code == 1)
      args.insert(args.end(), to_printer.begin(), to_printer.end());
    std::string output;
    EXPECT_EQ(print(args, &output, c.token_file), c.exit_code) << output;
    EXPECT_NE(output.find(c.says), std::string::npos) << output;
  }
  // Nothing of any refused attempt was printed.
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(cups.output(), ec));
}

}  // namespace
}  // namespace rollcall::tests::print
