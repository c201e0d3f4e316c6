// See example_runner.h. Examples run on the real engine through the run goldens' harness
// (tests/golden/run/harness.h), so the docs can show every construct: branches, timers,
// signals, child workflows.
#include "tests/docs/example_runner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "compiler/diag/diagnostic.h"
#include "tests/golden/run/harness.h"
#include "tests/golden/run/script.h"

namespace weft::docs {

compiler::CompileOutput CompileExample(const std::string& source) {
  return compiler::Compile(kExampleFile, source);
}

std::string RenderDiagnostics(const compiler::CompileOutput& out, const std::string& source) {
  return diag::RenderAll(out.diagnostics, kExampleFile, source);
}

std::string RunTranscript(const compiler::CompileOutput& out, const std::string& source,
                          const std::string& script_text) {
  absl::StatusOr<golden::Script> script = golden::ParseScript(script_text);
  if (!script.ok()) return absl::StrCat("bad script: ", script.status().message(), "\n");
  std::string transcript;
  for (const bytecode::Program& program : out.workflows) {
    // `//! run:` names the top-level workflows; the others are only children.
    if (!script->run.empty() &&
        std::find(script->run.begin(), script->run.end(), program.workflow_name) ==
            script->run.end()) {
      continue;
    }
    for (const Value& input : script->inputs) {
      absl::StrAppend(&transcript, "--- ", program.workflow_name, " ", input.ToJson(), "\n");
      transcript += golden::RunOnEngine(kExampleFile, source, program.workflow_name, *script, input);
    }
  }
  return transcript;
}

}  // namespace weft::docs
