// Static files as an attacker tries them: every spelling of "leave the web root" we could think
// of (encoded slashes, dots and backslashes, overlong UTF-8, double encoding, NUL, absolute
// paths, dot-dot chains of every depth), sent as raw bytes against the root and every route
// prefix of the catalogue, with and without tokens. A secret file with a unique marker lies next
// to the web root; nothing ever serves it, nothing answers 5xx, the gateway stays up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"

namespace rollcall::tests::attack::web {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string random_marker() {
  std::random_device entropy;
  return "ROLLCALL-SECRET-" + std::to_string(entropy()) + "-" + std::to_string(entropy());
}

// Spellings of the hostile part of a path. `targets` are relative to the directory holding the
// web root, or absolute.
struct Spellings {
  static inline const std::vector<std::string> prefixes = {
      "/",          "//",    "///",   "/./",           "/static/../", "/assets/",
      "/%2f",       "/%2F/", "/.%2f", "/assets/..%2f", "/\\",         "/%5c",
      "/x/%2e%2e/", "/;/",   "/%20/", "/%09/"};
  static inline const std::vector<std::string> separators = {
      "/",      "%2f",       "%2F",    "%252f", "%5c", "%5C",       "\\",
      "%c0%af", "%e0%80%af", "%c1%9c", "//",    "/./", "%2f%2e%2f", "%u2215"};
  static inline const std::vector<std::string> dots = {
      "..",           "%2e%2e", "%2E%2E", ".%2e",      "%2e.",  "%252e%252e",
      "%c0%ae%c0%ae", "..%00",  "...",    "%2e%2e%00", ".%00.", "%e0%80%ae%e0%80%ae"};
  static inline const std::vector<std::string> suffixes = {
      "", "", "", "%00.png", "%00", "?x=1", "%23", "%3f.html", "/", "%20"};
};

class HttpPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("attack-paths-" + std::to_string(std::random_device{}()));
    www_ = base_ / "www";
    fs::create_directories(www_ / "assets");
    fs::create_directories(base_ / "www-evil");
    write(www_ / "index.html", "<h1>index</h1>");
    write(www_ / "wall.html", "<h1>wall</h1>");
    write(www_ / "assets" / "app.js", "console.log('app');");
    write(base_ / "secret.txt", marker_ + "\n");
    write(base_ / "passwd", "root:x:0:0:root:/root:/bin/bash\n" + marker_ + "\n");
    write(base_ / "www-evil" / "page.html", marker_);
    // Symlinks inside the root that lead out of it: 404 like any other way out.
    fs::create_symlink(base_ / "secret.txt", www_ / "leak.html");
    fs::create_symlink("../passwd", www_ / "passwd");
    fs::create_symlink("../www-evil/page.html", www_ / "evil.html");
    fs::create_symlink("..", www_ / "up");
    fs::create_symlink("/etc", www_ / "etc");
    gateway_ = &world_.start_gateway({"--web-root", www_.string()});
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

  // The hostile targets of the generator: dot-dot chains joined by every separator, toward every
  // target, behind every prefix, with a suffix now and then.
  std::vector<std::string> spellings() const {
    std::vector<std::string> targets = {"etc/passwd",         "secret.txt", "passwd",
                                        "www-evil/page.html", "leak.html",  "up/secret.txt",
                                        "etc/hostname"};
    // The absolute path of the secret, without its leading slash (the prefixes supply one).
    targets.push_back((base_ / "secret.txt").string().substr(1));
    std::vector<std::string> out;
    const std::vector<int> depths = {0, 1, 2, 3, 5, 8};
    std::size_t i = 0;
    for (const auto& prefix : Spellings::prefixes) {
      for (const auto& separator : Spellings::separators) {
        for (const auto& target : targets) {
          const auto& dot = Spellings::dots[i % Spellings::dots.size()];
          const int depth = depths[i % depths.size()];
          const auto& suffix = Spellings::suffixes[i % Spellings::suffixes.size()];
          ++i;
          std::string path = prefix;
          for (int d = 0; d < depth; ++d) path += dot + separator;
          std::string spelled = target;
          for (std::size_t at = 0; (at = spelled.find('/', at)) != std::string::npos;) {
            spelled.replace(at, 1, separator);
            at += separator.size();
          }
          out.push_back(path + spelled + suffix);
        }
      }
    }
    // The defects as reported, exactly.
    for (const std::string& exact :
         std::vector<std::string>{"//etc/passwd", "/%2fetc%2fpasswd", "/%2Fetc%2Fpasswd",
                                  "/index.html%00.png", "///etc/passwd", "/.%2e/.%2e/etc/passwd",
                                  "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%252f..%252fetc/passwd"}) {
      out.push_back(exact);
    }
    out.push_back("/" + (base_ / "secret.txt").string());
    out.push_back("/%2f" + (base_ / "secret.txt").string().substr(1));
    return out;
  }

