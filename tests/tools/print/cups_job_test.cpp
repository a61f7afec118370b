// libcups submission against a real, private cupsd: the job's output file is the PDF; a missing
// printer, a stopped scheduler and a printer refusing jobs each get their own clear words.
#include "tools/print/cups_job.h"

#include <gtest/gtest.h>

#include <random>

#include "services/print/badge_pdf.h"
#include "tests/support/gateway_process.h"
#include "tests/tools/print/private_cupsd.h"

namespace rollcall::tools::print {
namespace {

using tests::print::PrivateCupsd;

std::string badge_pdf(const std::string& name) {
  services::print::BadgeFace face;
  face.badge_id = "CUPS-1";
  face.name = name;
  face.organization = "Организация";
  face.category_label = "Press";
  face.event_name = "CUPS test";
  face.code = "CUPS-1";
  return services::print::render_badges(std::vector<services::print::BadgeFace>{face},
                                        services::print::BadgeSize::cr80);
}

TEST(CupsJob, TheJobsOutputIsExactlyThePdfSent) {
  PrivateCupsd cups;
  for (const std::string name : {"محمد الهاشمي", "张秀英", "Łukasz Dvořák"}) {
    const auto pdf = badge_pdf(name);
    const int job = submit_pdf({cups.server(), PrivateCupsd::kPrinter}, "badge " + name, pdf);
    EXPECT_GT(job, 0);
    EXPECT_EQ(cups.wait_for_output(pdf.size()), pdf) << cups.log();
  }
}

TEST(CupsJob, NoSuchPrinterNoSchedulerAndARefusingPrinterAreToldApart) {
  PrivateCupsd cups;
  const auto pdf = badge_pdf("Zoë");
  try {
    submit_pdf({cups.server(), "no-such-printer"}, "x", pdf);
    FAIL() << "printed to a printer that does not exist";
  } catch (const PrintError& e) {
    EXPECT_NE(std::string(e.what()).find("no printer named \"no-such-printer\""), std::string::npos)
        << e.what();
  }
  ASSERT_EQ(cups.admin({"cupsreject", PrivateCupsd::kPrinter}), 0);
  try {
    submit_pdf({cups.server(), PrivateCupsd::kPrinter}, "x", pdf);
    FAIL() << "a printer refusing jobs took one";
  } catch (const PrintError& e) {
    EXPECT_NE(std::string(e.what()).find("not accepting jobs"), std::string::npos) << e.what();
  }
  const auto nobody = "127.0.0.1:" + std::to_string(tests::support::free_loopback_port());
  try {
    submit_pdf({nobody, PrivateCupsd::kPrinter}, "x", pdf);
    FAIL() << "printed with no scheduler";
  } catch (const PrintError& e) {
    EXPECT_NE(std::string(e.what()).find("is not running or not reachable"), std::string::npos)
        << e.what();
  }
}

TEST(CupsJob, PrinterNamesAreCheckedBeforeAnythingIsSent) {
  for (const std::string good : {"badges", "Zebra_ZC300", "desk-4.hall@a"}) {
    EXPECT_TRUE(is_valid_printer_name(good)) << good;
  }
  const std::vector<std::string> bad_names = {"",
                                              "a b",
                                              "a/b",
                                              "a#b",
                                              "a\\b",
                                              "a\"b",
                                              "a'b",
                                              "é",
                                              std::string(128, 'p'),
                                              std::string("a\0b", 3),
                                              "a\nb"};
  for (const auto& bad : bad_names) {
    EXPECT_FALSE(is_valid_printer_name(bad)) << bad;
    EXPECT_THROW(submit_pdf({"127.0.0.1:1", bad}, "x", "%PDF-"), PrintError);
  }
}

}  // namespace
}  // namespace rollcall::tools::print
