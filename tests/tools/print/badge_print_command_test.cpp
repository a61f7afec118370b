// rollcall-admin badge print: a whole registry (from Redis or a CSV) as one PDF, a page per
// badge, revoked ones left out; a signed event only with its key, whose codes then verify; to a
// file or to a private cupsd's printer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "services/badges/badge_code.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/pdf_reader.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/tools/print/private_cupsd.h"

namespace rollcall::tests::print {
namespace {

namespace support = tests::support;
namespace fs = std::filesystem;

constexpr const char* kPlain = "batch-plain-2026";
constexpr const char* kSigned = "batch-signed-2026";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class BadgePrintCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    csv_ = "badge_id,country,category,name,organization,revoked\n";
    const std::vector<std::string> names = {"محمد المنصوري",  "王芳",         "Дмитрий Попов",
                                            "Søren Ångström", "فاطمة الشامي", "李强"};
    for (std::size_t i = 0; i < names.size(); ++i) {
      ids_.push_back("BP-" + std::to_string(i));
      names_.push_back(names[i]);
      csv_ += ids_.back() + ",FR,un,\"" + names[i] + "\",Org " + std::to_string(i) + ",\n";
    }
    csv_ += "BP-X,FR,un,Revoked Person,Org,1\n";
    for (const auto* event : {kPlain, kSigned}) {
      ASSERT_TRUE(support::import_registry(redis_, event, csv_));
    }
    key_ = redis_.data_dir() + "/signed.key";
    run_ok({ROLLCALL_ADMIN_BIN, "badge-key", "new", "--event", kSigned, "--secret-file", key_,
            "--redis", redis_.url()});
  }

  void run_ok(const std::vector<std::string>& argv) {
    std::string output;
    ASSERT_EQ(support::run_program(argv, &output), 0) << output;
  }

