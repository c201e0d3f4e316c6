// Running a JavaScript expression (an embedded Duktape 2.7, Debian `duktape-dev`) on a value:
// the `js` system task, which runs what the Conductor importer cannot translate into Weft
// expressions (the `javascript`/`graaljs` evaluators of INLINE and SWITCH; docs/conductor.md).
//
// The program runs as Conductor's evaluators run it: a script whose value is its completion
// value, with the input as the global `$`. Its result comes back as JSON (undefined is null).
// It runs in a forked child, as jq() does (stdlib/jq.h), so that nothing it does reaches the
// engine: a time budget (wall clock; the child is killed when it passes; Debian's Duktape has
// no interrupt hook, DUK_USE_EXEC_TIMEOUT_CHECK, so the process boundary is what bounds it) and
// a memory budget (Duktape's heap runs on an allocator that refuses to go past it, which
// Duktape reports as a RangeError). The heap has only ECMAScript's built-ins: no `require`, no
// `print`, no file, network or environment access.
#ifndef WEFT_STDLIB_JS_H_
#define WEFT_STDLIB_JS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "weft/value.h"

namespace weft::stdlib {

struct JsBudget {
  absl::Duration time = absl::Seconds(1);  // wall clock, from fork to the last byte
  size_t memory_bytes = size_t{64} << 20;  // Duktape's heap
};

struct JsResult {
  bool ok = false;
  Value value;          // when ok
  std::string message;  // when not: "js() error: ...", "js() ran past its time budget of 1 s"
};

// Runs `source` with `input` as `$`. Never throws, never crashes the caller.
JsResult RunJs(const std::string& source, const Value& input, const JsBudget& budget = {});

// The `js` system task's input is {"expression": source, "input": value}.
inline constexpr std::string_view kJsExpressionField = "expression";
inline constexpr std::string_view kJsInputField = "input";

// The system task: RunJs on the fields of `task_input`; a usage error when they are missing.
JsResult RunJsTask(const Value& task_input, const JsBudget& budget = {});

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_JS_H_
