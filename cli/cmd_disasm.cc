// `weft disasm FILE|NAME[@VERSION]`: the bytecode of a .wf file (compiled now), of a file
// written by `weft build`, or of a version deployed in the store, as readable text.
#include <sys/stat.h>

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bytecode/disasm.h"
#include "bytecode/serialize.h"
#include "cli/cli_common.h"
#include "cli/compile_file.h"

namespace weft::cli {
namespace {

struct DisasmOptions {
  std::string target;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

int PrintLoaded(std::string_view bytes, const std::string& what) {
  absl::StatusOr<bytecode::Program> program = bytecode::LoadProgram(bytes);
  if (!program.ok()) {
    return Fail(absl::StrCat(what, " is not valid Weft bytecode: ",
                             std::string(program.status().message())));
  }
  std::cout << bytecode::Disassemble(*program);
  return kExitOk;
}

int DisasmSource(const std::string& path) {
  absl::StatusOr<CompiledFile> file = CompileFile(path);
  if (!file.ok()) return Fail(file.status());
  if (!ReportDiagnostics(*file)) return kExitFailure;
  for (size_t i = 0; i < file->workflows.size(); ++i) {
    if (i > 0) std::cout << "\n";
    std::cout << bytecode::Disassemble(file->workflows[i]);
  }
  return kExitOk;
}

int DisasmDeployed(const GlobalOptions& global, const std::string& target) {
  std::string name = target;
  uint32_t version = 0;
  if (size_t at = target.rfind('@'); at != std::string::npos) {
    name = target.substr(0, at);
    if (!absl::SimpleAtoi(target.substr(at + 1), &version) || version == 0) {
      return Fail(absl::StrCat("bad version in `", target, "`: expected NAME@N with N >= 1"));
    }
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) {
    return Fail(absl::StrCat("`", target, "` is not a file, and ",
                             std::string(engine.status().message())));
  }
  absl::StatusOr<std::string> bytes = (*engine)->Bytecode(name, version);
  if (!bytes.ok()) {
    return Fail(absl::StrCat("`", target, "` is not a file, and ",
                             std::string(bytes.status().message())));
  }
  return PrintLoaded(*bytes, absl::StrCat("the stored bytecode of `", target, "`"));
}

int RunDisasm(const GlobalOptions& global, const DisasmOptions& options) {
  const std::string& target = options.target;
  if (EndsWith(target, ".wf")) return DisasmSource(target);
  if (IsFile(target)) {
    absl::StatusOr<std::string> bytes = ReadFile(target);
    if (!bytes.ok()) return Fail(bytes.status());
    return PrintLoaded(*bytes, absl::StrCat("`", target, "`"));
  }
  return DisasmDeployed(global, target);
}

}  // namespace

void RegisterDisasm(const CommandContext& context) {
  auto options = std::make_shared<DisasmOptions>();
  CLI::App* cmd = context.app.add_subcommand("disasm", "Print bytecode as text");
  cmd->footer(
      "TARGET is a .wf file (compiled now; every workflow in it), a bytecode file written by "
      "`weft build`, or NAME[@VERSION] of a workflow deployed in the store (default: its "
      "latest version).");
  cmd->add_option("TARGET", options->target, "FILE.wf, a bytecode file, or NAME[@VERSION]")
      ->required();
  cmd->callback([&context, options] {
    context.exit_code = RunDisasm(context.global, *options);
  });
}

}  // namespace weft::cli
