// SPDX-License-Identifier: MIT
// check-doc-snippets: every ```cpp block in docs/*.md and README.md that follows a marker
//   <!-- snippet: NAME -->            or
//   <!-- snippet: tests/file.cpp, example-begin NAME (any note) -->
// must equal, line for line (common indentation removed), the code between
//   // example-begin NAME
//   // example-end
// in a file under examples/ or tests/ (or in the file the marker names). Those files are
// compiled and run by the tests, so a doc snippet that passes this check compiles and runs.
// Usage: check-doc-snippets <source-dir>. CTest `docs.snippets` (label docs) runs it.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

namespace {

Lines read_lines(const fs::path& p) {
  std::ifstream in(p);
  Lines out;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(l);
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// remove the common leading indentation and trailing blanks
Lines normalise(Lines l) {
  std::size_t indent = std::string::npos;
  for (auto& s : l) {
    s = rtrim(s);
    if (!s.empty()) indent = std::min(indent, s.find_first_not_of(' '));
  }
  if (indent == std::string::npos) indent = 0;
  for (auto& s : l) s = s.size() >= indent ? s.substr(indent) : std::string{};
  while (!l.empty() && l.back().empty()) l.pop_back();
  while (!l.empty() && l.front().empty()) l.erase(l.begin());
  return l;
}

struct Snippet {
  fs::path file;
  std::size_t line = 0;
  Lines code;
};

// name -> snippets with that name (more than one is an error)
void collect(const fs::path& file, std::map<std::string, std::vector<Snippet>>& out) {
  const Lines lines = read_lines(file);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    static const std::string begin = "// example-begin ";
    if (t.rfind(begin, 0) != 0) continue;
    const std::string name = trim(t.substr(begin.size()));
    Snippet s{file, i + 1, {}};
    std::size_t j = i + 1;
    for (; j < lines.size() && trim(lines[j]).rfind("// example-end", 0) != 0; ++j) s.code.push_back(lines[j]);
    if (j == lines.size()) {
      std::fprintf(stderr, "%s:%zu: example-begin %s has no example-end\n", file.c_str(), i + 1, name.c_str());
      s.code.clear();
    }
    s.code = normalise(std::move(s.code));
    out[name].push_back(std::move(s));
    i = j;
  }
}

bool is_source(const fs::path& p) {
  const auto e = p.extension().string();
  return e == ".cpp" || e == ".hpp" || e == ".cu" || e == ".cuh" || e == ".h";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: check-doc-snippets <source-dir>\n");
    return 2;
  }
  const fs::path root = argv[1];
  std::map<std::string, std::vector<Snippet>> snippets;
  for (const char* dir : {"examples", "tests"}) {
    if (!fs::is_directory(root / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / dir))
      if (e.is_regular_file() && is_source(e.path())) collect(e.path(), snippets);
  }

  std::vector<fs::path> docs;
  if (fs::is_directory(root / "docs"))
    for (const auto& e : fs::directory_iterator(root / "docs"))
      if (e.is_regular_file() && e.path().extension() == ".md") docs.push_back(e.path());
  if (fs::exists(root / "README.md")) docs.push_back(root / "README.md");
  std::sort(docs.begin(), docs.end());

  int checked = 0, failures = 0;
  for (const auto& doc : docs) {
    const Lines lines = read_lines(doc);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      const auto m = l.find("<!-- snippet:");
      if (m == std::string::npos) continue;
      auto fail = [&](const std::string& why) {
        std::fprintf(stderr, "%s:%zu: %s\n", doc.c_str(), i + 1, why.c_str());
        ++failures;
      };
      const auto close = l.find("-->", m);
      std::string spec = trim(l.substr(m + 13, close == std::string::npos ? std::string::npos : close - m - 13));
      // "<path>, example-begin NAME (note)" or "NAME"
      std::string path, name;
      if (const auto c = spec.find(','); c != std::string::npos) {
        path = trim(spec.substr(0, c));
        spec = trim(spec.substr(c + 1));
      }
      if (spec.rfind("example-begin ", 0) == 0) spec = trim(spec.substr(14));
      name = spec.substr(0, spec.find_first_of(" \t"));
      if (name.empty()) {
        fail("snippet marker without a name");
        continue;
      }
      // the ```cpp block that follows (blank lines allowed in between)
      std::size_t j = i + 1;
      while (j < lines.size() && trim(lines[j]).empty()) ++j;
      if (j == lines.size() || trim(lines[j]) != "```cpp") {
        fail("snippet '" + name + "' is not followed by a ```cpp block");
        continue;
      }
      Lines block;
      for (++j; j < lines.size() && trim(lines[j]) != "```"; ++j) block.push_back(lines[j]);
      block = normalise(std::move(block));

      const auto it = snippets.find(name);
      if (it == snippets.end()) {
        fail("no '// example-begin " + name + "' in examples/ or tests/");
        continue;
      }
      std::vector<const Snippet*> candidates;
      for (const auto& s : it->second)
        if (path.empty() || fs::equivalent(s.file, root / path)) candidates.push_back(&s);
      if (candidates.empty()) {
        fail("'" + name + "' is not in " + path);
        continue;
      }
      if (candidates.size() > 1) {
        fail("'" + name + "' is defined more than once (" + candidates[0]->file.string() + ", " +
             candidates[1]->file.string() + ")");
        continue;
      }
      const Snippet& s = *candidates.front();
      ++checked;
      if (s.code == block) continue;
      std::size_t k = 0;
      while (k < block.size() && k < s.code.size() && block[k] == s.code[k]) ++k;
      fail("snippet '" + name + "' differs from " + s.file.string() + ":" + std::to_string(s.line) +
           " at its line " + std::to_string(k + 1) + ":\n  doc:  " + (k < block.size() ? block[k] : "<end>") +
           "\n  code: " + (k < s.code.size() ? s.code[k] : "<end>"));
    }
  }
  std::printf("check-doc-snippets: %d snippet(s) checked, %d problem(s)\n", checked, failures);
  if (checked == 0 && failures == 0) {
    std::fprintf(stderr, "check-doc-snippets: no snippet markers found under %s\n", root.c_str());
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
