// Conductor's JavaScript snippets as Weft expressions. SWITCH with evaluatorType `javascript`
// or `graaljs`, INLINE, and DO_WHILE's `loopCondition` carry small JavaScript programs over
// `$` (the task's inputParameters). Nearly all of them are an expression, or an `if`/`else`
// that returns or ends on one. TranslateJs turns such a program into one Weft expression,
// evaluated in the VM like any other (deterministic, no task round trip); anything outside
// the subset is an InvalidArgument saying what was met, and the translator then runs the
// program in the `js` system task instead (stdlib/js.h). The subset, and how it differs from
// JavaScript, is in docs/conductor.md.
#ifndef WEFT_CONDUCTOR_JS_SUBSET_H_
#define WEFT_CONDUCTOR_JS_SUBSET_H_

#include <functional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace weft::conductor {

// Gives the Weft expression for `$.key` (`key` empty: `$` itself).
using DollarResolver = std::function<absl::StatusOr<std::string>(absl::string_view key)>;

// The subset:
//   program     an expression; statements (`if (c) S else S`, `return e;`, `e;`, blocks),
//               whose value is the first `return` or, at top level, the last expression
//               statement reached; `function f() { ... } f();`; `(function () { ... })()`
//   expression  literals (numbers, 'strings', "strings", true, false, null, undefined),
//               [lists], {objects}, `$`, `.name`, `['key']`, `[i]`, `.length`, unary `!` `-`,
//               `* / % + -`, `< <= > >=`, `== != === !==`, `&&`, `||`, `c ? a : b`
absl::StatusOr<std::string> TranslateJs(absl::string_view source, const DollarResolver& dollar);

}  // namespace weft::conductor

#endif  // WEFT_CONDUCTOR_JS_SUBSET_H_