  // A response that must not be: a secret served, an error of the server's own, or no answer.
  void expect_harmless(const RawResponse& response, const std::string& request) {
    SCOPED_TRACE(request);
    ++checked_;
    EXPECT_NE(response.status, 0) << "no answer";
    EXPECT_LT(response.status, 500);
    EXPECT_EQ(response.body.find(marker_), std::string::npos) << "served the secret";
    EXPECT_EQ(response.body.find("root:x:0:0:"), std::string::npos) << "served a passwd file";
    if (response.status == 200) ++served_;
  }

  void expect_alive() {
    ASSERT_TRUE(gateway_->alive()) << gateway_->log();
    EXPECT_EQ(raw_get(gateway_->host(), gateway_->port(), "/healthz").status, 200);
  }

  HttpWorld world_;
  fs::path base_;
  fs::path www_;
  std::string marker_ = random_marker();
  support::GatewayProcess* gateway_ = nullptr;
  std::size_t checked_ = 0;
  std::size_t served_ = 0;
};

TEST_F(HttpPaths, ThePagesAreServed) {
  const auto wall = raw_get(gateway_->host(), gateway_->port(), "/wall");
  EXPECT_EQ(wall.status, 200);
  EXPECT_EQ(wall.body, "<h1>wall</h1>");
  EXPECT_EQ(wall.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(raw_get(gateway_->host(), gateway_->port(), "/").body, "<h1>index</h1>");
  const auto app = raw_get(gateway_->host(), gateway_->port(), "/assets/app.js");
  EXPECT_EQ(app.status, 200);
  EXPECT_EQ(app.header("content-type"), "text/javascript; charset=utf-8");
}

TEST_F(HttpPaths, TheReportedDefectsAre404) {
  const auto secret = (base_ / "secret.txt").string();
  for (const std::string& target :
       std::vector<std::string>{"//etc/passwd", "/%2fetc%2fpasswd", "/" + secret,
                                "/%2f" + secret.substr(1), "/index.html%00.png", "/leak.html",
                                "/passwd", "/evil.html", "/up/secret.txt", "/etc/passwd"}) {
    SCOPED_TRACE(target);
    const auto response = raw_get(gateway_->host(), gateway_->port(), target);
    EXPECT_EQ(response.status, 404);
    EXPECT_NE(response.header("content-type"), "image/png");
    expect_harmless(response, target);
  }
}

TEST_F(HttpPaths, NoSpellingLeavesTheRootFromAnyRouteWithAnyToken) {
  const auto routes = route_catalogue();
  std::set<std::string> prefixes = {""};  // "" : the spelling from the root itself
  for (const auto& route : routes) {
    auto prefix = route.prefix(HttpWorld::kEvent);
    prefixes.insert(prefix.substr(0, prefix.size() - 1));  // the spelling brings its own "/"
    // Behind the whole route too: "/healthz/../../etc/passwd", "/v1/events/E/totals/..."
    const auto whole = route.target(HttpWorld::kEvent);
    prefixes.insert(whole.substr(0, whole.find('?')));
  }
  const auto identities = world_.identities();
  const auto targets = spellings();
  std::size_t n = 0;
  std::size_t round = 0;
  for (const auto& prefix : prefixes) {
    // Every spelling from the root; from behind a route, every fourth (in turn), which still
    // puts each separator, dot-dot spelling and target behind each route.
    const std::size_t stride = prefix.empty() ? 1 : 4;
    for (std::size_t i = round++ % stride; i < targets.size(); i += stride) {
      const auto& target = targets[i];
      const auto& identity = identities[n++ % identities.size()];
      const auto request = prefix + target;
      expect_harmless(raw_get(gateway_->host(), gateway_->port(), request, identity.token),
                      request + " as " + identity.name);
      if (n % 500 == 0) expect_alive();
      if (HasFailure()) return;  // one finding is enough to read; thousands are noise
    }
  }
  expect_alive();
  std::cout << "[ figures ] " << targets.size() << " spellings x " << prefixes.size()
            << " route prefixes = " << checked_ << " requests, " << served_
            << " answered 200 (pages inside the root), none with the secret\n";
  EXPECT_GT(checked_, 1000u);
}

TEST_F(HttpPaths, AMissingWebRootServesNothingAndSaysSoOnce) {
  auto& rootless = world_.start_gateway({"--web-root", (base_ / "no-such-dir").string()});
  std::vector<std::string> targets = {"/", "/wall", "/index.html", "/assets/app.js",
                                      "/favicon.ico"};
  for (const auto& target : spellings()) targets.push_back(target);
  for (const auto& target : targets) {
    const auto response = raw_get(rootless.host(), rootless.port(), target);
    expect_harmless(response, target);
    EXPECT_NE(response.status, 200) << target;
  }
  EXPECT_EQ(raw_get(rootless.host(), rootless.port(), "/wall").status, 404);
  const auto log = rootless.log();
  const std::string said = "is missing or not a directory: no static files are served";
  ASSERT_NE(log.find(said), std::string::npos) << log;
  EXPECT_EQ(log.find(said), log.rfind(said)) << "said more than once:\n" << log;
  EXPECT_TRUE(rootless.alive());
}

}  // namespace
}  // namespace rollcall::tests::attack::web
