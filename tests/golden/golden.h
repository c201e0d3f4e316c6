// The shared golden-file harness. A golden test computes some text (a dump, rendered
// diagnostics, a program's output) and compares it with an expected file checked into
// tests/golden/. Setting WEFT_UPDATE_GOLDEN=1 rewrites the expected files from the actual
// output instead (review the diff before committing). Each .wf file becomes its own
// parameterised GoogleTest case:
//
//   class ParseGolden : public ::testing::TestWithParam<std::filesystem::path> {};
//   TEST_P(ParseGolden, Matches) {
//     const std::filesystem::path& wf = GetParam();
//     EXPECT_TRUE(weft::golden::MatchesGolden(Run(wf), weft::golden::WithExtension(wf, ".ast")));
//   }
//   INSTANTIATE_TEST_SUITE_P(Parse, ParseGolden,
//                            ::testing::ValuesIn(weft::golden::ListWfFiles("tests/golden/parse")),
//                            weft::golden::TestNameFor);
#ifndef WEFT_TESTS_GOLDEN_GOLDEN_H_
#define WEFT_TESTS_GOLDEN_GOLDEN_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace weft::golden {

// True when WEFT_UPDATE_GOLDEN=1: expected files are rewritten, not compared.
bool UpdateRequested();

// An absolute path for `relative`, a path from the repository root (tests may run from any
// directory; the root is compiled in).
std::filesystem::path SourcePath(const std::filesystem::path& relative);

// The file's bytes; REQUIRES: the file exists (fails the current test otherwise and returns "").
std::string ReadFile(const std::filesystem::path& path);

// Compares `actual` with the file at `expected_path`. In update mode, writes `actual` there
// when it differs (creating the file) and reports that it did. A missing expected file fails
// with a hint to run in update mode. On mismatch the message shows the first differing line
// and the whole actual text.
::testing::AssertionResult MatchesGolden(const std::string& actual,
                                         const std::filesystem::path& expected_path);

// The *.wf files directly in `dir` (relative to the repository root, or absolute), sorted by
// file name, as absolute paths. Empty when the directory does not exist.
std::vector<std::filesystem::path> ListWfFiles(const std::filesystem::path& dir);

// `path` with its extension replaced: WithExtension(".../x.wf", ".diag") is ".../x.diag".
std::filesystem::path WithExtension(const std::filesystem::path& path, const char* extension);

// True for a file whose name starts with `fail_`: it is expected to produce errors.
bool IsFailCase(const std::filesystem::path& path);

// A test name from the file's stem, with characters GoogleTest rejects replaced by `_`.
std::string TestNameFor(const ::testing::TestParamInfo<std::filesystem::path>& info);

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_GOLDEN_H_
