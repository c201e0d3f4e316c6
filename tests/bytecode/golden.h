// Golden-file comparison for tests: compares `actual` with the file at `path` (relative to the
// repo root, the tests' working directory). With WEFT_UPDATE_GOLDEN=1 it rewrites the file
// instead, so a deliberate change is one command away.
#ifndef WEFT_TESTS_BYTECODE_GOLDEN_H_
#define WEFT_TESTS_BYTECODE_GOLDEN_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace weft::bytecode::testing {

inline void ExpectMatchesGolden(const std::string& path, const std::string& actual) {
  const char* update = std::getenv("WEFT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << " (run with WEFT_UPDATE_GOLDEN=1 to create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "output differs from " << path << " (WEFT_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace weft::bytecode::testing

#endif  // WEFT_TESTS_BYTECODE_GOLDEN_H_
