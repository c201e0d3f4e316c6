// `--signal NAME=JSON` arguments of `weft run`: signals to deliver right after the start.
#ifndef WEFT_CLI_SIGNAL_SPEC_H_
#define WEFT_CLI_SIGNAL_SPEC_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::cli {

struct SignalSpec {
  std::string name;
  Value payload;
};

// In the order given. The JSON may be `@FILE`; `NAME=` alone is a null payload. Errors: no
// `=`, an empty name, bad JSON.
absl::StatusOr<std::vector<SignalSpec>> ParseSignalSpecs(const std::vector<std::string>& specs);

}  // namespace weft::cli

#endif  // WEFT_CLI_SIGNAL_SPEC_H_
