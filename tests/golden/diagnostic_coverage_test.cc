// Every diagnostic kind in compiler/diag/diagnostic_kinds.def must be exercised by at least
// one golden expectation (a .diag file anywhere under tests/golden/), so a new kind cannot
// land without a test that shows its message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

std::string AllExpectedDiagnostics() {
  std::string all;
  const std::filesystem::path root = golden::SourcePath("tests/golden");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".diag") {
      all += golden::ReadFile(entry.path());
    }
  }
  return all;
}

TEST(DiagnosticCoverage, EveryKindAppearsInAGoldenFile) {
  const std::vector<diag::DiagnosticKind> kinds = {
#define DIAG(code, name, severity, summary) diag::DiagnosticKind::k##name,
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
  };
  const std::string expected = AllExpectedDiagnostics();
  std::string missing;
  for (diag::DiagnosticKind kind : kinds) {
    const diag::DiagnosticInfo& info = diag::InfoOf(kind);
    if (expected.find("[" + std::string(info.code) + "]") == std::string::npos) {
      missing += "  " + std::string(info.code) + " " + std::string(info.name) + "\n";
    }
  }
  EXPECT_TRUE(missing.empty()) << "diagnostic kinds with no golden .diag file showing them:\n"
                               << missing;
}

TEST(DiagnosticCoverage, CodesAreUniqueAndWellFormed) {
  std::vector<std::string> codes = {
#define DIAG(code, name, severity, summary) #code,
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
  };
  for (const std::string& code : codes) {
    EXPECT_EQ(code.size(), 5u) << code;
    EXPECT_EQ(code[0], 'E') << code;
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end()) << "duplicate code";
}

}  // namespace
}  // namespace weft
