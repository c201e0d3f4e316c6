// json_parse and json_stringify: between values and JSON text, through the value library's own
// reader and writer (value/json.cc), so ints stay exact and keys keep their order.
#include <string>

#include "common/strings.h"
#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

constexpr int64_t kMaxIndent = 16;

// Like Value::ToPrettyJson, with any indent: scalars and keys are written by ToJson, so number
// and string forms are the compact writer's exactly.
void AppendIndented(const Value& v, int indent, int level, std::string& out) {
  const auto newline = [&](int at) {
    out += '\n';
    out.append(static_cast<size_t>(indent) * static_cast<size_t>(at), ' ');
  };
  if (v.is_list() && !v.as_list().empty()) {
    out += '[';
    bool first = true;
    for (const Value& item : v.as_list()) {
      if (!first) out += ',';
      first = false;
      newline(level + 1);
      AppendIndented(item, indent, level + 1, out);
    }
    newline(level);
    out += ']';
  } else if (v.is_object() && !v.as_object().empty()) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : v.as_object()) {
      if (!first) out += ',';
      first = false;
      newline(level + 1);
      out += Value::String(key).ToJson();
      out += ": ";
      AppendIndented(value, indent, level + 1, out);
    }
    newline(level);
    out += '}';
  } else {
    out += v.ToJson();  // a scalar, [] or {}
  }
}

}  // namespace

absl::StatusOr<Value> Builtin_json_parse(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("json_parse", "a string", args[0]);
  auto parsed = Value::FromJson(args[0].as_string());
  // The reader's message names the offset: "invalid JSON at offset 3: Missing a comma...".
  if (!parsed.ok()) return UserError("json_parse", ToStd(parsed.status().message()));
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
  if (indent == 0) return Value::String(args[0].ToJson());
  std::string out;
  AppendIndented(args[0], static_cast<int>(indent), 0, out);
  return Value::String(std::move(out));
}

}  // namespace weft::stdlib
