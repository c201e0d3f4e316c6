// More builtins on strings: trim, trim_start, trim_end, starts_with, ends_with, replace, substr,
// pad_left, pad_right, repeat, lines. Strings are UTF-8 and, as for len(), offsets and widths
// count bytes: the language has no character type, and byte offsets are what split/len agree on.
#include <algorithm>
#include <string>
#include <string_view>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

absl::StatusOr<Value> Trim(std::string_view fn, std::span<const Value> args, bool start, bool end) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError(fn, "a string", args[0]);
  std::string_view s = args[0].as_string();
  if (start) {
    while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  }
  if (end) {
    while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  }
  if (s.size() == args[0].as_string().size()) return args[0];  // unchanged: share it
  return Value::String(std::string(s));
}

// Both arguments must be strings; `role` names the second one in the error.
absl::Status TwoStrings(std::string_view fn, std::string_view role, std::span<const Value> args) {
  if (!args[0].is_string()) return ExpectError(fn, "a string", args[0]);
  if (!args[1].is_string()) return ExpectError(fn, role, args[1]);
  return absl::OkStatus();
}

absl::StatusOr<Value> Pad(std::string_view fn, std::span<const Value> args, bool at_start) {
  CheckArity(args, 2, 3);
  if (!args[0].is_string()) return ExpectError(fn, "a string", args[0]);
  if (!args[1].is_int()) return ExpectError(fn, "an int width", args[1]);
  std::string fill = " ";
  if (args.size() == 3) {
    if (!args[2].is_string()) return ExpectError(fn, "a string fill", args[2]);
    fill = args[2].as_string();
    if (fill.empty()) return UserError(fn, "fill must not be empty");
  }
  const std::string& s = args[0].as_string();
  const int64_t width = args[1].as_int();
  if (width <= static_cast<int64_t>(s.size())) return args[0];
  if (static_cast<uint64_t>(width) > kMaxResultBytes) {
    return LimitError(fn, "width is too large (at most 64 MiB)");
  }
  // As JavaScript's padStart/padEnd: the fill repeats and the last copy is cut to fit.
  std::string padding;
  const size_t need = static_cast<size_t>(width) - s.size();
  padding.reserve(need);
  while (padding.size() < need) padding.append(fill, 0, need - padding.size());
  return Value::String(at_start ? padding + s : s + padding);
}

}  // namespace

absl::StatusOr<Value> Builtin_trim(BuiltinContext&, std::span<const Value> args) {
  return Trim("trim", args, true, true);
}
absl::StatusOr<Value> Builtin_trim_start(BuiltinContext&, std::span<const Value> args) {
  return Trim("trim_start", args, true, false);
}
absl::StatusOr<Value> Builtin_trim_end(BuiltinContext&, std::span<const Value> args) {
  return Trim("trim_end", args, false, true);
}

absl::StatusOr<Value> Builtin_starts_with(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (auto s = TwoStrings("starts_with", "a string prefix", args); !s.ok()) return s;
  return Value::Bool(std::string_view(args[0].as_string()).starts_with(args[1].as_string()));
}

absl::StatusOr<Value> Builtin_ends_with(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (auto s = TwoStrings("ends_with", "a string suffix", args); !s.ok()) return s;
  return Value::Bool(std::string_view(args[0].as_string()).ends_with(args[1].as_string()));
}

absl::StatusOr<Value> Builtin_replace(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 3);
  if (auto s = TwoStrings("replace", "a string to replace", args); !s.ok()) return s;
  if (!args[2].is_string()) return ExpectError("replace", "a string replacement", args[2]);
  const std::string& s = args[0].as_string();
  const std::string& from = args[1].as_string();
  const std::string& to = args[2].as_string();
  if (from.empty()) return UserError("replace", "string to replace must not be empty");
  ctx.work += s.size();
  std::string out;
  size_t start = 0;
  for (size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    const size_t piece = at - start;
    if (auto st = CheckResultBytes("replace", out.size() + piece + to.size()); !st.ok()) return st;
    out.append(s, start, piece).append(to);
  }
  if (start == 0) return args[0];  // no occurrence
  if (auto st = CheckResultBytes("replace", out.size() + s.size() - start); !st.ok()) return st;
  out.append(s, start);
  return Value::String(std::move(out));
}

absl::StatusOr<Value> Builtin_substr(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2, 3);
  if (!args[0].is_string()) return ExpectError("substr", "a string", args[0]);
  if (!args[1].is_int()) return ExpectError("substr", "an int start", args[1]);
  const std::string& s = args[0].as_string();
  const int64_t size = static_cast<int64_t>(s.size());
  int64_t start = args[1].as_int();
  if (start < 0) start = start < -size ? 0 : size + start;  // from the end, as JavaScript
  if (start > size) start = size;
  int64_t count = size - start;
  if (args.size() == 3) {
    if (!args[2].is_int()) return ExpectError("substr", "an int length", args[2]);
    if (args[2].as_int() < 0) return UserError("substr", "length must not be negative");
    count = std::min(count, args[2].as_int());
  }
  return Value::String(s.substr(static_cast<size_t>(start), static_cast<size_t>(count)));
}

absl::StatusOr<Value> Builtin_pad_left(BuiltinContext&, std::span<const Value> args) {
  return Pad("pad_left", args, true);
}
absl::StatusOr<Value> Builtin_pad_right(BuiltinContext&, std::span<const Value> args) {
  return Pad("pad_right", args, false);
}

absl::StatusOr<Value> Builtin_repeat(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_string()) return ExpectError("repeat", "a string", args[0]);
  if (!args[1].is_int()) return ExpectError("repeat", "an int count", args[1]);
  const std::string& s = args[0].as_string();
  const int64_t n = args[1].as_int();
  if (n < 0) return UserError("repeat", "count must not be negative");
  if (!s.empty() && static_cast<uint64_t>(n) > kMaxResultBytes / s.size()) {
    return CheckResultBytes("repeat", kMaxResultBytes + 1);
  }
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int64_t i = 0; i < n && !s.empty(); ++i) out += s;
  return Value::String(std::move(out));
}

absl::StatusOr<Value> Builtin_lines(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("lines", "a string", args[0]);
  std::string_view s = args[0].as_string();
  ctx.work += s.size();
  // As in split(): count first when the string has room for more lines than the limit.
  if (s.size() >= kMaxResultItems) {
    const uint64_t count = static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n')) +
                           (s.ends_with('\n') ? 0 : 1);
    if (auto st = CheckResultItems("lines", count); !st.ok()) return st;
  }
  List out;
  // A final line ending ends the last line; it does not start an empty one ("a\n" is ["a"]).
  while (!s.empty()) {
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (nl != std::string_view::npos && line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(Value::String(std::string(line)));
    s.remove_prefix(nl == std::string_view::npos ? s.size() : nl + 1);
  }
  return Value::MakeList(std::move(out));
}

}  // namespace weft::stdlib
