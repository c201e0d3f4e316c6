// `weft check --dump PHASE`: the compiler's stable text dump of one phase, for people and for
// bug reports (the golden tests pin the same dumps).
#ifndef WEFT_CLI_PHASE_DUMP_H_
#define WEFT_CLI_PHASE_DUMP_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft::cli {

// The phases that can be dumped, in pipeline order.
std::vector<std::string> DumpPhaseNames();

// REQUIRES: `phase` is one of DumpPhaseNames(). The dump is produced even when the file has
// errors, as far as the phase gets.
absl::StatusOr<std::string> DumpPhase(std::string_view phase, std::string_view path,
                                      std::string_view source);

}  // namespace weft::cli

#endif  // WEFT_CLI_PHASE_DUMP_H_
