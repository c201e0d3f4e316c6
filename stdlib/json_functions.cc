// json_parse and json_stringify: between values and JSON text, through the value library's own
// reader and writer (value/json.cc), so ints stay exact and keys keep their order.
#include <optional>
#include <string>

#include "common/strings.h"
#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

constexpr int64_t kMaxIndent = 16;

}  // namespace

absl::StatusOr<Value> Builtin_json_parse(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("json_parse", "a string", args[0]);
  ctx.work += args[0].as_string().size();
  auto parsed = Value::FromJson(args[0].as_string());
  // The reader's message names the offset: "invalid JSON at offset 3: Missing a comma...".
  if (!parsed.ok()) {
    // Valid JSON past a value limit (its messages say "limit", or "nesting deeper") is a limit
    // error, not a syntax error.
    const std::string message(ToStd(parsed.status().message()));
    const bool limit = message.find("the limit of") != std::string::npos ||
                       message.find("nesting deeper than") != std::string::npos;
    return limit ? LimitError("json_parse", message) : UserError("json_parse", message);
  }
  return *std::move(parsed);
}

absl::StatusOr<Value> Builtin_json_stringify(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1, 2);
  int64_t indent = 0;
  if (args.size() == 2) {
    if (!args[1].is_int()) return ExpectError("json_stringify", "an int indent", args[1]);
    indent = args[1].as_int();
    if (indent < 0 || indent > kMaxIndent) {
      return UserError("json_stringify", "indent must be between 0 and 16, got " + std::to_string(indent));
    }
  }
  // Written with a bound, so that a value whose text would pass the string limit (a value that
  // shares one part many times, say) fails once the limit is reached, not after.
  std::optional<std::string> text =
      args[0].ToJsonBounded(indent == 0 ? -1 : static_cast<int>(indent), kMaxResultBytes);
  if (!text) return CheckResultBytes("json_stringify", kMaxResultBytes + 1);
  return Value::String(*std::move(text));
}

}  // namespace weft::stdlib
