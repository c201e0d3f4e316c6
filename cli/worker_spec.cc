// Parsing of `--worker NAME=COMMAND`; see worker_spec.h.
#include "cli/worker_spec.h"

#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "weft/command_worker.h"

namespace weft::cli {

absl::StatusOr<std::map<std::string, std::string>> ParseWorkerSpecs(
    const std::vector<std::string>& specs) {
  std::map<std::string, std::string> workers;
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad --worker `", spec, "`: expected NAME=COMMAND, e.g. ship_ups=./ship_ups.sh"));
    }
    std::string name = spec.substr(0, eq);
    if (!workers.emplace(name, spec.substr(eq + 1)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--worker `", name, "` is given more than once"));
    }
  }
  return workers;
}

std::vector<std::string> MissingWorkers(const bytecode::Program& program,
                                        const std::map<std::string, std::string>& workers) {
  std::vector<std::string> missing;
  for (const bytecode::TaskDecl& task : program.tasks) {
    if (bytecode::IsSystemTask(task.name)) continue;  // the engine serves them itself
    if (workers.count(task.name) == 0) missing.push_back(task.name);
  }
  return missing;
}

void RegisterCommandWorkers(Engine& engine, const std::map<std::string, std::string>& workers,
                            absl::Duration timeout) {
  CommandWorkerOptions options;
  options.timeout = timeout;
  // The pool's size (--concurrency) bounds how many run at once, all types together.
  for (const auto& [name, command] : workers) {
    engine.RegisterWorker(name, CommandWorker(command, options));
  }
}

}  // namespace weft::cli
