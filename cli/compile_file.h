// The CLI's one door into the compiler: read a .wf file, compile it, render its diagnostics.
// Keeps the compiler's API out of the subcommands that only need programs.
#ifndef WEFT_CLI_COMPILE_FILE_H_
#define WEFT_CLI_COMPILE_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bytecode/program.h"

namespace weft::cli {

struct CompiledFile {
  std::string path;
  std::string source;
  std::vector<bytecode::Program> workflows;  // empty when there are errors
  std::string rendered_diagnostics;          // errors and warnings, ready to print; may be ""
  size_t error_count = 0;
  size_t task_count = 0;  // tasks the file declares (as far as it parsed)
};

// Errors only when the file cannot be read; compile errors are in the result.
absl::StatusOr<CompiledFile> CompileFile(const std::string& path);

// Prints the diagnostics (if any) on stderr; when there are errors, also the one-line error
// "`PATH` has N errors" and returns false.
bool ReportDiagnostics(const CompiledFile& file);

// The workflow named `name`; or, when `name` is empty, the only workflow of the file. Errors
// name the candidates ("`a.wf` has several workflows (a, b): choose one with --workflow").
absl::StatusOr<const bytecode::Program*> SelectWorkflow(const CompiledFile& file,
                                                        const std::string& name);

}  // namespace weft::cli

#endif  // WEFT_CLI_COMPILE_FILE_H_
