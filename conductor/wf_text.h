// Small helpers that spell Weft source text: names, string literals, field steps, object
// keys and durations. The translator (translate*.cc) builds the `.wf` file only through them,
// so every name and string it writes is valid Weft.
#ifndef WEFT_CONDUCTOR_WF_TEXT_H_
#define WEFT_CONDUCTOR_WF_TEXT_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace weft::conductor {

// True for `[A-Za-z_][A-Za-z0-9_]*`.
bool IsIdentifier(absl::string_view s);
// True for a word reserved by the language (it cannot name a variable, task or workflow).
bool IsKeyword(absl::string_view s);
// `s` made into a usable variable name: invalid characters become `_`, a leading digit or a
// keyword gets a `_` prefix.
std::string SanitizeName(absl::string_view s);
// A Weft string literal for `s`, with `"`, `\`, control characters and `${` escaped.
std::string Quote(absl::string_view s);
// A null-safe step reading key `key`: `?.key`, or `?.["key"]` when it is not a name.
std::string FieldStep(absl::string_view key);
// An object-literal key: `key` when it is a name or a keyword, else a quoted string.
std::string ObjectKey(absl::string_view key);
// A duration literal for `seconds`: `30s`, `5m`, `2h`, `1d` (the largest exact unit).
std::string DurationLiteral(int64_t seconds);

}  // namespace weft::conductor

#endif  // WEFT_CONDUCTOR_WF_TEXT_H_
