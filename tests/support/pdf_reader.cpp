#include "tests/support/pdf_reader.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace rollcall::tests::support {
namespace {

namespace fs = std::filesystem;

// A temporary directory holding the PDF, removed when done.
struct WorkDir {
  fs::path dir;
  explicit WorkDir(const std::string& pdf) {
    std::string name = (fs::temp_directory_path() / "rollcall-pdf-XXXXXX").string();
    if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed");
    dir = name;
    std::ofstream(dir / "in.pdf", std::ios::binary) << pdf;
  }
  ~WorkDir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv with stdout to `out` and stderr to `err`; the exit code.
int run(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot run " + argv[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void must_run(const WorkDir& work, const std::vector<std::string>& argv) {
  if (run(argv, work.path("stdout"), work.path("stderr")) != 0) {
    throw std::runtime_error(argv[0] + " failed: " + read_file(work.path("stderr")));
  }
}

}  // namespace

int pdf_pages(const std::string& pdf) {
  WorkDir work(pdf);
  must_run(work, {"pdfinfo", work.path("in.pdf")});
  std::istringstream lines(read_file(work.path("stdout")));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Pages:", 0) == 0) return std::stoi(line.substr(6));
  }
  throw std::runtime_error("pdfinfo names no page count");
}

std::string pdf_text(const std::string& pdf, int page) {
  WorkDir work(pdf);
  std::vector<std::string> argv = {"pdftotext", "-enc", "UTF-8"};
  if (page > 0) {
    for (const auto* flag : {"-f", "-l"}) {
      argv.push_back(flag);
      argv.push_back(std::to_string(page));
    }
  }
  argv.push_back(work.path("in.pdf"));
  argv.push_back(work.path("out.txt"));
  must_run(work, argv);
  return read_file(work.path("out.txt"));
}

GreyImage pdf_page_image(const std::string& pdf, int page, int dpi) {
  WorkDir work(pdf);
  const auto p = std::to_string(page);
  must_run(work, {"pdftoppm", "-gray", "-r", std::to_string(dpi), "-f", p, "-l", p, "-singlefile",
                  work.path("in.pdf"), work.path("page")});
  const auto bytes = read_file(work.path("page.pgm"));
  // P5 WIDTH HEIGHT MAXVAL, one whitespace byte, then the pixels.
  std::istringstream header(bytes);
  std::string magic;
  int maxval = 0;
  GreyImage image;
  header >> magic >> image.width >> image.height >> maxval;
  if (magic != "P5" || maxval != 255 || image.width <= 0 || image.height <= 0) {
    throw std::runtime_error("pdftoppm wrote no 8-bit PGM");
  }
  const auto start = static_cast<std::size_t>(header.tellg()) + 1;
  const auto size = static_cast<std::size_t>(image.width) * image.height;
  if (bytes.size() < start + size) throw std::runtime_error("pdftoppm's PGM is short");
  image.pixels.assign(bytes.begin() + start, bytes.begin() + start + size);
  return image;
}

void pdf_page_png(const std::string& pdf, int page, int dpi, const std::string& path) {
  WorkDir work(pdf);
  const auto p = std::to_string(page);
  must_run(work, {"pdftoppm", "-png", "-r", std::to_string(dpi), "-f", p, "-l", p, "-singlefile",
                  work.path("in.pdf"), work.path("page")});
  fs::copy_file(work.path("page.png"), path, fs::copy_options::overwrite_existing);
}

std::vector<std::string> pdf_barcodes(const std::string& pdf, int page, int dpi) {
  WorkDir work(pdf);
  const auto p = std::to_string(page);
  must_run(work, {"pdftoppm", "-png", "-r", std::to_string(dpi), "-f", p, "-l", p, "-singlefile",
                  work.path("in.pdf"), work.path("page")});
  // zbarimg exits 4 when it finds nothing: that is an empty answer, not a failure.
  const int status = run({"zbarimg", "--raw", "-q", work.path("page.png")}, work.path("stdout"),
                         work.path("stderr"));
  if (status != 0 && status != 4) {
    throw std::runtime_error("zbarimg failed: " + read_file(work.path("stderr")));
  }
  std::vector<std::string> codes;
  std::istringstream lines(read_file(work.path("stdout")));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) codes.push_back(line);
  }
  return codes;
}

