// docs/diagnostics.md documents every diagnostic kind of compiler/diag/diagnostic_kinds.def:
// a heading that starts with the code, and under it a ```weft-error example that produces
// that very code. A new kind cannot land undocumented, and a documented example cannot drift
// away from the diagnostic it is meant to show.
#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <set>
#include <sstream>

#include "compiler/diag/diagnostic.h"
#include "tests/docs/doc_blocks.h"
#include "tests/docs/example_runner.h"
#include "tests/golden/golden.h"

namespace weft::docs {
namespace {

constexpr char kDoc[] = "docs/diagnostics.md";

// Kinds whose trigger cannot be written as one file in a Markdown page: invalid UTF-8 would
// make the page itself invalid, and a state map's diagnostics need two versions of a workflow.
// Their section must name the golden test that shows them instead.
struct Unshowable {
  diag::DiagnosticKind kind;
  const char* golden;
};
constexpr Unshowable kUnshowable[] = {
    {diag::DiagnosticKind::kInvalidUtf8, "tests/golden/parse/fail_invalid_utf8.wf"},
    {diag::DiagnosticKind::kMigrateNoCounterpart, "tests/golden/migrate/fail_task_removed.old.wf"},
    {diag::DiagnosticKind::kMigrateUnsetVariable,
     "tests/golden/migrate/fail_renamed_variable.old.wf"},
    {diag::DiagnosticKind::kMigrateNestingDiffers,
     "tests/golden/migrate/fail_parallel_new_branch.old.wf"},
    {diag::DiagnosticKind::kMigrateTypeChanged, "tests/golden/migrate/fail_type_changed.old.wf"},
    {diag::DiagnosticKind::kMigrateValueUnavailable,
     "tests/golden/migrate/fail_migrate_value_unavailable.old.wf"},
};

const char* GoldenInsteadOfExample(diag::DiagnosticKind kind) {
  for (const Unshowable& u : kUnshowable) {
    if (u.kind == kind) return u.golden;
  }
  return nullptr;
}

std::vector<diag::DiagnosticKind> AllKinds() {
  return {
#define DIAG(code, name, severity, summary) diag::DiagnosticKind::k##name,
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
  };
}

// The 1-based line of the heading `## CODE ...` or `### CODE ...`, or 0.
int HeadingLine(const std::string& markdown, std::string_view code) {
  std::istringstream in(markdown);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t hashes = line.find_first_not_of('#');
    if (hashes == 0 || hashes == std::string::npos) continue;
    if (line.compare(hashes, 1 + code.size(), " " + std::string(code)) == 0) return n;
  }
  return 0;
}

// The line of the first heading after `line`, or INT_MAX.
int NextHeading(const std::string& markdown, int after) {
  std::istringstream in(markdown);
  std::string line;
  bool in_fence = false;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.rfind("```", 0) == 0) in_fence = !in_fence;
    if (n > after && !in_fence && line.rfind("#", 0) == 0) return n;
  }
  return INT_MAX;
}

// Lines [first, end) of `markdown`.
std::string SectionText(const std::string& markdown, int first, int end) {
  std::istringstream in(markdown);
  std::string line, text;
  for (int n = 1; std::getline(in, line); ++n) {
    if (n >= first && n < end) text += line + "\n";
  }
  return text;
}

class DiagnosticsDoc : public ::testing::TestWithParam<diag::DiagnosticKind> {};

TEST_P(DiagnosticsDoc, HasASectionWithAnExampleThatTriggersIt) {
  const diag::DiagnosticInfo& info = diag::InfoOf(GetParam());
  const std::string markdown = golden::ReadFile(golden::SourcePath(kDoc));
  const int heading = HeadingLine(markdown, info.code);
  ASSERT_GT(heading, 0) << kDoc << " has no heading `## " << info.code << " ...` for "
                        << info.name << " (" << info.summary << ")";
  const int end = NextHeading(markdown, heading);
  if (const char* golden = GoldenInsteadOfExample(GetParam())) {
    const std::string section = SectionText(markdown, heading, end);
    EXPECT_NE(section.find(golden), std::string::npos)
        << kDoc << ":" << heading << ": the section must name " << golden;
    EXPECT_TRUE(std::filesystem::exists(golden::SourcePath(golden))) << golden;
    return;
  }
  const CodeBlock* example = nullptr;
  const std::vector<CodeBlock> blocks = ParseBlocks(markdown);
  for (const CodeBlock& b : blocks) {
    if (b.info == "weft-error" && b.line > heading && b.line < end) {
      example = &b;
      break;
    }
  }
  ASSERT_NE(example, nullptr) << kDoc << ":" << heading << ": no ```weft-error example under "
                              << info.code;
  const compiler::CompileOutput out = CompileExample(example->body);
  bool produced = false;
  for (const diag::Diagnostic& d : out.diagnostics.all()) produced |= d.kind == GetParam();
  EXPECT_TRUE(produced) << kDoc << ":" << example->line << ": the example under " << info.code
                        << " does not produce it:\n" << RenderDiagnostics(out, example->body);
}

INSTANTIATE_TEST_SUITE_P(Kinds, DiagnosticsDoc, ::testing::ValuesIn(AllKinds()),
                         [](const ::testing::TestParamInfo<diag::DiagnosticKind>& info) {
                           const diag::DiagnosticInfo& d = diag::InfoOf(info.param);
                           return std::string(d.code) + "_" + std::string(d.name);
                         });

// Headings for codes the compiler no longer has would document diagnostics nobody can get.
TEST(DiagnosticsDocHeadings, EveryDocumentedCodeExists) {
  std::set<std::string> known;
  for (diag::DiagnosticKind kind : AllKinds()) known.insert(std::string(diag::InfoOf(kind).code));
  std::istringstream in(golden::ReadFile(golden::SourcePath(kDoc)));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.rfind("## E0", 0) != 0 && line.rfind("### E0", 0) != 0) continue;
    const std::string code = line.substr(line.find('E'), 5);
    EXPECT_TRUE(known.count(code)) << kDoc << ":" << n << ": " << code << " is not a diagnostic";
  }
}

}  // namespace
}  // namespace weft::docs
