// The scripted environment of a run golden. A .wf file in tests/golden/run carries its own
// script in `//!` comment lines:
//
//   //! input: {"order_id": "o1", "vendor": "ups"}     one run per input line, in order
//   //! run: shipping                                  run only these workflows (repeatable;
//                                                       default: every workflow in the file)
//   //! task shipping_info => {"address": "1 Main St"}  results for a task type, in call order;
//   //! task ship_ups !> "out of labels"                  `!>` fails the attempt with that
//                                                       reason (its retry policy applies)
//   //! signal approved => {"by": "ann"}                 a signal for the run's top execution,
//                                                       sent (in order) right after the start
//   //! now: 1700000000000                               the virtual clock's start (default 0)
//
// When a task type's results run out, its last result is reused. How the harness plays the
// script on the engine is documented in harness.h.
#ifndef WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_
#define WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
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
  std::vector<std::string> run;  // workflows to run; empty: all
  std::map<std::string, std::vector<ScriptedResult>> results;
  std::vector<std::pair<std::string, Value>> signals;  // name, payload; in order
  int64_t now_ms = 0;
};

absl::StatusOr<Script> ParseScript(const std::string& source);

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_RUN_SCRIPT_H_