std::string without_spaces(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) continue;
    // U+200E/F (LRM, RLM), U+202A-E (embeddings, overrides), U+2066-9 (isolates): pdftotext
    // wraps each run of another direction in them; they order text, they are not text.
    if (c == 0xE2 && i + 2 < text.size()) {
      const auto b = static_cast<unsigned char>(text[i + 1]);
      const auto d = static_cast<unsigned char>(text[i + 2]);
      if ((b == 0x80 && (d == 0x8E || d == 0x8F || (d >= 0xAA && d <= 0xAE))) ||
          (b == 0x81 && d >= 0xA6 && d <= 0xA9)) {
        i += 2;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::vector<std::string> pdf_actual_texts(const std::string& pdf) {
  WorkDir work(pdf);
  const std::string script =
      "import re, sys, zlib\n"
      "data = open(sys.argv[1], 'rb').read()\n"
      "for m in re.finditer(rb'stream\\r?\\n(.*?)\\r?\\nendstream', data, re.S):\n"
      "    try: text = zlib.decompress(m.group(1))\n"
      "    except Exception: continue\n"
      "    for h in re.findall(rb'/ActualText <feff([0-9a-fA-F]*)>', text):\n"
      "        sys.stdout.buffer.write(bytes.fromhex(h.decode()).decode('utf-16-be').encode() + "
      "b'\\n')\n";
  must_run(work, {"/usr/bin/python3", "-c", script, work.path("in.pdf")});
  std::vector<std::string> texts;
  std::istringstream lines(read_file(work.path("stdout")));
  for (std::string line; std::getline(lines, line);) texts.push_back(line);
  return texts;
}

namespace {

std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> points;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    points.push_back(text.substr(i, n));
    i += n;
  }
  return points;
}

bool right_to_left(const std::string& point) {
  // Hebrew, Arabic, Syriac, Thaana, NKo... (U+0590-U+08FF) and Arabic presentation forms.
  const auto c = static_cast<unsigned char>(point[0]);
  if (point.size() == 2) return c >= 0xD6 && c <= 0xDF;
  if (point.size() == 3 && c == 0xE0) return static_cast<unsigned char>(point[1]) <= 0xA3;
  if (point.size() == 3 && c == 0xEF) {
    const auto b = static_cast<unsigned char>(point[1]);
    return b >= 0xAD && b <= 0xBB;
  }
  return false;
}

void replace_all(std::string* text, const std::string& from, const std::string& to) {
  for (auto at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

}  // namespace

std::string as_pdftotext_reads(const std::string& text,
                               const std::vector<std::string>& actual_texts) {
  std::string out = text;
  // Each ligature once: a second pass would swap letters the first one just put in place.
  const std::set<std::string> distinct(actual_texts.begin(), actual_texts.end());
  for (const auto& actual : distinct) {
    auto points = code_points(actual);
    if (points.size() < 2 || std::none_of(points.begin(), points.end(), right_to_left)) continue;
    std::reverse(points.begin(), points.end());
    std::string reversed;
    for (const auto& p : points) reversed += p;
    replace_all(&out, actual, reversed);
  }
  return out;
}

bool pdf_text_has(const std::string& pdf, int page, const std::string& wanted, std::string* read) {
  const auto text = without_spaces(pdf_text(pdf, page));
  if (read) *read = text;
  return text.find(without_spaces(as_pdftotext_reads(wanted, pdf_actual_texts(pdf)))) !=
         std::string::npos;
}

}  // namespace rollcall::tests::support
