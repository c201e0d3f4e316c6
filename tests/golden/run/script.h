// The scripted environment of a run golden. A .wf file in tests/golden/run carries its own
// script in `//!` comment lines:
//
//   //! input: {"order_id": "o1", "vendor": "ups"}     one run per input line, in order
//   //! task shipping_info => {"address": "1 Main St"}  results for a task type, in call order;
//   //! task ship_ups !> "out of labels"                  `!>` fails the call with that reason
//   //! now: 1700000000000                               the clock seen by now() (default 0)
//
// When a task type's results run out, its last result is reused.
#ifndef WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_
#define WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::golden {

struct ScriptedResult {
  bool ok = true;
  Value value;         // the output when ok
  std::string reason;  // when !ok
};

struct Script {
  std::vector<Value> inputs;
  std::map<std::string, std::vector<ScriptedResult>> results;
  int64_t now_ms = 0;
};

absl::StatusOr<Script> ParseScript(const std::string& source);

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_
