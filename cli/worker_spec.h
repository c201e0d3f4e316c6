// `--worker NAME=COMMAND` arguments of `weft run` and `weft work`.
#ifndef WEFT_CLI_WORKER_SPEC_H_
#define WEFT_CLI_WORKER_SPEC_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bytecode/program.h"
#include "weft/engine.h"

namespace weft::cli {

// Task type -> shell command. Errors: no `=`, an empty name or command, a name given twice.
absl::StatusOr<std::map<std::string, std::string>> ParseWorkerSpecs(
    const std::vector<std::string>& specs);

// The tasks `program` calls that have no worker in `workers`, in the program's order; the
// system tasks (`http`, `jq`) need none.
std::vector<std::string> MissingWorkers(const bytecode::Program& program,
                                        const std::map<std::string, std::string>& workers);

// The --concurrency option of `weft run` and `weft work`: how many tasks (commands and system
// tasks together) run at once; the engine's worker pool has this many threads.
inline constexpr int kMaxConcurrency = 1024;
inline constexpr char kConcurrencyHelp[] =
    "run at most N tasks at once, all task types together (default: one per core; 1 to 1024)";

// Registers each command as the worker of its task type. No single task may outlive
// `timeout`: a hung command is killed then.
void RegisterCommandWorkers(Engine& engine, const std::map<std::string, std::string>& workers,
                            absl::Duration timeout);

}  // namespace weft::cli

#endif  // WEFT_CLI_WORKER_SPEC_H_
