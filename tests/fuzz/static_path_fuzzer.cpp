// Static files (gateway/server/static_path.cpp): a request target, as the gateway reads it —
// parsed as origin-form, routed by the catalogue, and when it falls to the static route,
// resolved under the web root — and the resolver fed the raw bytes too. Whatever is served must
// be a regular file inside the root and not hidden: one of the files the root really holds.
// The tree has symlinks that lead out (to a secret file, to the root's parent, to a sibling
// whose name starts with the root's), in, and to a hidden file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <boost/url/parse.hpp>

#include "gateway/server/routes.h"
#include "gateway/server/static_path.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using namespace rollcall;
using gateway::server::resolve_static_path;

struct Tree {
  fs::path base;
  fs::path root;
  std::set<fs::path> servable;  // every regular file under the root, not hidden, canonical
};

Tree make_tree() {
  char pattern[] = "/tmp/static-path-fuzz-XXXXXX";
  FUZZ_CHECK(::mkdtemp(pattern) != nullptr);
  Tree tree;
  tree.base = pattern;
  const auto www = tree.base / "www";
  fs::create_directories(www / "assets" / "deep");
  fs::create_directories(www / ".git");
  fs::create_directories(tree.base / "www-old");
  for (const auto& file : {www / "index.html", www / "wall.html", www / "assets" / "app.js",
                           www / "assets" / "deep" / "x.css", www / ".env", www / ".git" / "config",
                           tree.base / "secret.txt", tree.base / "www-old" / "page.html"}) {
    std::ofstream(file) << file.filename().string();
  }
  fs::create_symlink(tree.base / "secret.txt", www / "leak.txt");
  fs::create_symlink("../www-old/page.html", www / "old.html");
  fs::create_symlink("..", www / "up");
  fs::create_symlink("/", www / "slash");
  fs::create_symlink("../wall.html", www / "assets" / "wall.html");
  fs::create_symlink(".env", www / "env.txt");
  tree.root = *gateway::server::canonical_web_root(www);
  for (const auto& entry : fs::recursive_directory_iterator(tree.root)) {
    const auto relative = fs::relative(entry.path(), tree.root).string();
    if (entry.is_regular_file() && !entry.is_symlink() && !relative.starts_with('.')) {
      tree.servable.insert(entry.path());
    }
  }
  return tree;
}

const Tree& tree() {
  static const Tree tree = make_tree();
  return tree;
}

void check_served(std::string_view target) {
  std::string refusal;
  const auto file = resolve_static_path(tree().root, target, &refusal);
  if (!file) return;
  FUZZ_CHECK(refusal.empty());
  FUZZ_CHECK(tree().servable.contains(*file));
  FUZZ_CHECK(gateway::server::is_within(tree().root, *file));
  FUZZ_CHECK(fs::is_regular_file(*file));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tree();
  std::atexit([] { fs::remove_all(tree().base); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto target = fuzz::as_text(data, size);
  check_served(target);  // the resolver alone, on any bytes
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return 0;  // answered 400 before any route
  for (const auto kind :
       {gateway::server::RouteKind::http, gateway::server::RouteKind::websocket}) {
    const auto found = gateway::server::find_route("GET", kind, *url);
    if (!found.match) continue;
    FUZZ_CHECK(found.match->route->kind == kind);
    if (found.match->route->id == gateway::server::RouteId::static_file) {
      FUZZ_CHECK(found.match->path == std::string_view(url->encoded_path()));
      check_served(found.match->path);
    }
  }
  return 0;
}
