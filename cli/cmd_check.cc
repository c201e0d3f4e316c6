// `weft check FILE [--dump PHASE]`: compiles FILE and reports its diagnostics; stores nothing.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/cli_common.h"
#include "cli/compile_file.h"
#include "cli/phase_dump.h"

namespace weft::cli {
namespace {

struct CheckOptions {
  std::string file;
  std::string dump;
};

// "2 workflows: a, b", or for a file of tasks only "no workflows; 1 task".
std::string Summary(const CompiledFile& file) {
  if (file.workflows.empty()) {
    return absl::StrCat("no workflows; ", file.task_count,
                        file.task_count == 1 ? " task" : " tasks");
  }
  std::vector<std::string> names;
  for (const bytecode::Program& p : file.workflows) names.push_back(p.workflow_name);
  return absl::StrCat(names.size(), names.size() == 1 ? " workflow: " : " workflows: ",
                      absl::StrJoin(names, ", "));
}

int RunCheck(const CheckOptions& options) {
  if (!options.dump.empty()) {
    absl::StatusOr<std::string> source = ReadFile(options.file);
    if (!source.ok()) return Fail(source.status());
    absl::StatusOr<std::string> dump = DumpPhase(options.dump, options.file, *source);
    if (!dump.ok()) return Fail(dump.status());
    std::cout << *dump;
  }
  absl::StatusOr<CompiledFile> file = CompileFile(options.file);
  if (!file.ok()) return Fail(file.status());
  if (!ReportDiagnostics(*file)) return kExitFailure;
  if (options.dump.empty()) std::cout << file->path << ": ok (" << Summary(*file) << ")\n";
  return kExitOk;
}

}  // namespace

void RegisterCheck(const CommandContext& context) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = context.app.add_subcommand("check", "Compile FILE and report its errors");
  cmd->footer(
      "Prints every diagnostic as `file:line:col: error: message [CODE]` with the source line, "
      "and exits 1 when there is an error. Nothing is stored.");
  cmd->add_option("FILE", options->file, "the .wf file")->required();
  cmd->add_option("--dump", options->dump,
                  absl::StrCat("also print a phase's text dump on stdout: ",
                               absl::StrJoin(DumpPhaseNames(), ", ")))
      ->check(CLI::IsMember(DumpPhaseNames()));
  cmd->callback([&context, options] { context.exit_code = RunCheck(*options); });
}

}  // namespace weft::cli
