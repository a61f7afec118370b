#include "gateway/server/static_path.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace rollcall::gateway::server {
namespace {

namespace fs = std::filesystem;

// base/www is the web root; base/secret.txt, base/www-old/page.html lie outside it.
class StaticPath : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("static-path-" + std::to_string(std::random_device{}()));
    fs::create_directories(base_ / "www" / "assets");
    fs::create_directories(base_ / "www" / ".git");
    fs::create_directories(base_ / "www-old");
    write(base_ / "www" / "index.html", "index");
    write(base_ / "www" / "wall.html", "wall");
    write(base_ / "www" / "assets" / "app.js", "app");
    write(base_ / "www" / ".env", "hidden");
    write(base_ / "www" / ".git" / "config", "hidden");
    write(base_ / "www" / "caf\xC3\xA9.txt", "cafe");
    write(base_ / "secret.txt", "secret");
    write(base_ / "www-old" / "page.html", "old");
    fs::create_symlink(base_ / "secret.txt", base_ / "www" / "leak.txt");
    fs::create_symlink("../www-old/page.html", base_ / "www" / "old.html");
    fs::create_symlink(base_, base_ / "www" / "up");
    fs::create_symlink("wall.html", base_ / "www" / "alias.html");
    fs::create_symlink(".env", base_ / "www" / "env.txt");
    root_ = *canonical_web_root(base_ / "www");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

  std::string served(std::string_view target, std::string* refusal = nullptr) const {
    const auto file = resolve_static_path(root_, target, refusal);
    return file ? fs::relative(*file, root_).string() : "";
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticPath, ServesFilesUnderTheRoot) {
  EXPECT_EQ(served("/"), "index.html");
  EXPECT_EQ(served("/index.html"), "index.html");
  EXPECT_EQ(served("/wall"), "wall.html");
  EXPECT_EQ(served("/wall.html"), "wall.html");
  EXPECT_EQ(served("/assets/app.js"), "assets/app.js");
  EXPECT_EQ(served("/assets%2Fapp.js"), "");  // an encoded slash joins nothing
  EXPECT_EQ(served("/%61ssets/app.j%73"), "assets/app.js");
  EXPECT_EQ(served("/caf%C3%A9.txt"), "caf\xC3\xA9.txt");
  EXPECT_EQ(served("//wall"), "wall.html");  // empty segments name nothing
  EXPECT_EQ(served("/assets//app.js/"), "assets/app.js");
  EXPECT_EQ(served("/alias.html"), "wall.html");  // a symlink within the root is fine
}

TEST_F(StaticPath, MissingFilesAreNotFoundWithoutARefusal) {
  std::string refusal = "unset";
  EXPECT_EQ(served("/nothing.html", &refusal), "");
  EXPECT_EQ(refusal, "");
  EXPECT_EQ(served("/assets", &refusal), "");  // a directory
  EXPECT_EQ(refusal, "");
  EXPECT_EQ(served("/etc/passwd", &refusal), "");
  EXPECT_EQ(refusal, "");
}

TEST_F(StaticPath, RefusesEverySpellingThatCouldLeaveTheRoot) {
  for (const std::string& target :
       std::vector<std::string>{"/%2fetc%2fpasswd",
                                "/%2Fetc/passwd",
                                "/%2f" + (base_ / "secret.txt").string(),
                                "/..",
                                "/../secret.txt",
                                "/%2e%2e/secret.txt",
                                "/%2E%2E%2Fsecret.txt",
                                "/.%2e/secret.txt",
                                "/assets/../../secret.txt",
                                "/assets/..%2f..%2fsecret.txt",
                                "/..%5csecret.txt",
                                "/assets\\..\\..\\secret.txt",
                                "/%5c..%5csecret.txt",
                                "/%c0%ae%c0%ae/secret.txt",
                                "/%c0%af",
                                "/..%c0%afsecret.txt",
                                "/%e0%80%ae%e0%80%ae/secret.txt",
                                "/index.html%00.png",
                                "/index.html%00",
                                "/wall%0a",
                                "/%7f",
                                "/%",
                                "/%2",
                                "/%zz",
                                "/leak.txt",
                                "/old.html",
                                "/old",
                                "/up/secret.txt",
                                "/.env",
                                "/.git/config",
                                "/env.txt",
                                "/./index.html",
                                "/%ff",
                                "relative.html",
                                ""}) {
    SCOPED_TRACE(target);
    std::string refusal;
    const auto file = resolve_static_path(root_, target, &refusal);
    EXPECT_FALSE(file) << *file;
    EXPECT_NE(refusal, "");  // said so, for the log and the metrics
  }
}

TEST_F(StaticPath, AbsoluteAndDoubleEncodedPathsStayUnderTheRoot) {
  // What would be an absolute path is a path below the root, where these files do not exist.
  for (const std::string& target : std::vector<std::string>{
           "//etc/passwd", "///etc/passwd", "/" + (base_ / "secret.txt").string(), "/%252e%252e/x",
           "/%252fetc%252fpasswd"}) {
    SCOPED_TRACE(target);
    std::string refusal;
    EXPECT_FALSE(resolve_static_path(root_, target, &refusal));
    EXPECT_EQ(refusal, "");
  }
  // A symlink out and back in is judged by where it lands.
  EXPECT_EQ(served("/up/www/index.html"), "index.html");
}

TEST_F(StaticPath, NoRootServesNothing) {
  EXPECT_FALSE(canonical_web_root(base_ / "missing"));
  EXPECT_FALSE(canonical_web_root(base_ / "secret.txt"));  // a file, not a directory
  EXPECT_FALSE(resolve_static_path({}, "/"));
  EXPECT_FALSE(resolve_static_path({}, "/index.html"));
}

TEST_F(StaticPath, CanonicalRootResolvesSymlinksAndDots) {
  fs::create_symlink(base_ / "www", base_ / "site");
  EXPECT_EQ(*canonical_web_root(base_ / "site"), root_);
  EXPECT_EQ(*canonical_web_root(base_ / "www-old" / ".." / "www"), root_);
  // Through a symlinked root, files resolve to the canonical root and are served.
  EXPECT_EQ(resolve_static_path(*canonical_web_root(base_ / "site"), "/wall")->filename(),
            "wall.html");
}

TEST(IsWithin, ComparesWholeComponents) {
  EXPECT_TRUE(is_within("/srv/www", "/srv/www/index.html"));
  EXPECT_TRUE(is_within("/srv/www", "/srv/www"));
  EXPECT_FALSE(is_within("/srv/www", "/srv/www-old/index.html"));
  EXPECT_FALSE(is_within("/srv/www", "/srv"));
  EXPECT_FALSE(is_within("/srv/www", "/etc/passwd"));
}

TEST(PercentDecode, IsStrict) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%2Fb%2fc%41", &out));
  EXPECT_EQ(out, "a/b/cA");
  EXPECT_TRUE(percent_decode("%00", &out));
  EXPECT_EQ(out, std::string(1, '\0'));
  EXPECT_TRUE(percent_decode("%252f", &out));
  EXPECT_EQ(out, "%2f");
  EXPECT_FALSE(percent_decode("%", &out));
  EXPECT_FALSE(percent_decode("%2", &out));
  EXPECT_FALSE(percent_decode("%g0", &out));
  EXPECT_FALSE(percent_decode("a%2", &out));
}

}  // namespace
}  // namespace rollcall::gateway::server
