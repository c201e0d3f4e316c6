// `--worker NAME=COMMAND` arguments of `weft run`.
#ifndef WEFT_CLI_WORKER_SPEC_H_
#define WEFT_CLI_WORKER_SPEC_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bytecode/program.h"

namespace weft::cli {

// Task type -> shell command. Errors: no `=`, an empty name or command, a name given twice.
absl::StatusOr<std::map<std::string, std::string>> ParseWorkerSpecs(
    const std::vector<std::string>& specs);

// The tasks `program` calls that have no worker in `workers`, in the program's order.
std::vector<std::string> MissingWorkers(const bytecode::Program& program,
                                        const std::map<std::string, std::string>& workers);

}  // namespace weft::cli

#endif  // WEFT_CLI_WORKER_SPEC_H_
