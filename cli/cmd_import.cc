// `weft import conductor DEF.json [--taskdefs FILE] [--workflows FILE]`: translates a
// Conductor WorkflowDef into a `.wf` file and prints it (conductor/workflow_def.h). The
// translation is compiled before it is printed, so what is printed is a file the compiler
// accepts; bad input gets a message naming the task and the field, and exit status 1.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "compiler/compiler.h"
#include "conductor/workflow_def.h"

namespace weft::cli {
namespace {

struct ImportOptions {
  std::string def;
  std::string taskdefs;
  std::string workflows;
};

int RunImportConductor(const ImportOptions& options) {
  absl::StatusOr<std::string> def = ReadFile(options.def);
  if (!def.ok()) return Fail(def.status());
  conductor::TaskDefs taskdefs;
  if (!options.taskdefs.empty()) {
    absl::StatusOr<std::string> text = ReadFile(options.taskdefs);
    if (!text.ok()) return Fail(text.status());
    absl::StatusOr<conductor::TaskDefs> parsed = conductor::ParseTaskDefs(*text);
    if (!parsed.ok()) return Fail(absl::InvalidArgumentError(absl::StrCat(options.taskdefs, ": ", parsed.status().message())));
    taskdefs = *std::move(parsed);
  }
  conductor::WorkflowDefs others;
  if (!options.workflows.empty()) {
    absl::StatusOr<std::string> text = ReadFile(options.workflows);
    if (!text.ok()) return Fail(text.status());
    absl::StatusOr<conductor::WorkflowDefs> parsed = conductor::ParseWorkflowDefs(*text);
    if (!parsed.ok()) return Fail(absl::InvalidArgumentError(absl::StrCat(options.workflows, ": ", parsed.status().message())));
    others = *std::move(parsed);
  }
  absl::StatusOr<conductor::Translation> translation = conductor::TranslateWorkflowDef(*def, taskdefs, others);
  if (!translation.ok()) {
    return Fail(absl::InvalidArgumentError(absl::StrCat(options.def, ": ", translation.status().message())));
  }
  const std::string wf_name = absl::StrCat(translation->name, ".wf");
  compiler::CompileOutput compiled = compiler::Compile(wf_name, translation->wf_source);
  if (!compiled.ok()) {
    std::cerr << translation->wf_source << "\n"
              << diag::RenderAll(compiled.diagnostics, wf_name, translation->wf_source);
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        options.def, ": the translation does not compile (shown above); the definition uses a "
                     "combination Weft cannot express")));
  }
  std::cout << translation->wf_source;
  return kExitOk;
}

}  // namespace

void RegisterImport(const CommandContext& context) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* cmd = context.app.add_subcommand("import", "Translate a workflow definition of another engine into a .wf file");
  cmd->require_subcommand(1);
  CLI::App* conductor = cmd->add_subcommand("conductor", "Print the .wf translation of a Conductor WorkflowDef JSON file");
  conductor->footer(
      "DEF.json is one WorkflowDef. --taskdefs gives the TaskDefs (an array, as POSTed to "
      "/api/metadata/taskdefs) whose retry and timeout settings become task policies; "
      "--workflows gives the WorkflowDefs of its sub-workflows and failure workflow, which are "
      "translated into the same file. docs/conductor.md describes the translation.");
  conductor->add_option("DEF", options->def, "the WorkflowDef JSON file")->required();
  conductor->add_option("--taskdefs", options->taskdefs, "a JSON file of TaskDefs");
  conductor->add_option("--workflows", options->workflows, "a JSON file of other WorkflowDefs");
  conductor->callback([&context, options] { context.exit_code = RunImportConductor(*options); });
}

}  // namespace weft::cli
