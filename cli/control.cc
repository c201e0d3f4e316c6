// One operation on one execution; see control.h.
#include "cli/control.h"

#include <iostream>

namespace weft::cli {

int ControlExecution(const GlobalOptions& global, const std::string& id,
                     const std::function<absl::Status(Engine&)>& operation) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  // Asked first so that a typo is "no execution `X`" whatever the operation would say.
  if (absl::StatusOr<ExecutionInfo> e = (*engine)->GetExecution(id); !e.ok()) {
    return Fail(e.status());
  }
  if (absl::Status s = operation(**engine); !s.ok()) return Fail(s);
  absl::StatusOr<ExecutionInfo> after = (*engine)->GetExecution(id);
  if (!after.ok()) return Fail(after.status());
  std::cout << id << " " << ExecutionStatusName(after->status) << "\n";
  return kExitOk;
}

}  // namespace weft::cli
