// What `weft signal`, `terminate`, `pause`, `resume`, `retry` and `restart` share: open the
// store read-write just long enough for one operation on one execution, then print the
// execution's status. Opening briefly is what lets these commands work between `weft start`
// and `weft work` (a store has one writer at a time).
#ifndef WEFT_CLI_CONTROL_H_
#define WEFT_CLI_CONTROL_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "cli/cli_common.h"
#include "weft/engine.h"

namespace weft::cli {

// Checks that execution `id` exists ("no execution `ID`" otherwise), runs `operation` and
// prints "ID STATUS" (the status right after the operation) on stdout. The engine refuses an
// operation that makes no sense in the execution's state with a message saying why; that
// message becomes the `weft: error:` line. Returns the exit status.
int ControlExecution(const GlobalOptions& global, const std::string& id,
                     const std::function<absl::Status(Engine&)>& operation);

}  // namespace weft::cli

#endif  // WEFT_CLI_CONTROL_H_
