// CompileFile and friends; see compile_file.h.
#include "cli/compile_file.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/cli_common.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"

namespace weft::cli {

absl::StatusOr<CompiledFile> CompileFile(const std::string& path) {
  absl::StatusOr<std::string> source = ReadFile(path);
  if (!source.ok()) return source.status();
  CompiledFile file;
  file.path = path;
  file.source = *std::move(source);
  compiler::CompileOutput out = compiler::Compile(file.path, file.source);
  if (!out.diagnostics.all().empty()) {
    file.rendered_diagnostics = diag::RenderAll(out.diagnostics, file.path, file.source);
  }
  file.error_count = out.diagnostics.error_count();
  file.task_count = out.module->tasks.size();
  if (file.error_count == 0) file.workflows = std::move(out.workflows);
  return file;
}

bool ReportDiagnostics(const CompiledFile& file) {
  const std::string& text = file.rendered_diagnostics;
  std::cerr << text;
  if (!text.empty() && text.back() != '\n') std::cerr << "\n";
  if (file.error_count == 0) return true;
  Fail(absl::StrCat("`", file.path, "` has ", file.error_count,
                    file.error_count == 1 ? " error" : " errors"));
  return false;
}

absl::StatusOr<const bytecode::Program*> SelectWorkflow(const CompiledFile& file,
                                                        const std::string& name) {
  std::vector<std::string> names;
  for (const bytecode::Program& p : file.workflows) {
    if (p.workflow_name == name) return &p;
    names.push_back(p.workflow_name);
  }
  if (!name.empty()) {
    return absl::NotFoundError(absl::StrCat("`", file.path, "` has no workflow `", name,
                                            "` (it has: ", absl::StrJoin(names, ", "), ")"));
  }
  if (names.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("`", file.path, "` declares no workflow"));
  }
  if (names.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("`", file.path, "` has several workflows (", absl::StrJoin(names, ", "),
                     "): choose one with --workflow"));
  }
  return &file.workflows.front();
}

}  // namespace weft::cli