  int admin(const std::string& event, std::vector<std::string> args, std::string* output) {
    std::vector<std::string> argv = {ROLLCALL_ADMIN_BIN, "badge",     "print", "--event", event,
                                     "--redis",          redis_.url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return support::run_program(argv, output);
  }

  support::RedisServer redis_;
  std::string csv_, key_;
  std::vector<std::string> ids_, names_;
};

TEST_F(BadgePrintCommand, EveryBadgeOfTheRegistryOnePageEachRevokedLeftOut) {
  const std::string out = redis_.data_dir() + "/all.pdf";
  std::string output;
  ASSERT_EQ(admin(kPlain, {"--out", out}, &output), 0) << output;
  EXPECT_NE(output.find("printed 6 badge(s)"), std::string::npos) << output;
  EXPECT_NE(output.find("1 revoked badge(s) left out"), std::string::npos) << output;
  const auto pdf = read(out);
  ASSERT_EQ(support::pdf_pages(pdf), 6);
  for (int page = 1; page <= 6; ++page) {  // in badge id order, as Redis holds them
    const auto text = support::without_spaces(support::pdf_text(pdf, page));
    EXPECT_NE(text.find(support::without_spaces(names_[page - 1])), std::string::npos) << text;
    EXPECT_EQ(support::pdf_barcodes(pdf, page), std::vector<std::string>{ids_[page - 1]});
  }
  // Some badges, named, on cards, in the order asked.
  ASSERT_EQ(admin(kPlain, {"--out", out, "--size", "cr80", "--badge", "BP-4", "--badge", "BP-1"},
                  &output),
            0)
      << output;
  const auto two = read(out);
  ASSERT_EQ(support::pdf_pages(two), 2);
  EXPECT_EQ(support::pdf_barcodes(two, 1), std::vector<std::string>{"BP-4"});
  EXPECT_EQ(support::pdf_barcodes(two, 2), std::vector<std::string>{"BP-1"});
  // From a CSV instead of Redis, validated as the importer validates it.
  const std::string subset = redis_.data_dir() + "/subset.csv";
  std::ofstream(subset) << "badge_id,country,category,name,organization\nNEW-1,DE,un,Jürgen Groß,"
                           "Bundesamt\n";
  ASSERT_EQ(admin(kPlain, {"--out", out, "--registry", subset}, &output), 0) << output;
  EXPECT_NE(support::without_spaces(support::pdf_text(read(out))).find("JürgenGroß"),
            std::string::npos);
  std::ofstream(subset) << "badge_id,country,category,name,organization\nNEW-1,XX,un,A,B\n";
  EXPECT_EQ(admin(kPlain, {"--out", out, "--registry", subset}, &output), 1);
  EXPECT_NE(output.find("unusable row"), std::string::npos) << output;
  // A revoked or unknown badge asked for by name is refused.
  EXPECT_EQ(admin(kPlain, {"--out", out, "--badge", "BP-X"}, &output), 1);
  EXPECT_NE(output.find("revoked"), std::string::npos) << output;
  EXPECT_EQ(admin(kPlain, {"--out", out, "--badge", "NOPE"}, &output), 1);
  EXPECT_EQ(admin(kPlain, {"--out", out, "--size", "a4"}, &output), 2);
  EXPECT_EQ(admin(kPlain, {"--size", "a6"}, &output), 2);  // neither --out nor --printer
}

TEST_F(BadgePrintCommand, ASignedEventPrintsOnlyWithItsKeyAndItsCodesVerify) {
  const std::string out = redis_.data_dir() + "/signed.pdf";
  std::string output;
  EXPECT_EQ(admin(kSigned, {"--out", out}, &output), 1);
  EXPECT_NE(output.find("signs its badge codes: give --key"), std::string::npos) << output;
  EXPECT_NE(output.find("nothing printed"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(out));
  // The key of another event is refused too.
  const std::string other_key = redis_.data_dir() + "/other.key";
  run_ok({ROLLCALL_ADMIN_BIN, "badge-key", "new", "--event", kPlain, "--secret-file", other_key,
          "--redis", redis_.url()});
  EXPECT_EQ(admin(kSigned, {"--out", out, "--key", other_key}, &output), 1);
  EXPECT_FALSE(fs::exists(out));

  ASSERT_EQ(admin(kSigned, {"--out", out, "--key", key_}, &output), 0) << output;
  const auto pdf = read(out);
  ASSERT_EQ(support::pdf_pages(pdf), 6);
  const auto stored = redis_.command({"HVALS", services::store::badge_keys_key(kSigned)});
  v1::BadgeKey key;
  std::string error;
  ASSERT_TRUE(services::wire::decode(stored, services::wire::Encoding::json, &key, &error))
      << error << ": " << stored;
  for (int page = 1; page <= 6; ++page) {
    const auto codes = support::pdf_barcodes(pdf, page);
    ASSERT_EQ(codes.size(), 1u);
    const auto check = services::badges::verify_badge_code(
        codes[0], kSigned, [&](std::string_view id) -> std::optional<v1::BadgeKey> {
          if (id == key.key_id()) return key;
          return std::nullopt;
        });
    EXPECT_EQ(check.status, services::badges::CodeStatus::ok) << codes[0];
    EXPECT_EQ(check.claim.badge_id, ids_[page - 1]);
  }
}

TEST_F(BadgePrintCommand, ToACupsPrinter) {
  PrivateCupsd cups;
  std::string output;
  ASSERT_EQ(admin(kPlain,
                  {"--printer", PrivateCupsd::kPrinter, "--cups-server", cups.server(), "--badge",
                   "BP-0", "--badge", "BP-2"},
                  &output),
            0)
      << output << cups.log();
  EXPECT_NE(output.find("sent to printer badges (CUPS job"), std::string::npos) << output;
  std::string printed;
  for (int wait = 0; wait < 200 && printed.find("%%EOF") == std::string::npos; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    printed = read(cups.output());
  }
  ASSERT_EQ(support::pdf_pages(printed), 2) << cups.log();
  EXPECT_EQ(support::pdf_barcodes(printed, 2), std::vector<std::string>{"BP-2"});
  EXPECT_EQ(admin(kPlain, {"--printer", "nope", "--cups-server", cups.server()}, &output), 1);
  EXPECT_NE(output.find("no printer named \"nope\""), std::string::npos) << output;
}

}  // namespace
}  // namespace rollcall::tests::print
