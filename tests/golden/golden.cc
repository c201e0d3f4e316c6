// The golden-file harness (see golden.h).
#include "tests/golden/golden.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace weft::golden {
namespace {

constexpr size_t kMaxShownChars = 8000;

// The 1-based number of the first line where a and b differ, and both lines.
size_t FirstDifference(const std::string& a, const std::string& b, std::string* line_a,
                       std::string* line_b) {
  std::istringstream sa(a), sb(b);
  size_t number = 0;
  while (true) {
    ++number;
    const bool more_a = static_cast<bool>(std::getline(sa, *line_a));
    const bool more_b = static_cast<bool>(std::getline(sb, *line_b));
    if (!more_a) line_a->assign("<end of file>");
    if (!more_b) line_b->assign("<end of file>");
    if (!more_a && !more_b) return number;  // they differ only in a final newline
    if (!more_a || !more_b || *line_a != *line_b) return number;
  }
}

bool WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

bool UpdateRequested() {
  const char* value = std::getenv("WEFT_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

std::filesystem::path SourcePath(const std::filesystem::path& relative) {
  if (relative.is_absolute()) return relative;
  return std::filesystem::path(WEFT_SOURCE_DIR) / relative;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

::testing::AssertionResult MatchesGolden(const std::string& actual,
                                         const std::filesystem::path& expected_path) {
  const bool exists = std::filesystem::exists(expected_path);
  const std::string expected = exists ? ReadFile(expected_path) : "";
  if (exists && expected == actual) return ::testing::AssertionSuccess();
  if (UpdateRequested()) {
    if (!WriteFile(expected_path, actual)) {
      return ::testing::AssertionFailure() << "cannot write " << expected_path;
    }
    std::printf("[ golden ] updated %s\n", expected_path.string().c_str());
    return ::testing::AssertionSuccess();
  }
  if (!exists) {
    return ::testing::AssertionFailure()
           << "missing expected file " << expected_path
           << "\n(run the test with WEFT_UPDATE_GOLDEN=1 to create it)\nactual:\n"
           << actual.substr(0, kMaxShownChars);
  }
  std::string line_expected, line_actual;
  const size_t line = FirstDifference(expected, actual, &line_expected, &line_actual);
  return ::testing::AssertionFailure()
         << expected_path.string() << ":" << line << ": differs\n  expected: " << line_expected
         << "\n  actual:   " << line_actual
         << "\n(run with WEFT_UPDATE_GOLDEN=1 to accept the actual output)\nactual:\n"
         << actual.substr(0, kMaxShownChars);
}

std::vector<std::filesystem::path> ListWfFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path root = SourcePath(dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".wf") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::filesystem::path WithExtension(const std::filesystem::path& path, const char* extension) {
  std::filesystem::path out = path;
  out.replace_extension(extension);
  return out;
}

bool IsFailCase(const std::filesystem::path& path) {
  return path.filename().string().rfind("fail_", 0) == 0;
}

std::string TestNameFor(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name.empty() ? "unnamed" : name;
}

}  // namespace weft::golden
