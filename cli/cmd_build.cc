// `weft build FILE -o OUT [--workflow NAME]`: compiles FILE and writes bytecode files (the
// stored form; docs/format/bytecode.md) without touching any store.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bytecode/hash.h"
#include "bytecode/serialize.h"
#include "cli/cli_common.h"
#include "cli/compile_file.h"

namespace weft::cli {
namespace {

struct BuildOptions {
  std::string file;
  std::string out;
  std::string workflow;
};

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

int WriteProgram(const bytecode::Program& program, const std::string& path) {
  std::string bytes = bytecode::SerializeProgram(program);
  if (absl::Status s = WriteFileAtomically(path, bytes); !s.ok()) return Fail(s);
  std::cout << program.workflow_name << " -> " << path << " (" << bytes.size() << " bytes, "
            << ShortHash(bytecode::ContentHash(bytes)) << ")\n";
  return kExitOk;
}

// OUT names a directory when it exists as one or ends with '/'; it is then created if needed.
int WriteAllInto(const CompiledFile& file, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Fail(absl::StrCat("cannot create directory `", dir, "`: ", error.message()));
  for (const bytecode::Program& program : file.workflows) {
    std::string path = (std::filesystem::path(dir) / (program.workflow_name + ".wfc")).string();
    if (int code = WriteProgram(program, path); code != kExitOk) return code;
  }
  return kExitOk;
}

int RunBuild(const BuildOptions& options) {
  absl::StatusOr<CompiledFile> file = CompileFile(options.file);
  if (!file.ok()) return Fail(file.status());
  if (!ReportDiagnostics(*file)) return kExitFailure;
  bool into_dir = IsDirectory(options.out) || (!options.out.empty() && options.out.back() == '/');
  if (into_dir && options.workflow.empty()) return WriteAllInto(*file, options.out);
  absl::StatusOr<const bytecode::Program*> program = SelectWorkflow(*file, options.workflow);
  if (!program.ok()) {
    return Fail(absl::StrCat(std::string(program.status().message()),
                             ", or pass a directory as -o to write them all"));
  }
  std::string path = options.out;
  if (into_dir) {
    path = (std::filesystem::path(path) / ((*program)->workflow_name + ".wfc")).string();
  }
  return WriteProgram(**program, path);
}

}  // namespace

void RegisterBuild(const CommandContext& context) {
  auto options = std::make_shared<BuildOptions>();
  CLI::App* cmd = context.app.add_subcommand("build", "Compile FILE to bytecode files");
  cmd->footer(
      "Nothing is deployed. With one workflow (or --workflow NAME), OUT is the file to write. "
      "When OUT is a directory (existing, or ending in /), every workflow of FILE is written "
      "there as NAME.wfc. `weft disasm` reads these files.");
  cmd->add_option("FILE", options->file, "the .wf file")->required();
  cmd->add_option("-o,--output", options->out, "the output file or directory")->required();
  cmd->add_option("--workflow", options->workflow, "write only this workflow");
  cmd->callback([&context, options] { context.exit_code = RunBuild(*options); });
}

}  // namespace weft::cli
