// The Conductor import goldens (tests/golden/conductor): Conductor JSON in, `.wf` out, and a
// run of that `.wf` on the real engine.
//
//   NAME.json            a WorkflowDef
//   NAME.taskdefs.json   its TaskDefs (an array), optional
//   NAME.workflows.json  the WorkflowDefs of its children (an array), optional
//   NAME.script          the run script (`//!` lines of ../run/script.h), optional
//   NAME.wf              expected: the translation; for fail_NAME, the error instead
//   NAME.out             expected: the run's transcript (not for fail_ cases)
//
// Each translation must compile; its diagnostics otherwise land in the .wf comparison. The
// run plays the script's inputs against the main workflow. WEFT_UPDATE_GOLDEN=1 rewrites the
// expected files.
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "conductor/workflow_def.h"
#include "tests/golden/golden.h"
#include "tests/golden/run/harness.h"
#include "tests/golden/run/script.h"

namespace weft::golden {
namespace {

// The WorkflowDef files of the folder (not the .taskdefs.json and .workflows.json beside them).
std::vector<std::filesystem::path> Cases() {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path dir = SourcePath("tests/golden/conductor");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".json") || absl::EndsWith(name, ".taskdefs.json") ||
        absl::EndsWith(name, ".workflows.json")) {
      continue;
    }
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::filesystem::path Beside(const std::filesystem::path& json, const char* suffix) {
  return json.parent_path() / absl::StrCat(json.stem().string(), suffix);
}

std::string ReadIfExists(const std::filesystem::path& path) {
  return std::filesystem::exists(path) ? ReadFile(path) : std::string();
}

absl::StatusOr<conductor::Translation> Translate(const std::filesystem::path& json) {
  conductor::TaskDefs taskdefs;
  conductor::WorkflowDefs others;
  const std::string taskdefs_text = ReadIfExists(Beside(json, ".taskdefs.json"));
  if (!taskdefs_text.empty()) {
    absl::StatusOr<conductor::TaskDefs> parsed = conductor::ParseTaskDefs(taskdefs_text);
    if (!parsed.ok()) return parsed.status();
    taskdefs = *parsed;
  }
  const std::string others_text = ReadIfExists(Beside(json, ".workflows.json"));
  if (!others_text.empty()) {
    absl::StatusOr<conductor::WorkflowDefs> parsed = conductor::ParseWorkflowDefs(others_text);
    if (!parsed.ok()) return parsed.status();
    others = *parsed;
  }
  return conductor::TranslateWorkflowDef(ReadFile(json), taskdefs, others);
}

// The transcript of running the translation's main workflow with each input of NAME.script.
std::string Transcript(const std::filesystem::path& json, const conductor::Translation& translation,
                       const RunOptions& options = {}) {
  absl::StatusOr<Script> script = ParseScript(ReadIfExists(Beside(json, ".script")));
  if (!script.ok()) return absl::StrCat("bad script: ", script.status().message(), "\n");
  const std::string file_name = absl::StrCat(translation.name, ".wf");
  std::string out;
  for (const Value& input : script->inputs) {
    absl::StrAppend(&out, "--- ", translation.name, " ", input.ToJson(), "\n");
    out += RunOnEngine(file_name, translation.wf_source, translation.name, *script, input, options);
  }
  return out;
}

class ConductorGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(ConductorGolden, TranslatesAndRuns) {
  const std::filesystem::path& json = GetParam();
  absl::StatusOr<conductor::Translation> translation = Translate(json);
  if (IsFailCase(json)) {
    ASSERT_FALSE(translation.ok()) << "a fail_ case must be refused";
    EXPECT_TRUE(MatchesGolden(absl::StrCat("error: ", translation.status().message(), "\n"),
                              Beside(json, ".wf")));
    return;
  }
  ASSERT_TRUE(translation.ok()) << translation.status();
  const std::string file_name = absl::StrCat(translation->name, ".wf");
  compiler::CompileOutput compiled = compiler::Compile(file_name, translation->wf_source);
  std::string wf = translation->wf_source;
  if (!compiled.ok()) wf += diag::RenderAll(compiled.diagnostics, file_name, wf);
  EXPECT_TRUE(MatchesGolden(wf, Beside(json, ".wf")));
  ASSERT_TRUE(compiled.ok()) << "the translation does not compile";

  EXPECT_TRUE(MatchesGolden(Transcript(json, *translation), Beside(json, ".out")));
}

// The same runs with the engine closed and the store reopened at every step boundary give the
// same transcript: an imported workflow resumes from its checkpoints like any other.
TEST_P(ConductorGolden, RunsTheSameReopenedAtEveryStep) {
  const std::filesystem::path& json = GetParam();
  if (IsFailCase(json)) GTEST_SKIP() << "refused: nothing to run";
  if (UpdateRequested()) GTEST_SKIP() << "TranslatesAndRuns rewrites the .out files";
  absl::StatusOr<conductor::Translation> translation = Translate(json);
  ASSERT_TRUE(translation.ok()) << translation.status();
  EXPECT_EQ(Transcript(json, *translation, RunOptions{.reopen_at_every_step = true}),
            ReadFile(Beside(json, ".out")));
}

std::string CaseName(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Conductor, ConductorGolden, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace weft::golden
