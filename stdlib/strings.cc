// Builtins on strings: upper, lower, split, join.
#include <optional>
#include <string>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// ASCII only, on purpose: locale-free and the same everywhere. Other bytes pass through.
std::string MapAscii(const std::string& s, char from_lo, char from_hi, int delta) {
  std::string out = s;
  for (char& c : out) {
    if (c >= from_lo && c <= from_hi) c = static_cast<char>(c + delta);
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> Builtin_upper(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("upper", "a string", args[0]);
  return Value::String(MapAscii(args[0].as_string(), 'a', 'z', 'A' - 'a'));
}

absl::StatusOr<Value> Builtin_lower(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("lower", "a string", args[0]);
  return Value::String(MapAscii(args[0].as_string(), 'A', 'Z', 'a' - 'A'));
}

absl::StatusOr<Value> Builtin_split(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_string()) return ExpectError("split", "a string", args[0]);
  if (!args[1].is_string()) return ExpectError("split", "a string separator", args[1]);
  const std::string& s = args[0].as_string();
  const std::string& sep = args[1].as_string();
  if (sep.empty()) return absl::InvalidArgumentError("split() separator must not be empty");
  ctx.work += s.size();
  // Only a string with room for more pieces than the limit can go past it: count those first,
  // so that nothing is built for a result that would be refused.
  if (s.size() / sep.size() >= kMaxResultItems) {
    uint64_t count = 1;
    for (size_t at = 0; (at = s.find(sep, at)) != std::string::npos; at += sep.size()) ++count;
    if (auto st = CheckResultItems("split", count); !st.ok()) return st;
  }
  List pieces;
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    pieces.push_back(Value::String(s.substr(start, at - start)));
  }
  pieces.push_back(Value::String(s.substr(start)));
  return Value::MakeList(std::move(pieces));
}

absl::StatusOr<Value> Builtin_join(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_list()) return ExpectError("join", "a list", args[0]);
  if (!args[1].is_string()) return ExpectError("join", "a string separator", args[1]);
  const std::string& sep = args[1].as_string();
  std::string out;
  bool first = true;
  // Each piece is added only while the text stays within the limit; non-strings are written as
  // JSON with a bound, so a huge item costs no more than the limit.
  for (const Value& item : args[0].as_list()) {
    if (!first) {
      if (auto s = CheckResultBytes("join", out.size() + sep.size()); !s.ok()) return s;
      out += sep;
    }
    first = false;
    if (item.is_string()) {
      const std::string& piece = item.as_string();
      if (auto s = CheckResultBytes("join", out.size() + piece.size()); !s.ok()) return s;
      out += piece;  // no temporary copy for the common case
    } else {
      std::optional<std::string> json = item.ToJsonBounded(-1, kMaxResultBytes - out.size());
      if (!json) return CheckResultBytes("join", kMaxResultBytes + 1);
      out += *json;
    }
  }
  return Value::String(std::move(out));
}

}  // namespace weft::stdlib
