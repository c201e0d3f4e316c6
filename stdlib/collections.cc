// Builtins on containers: len, keys, values, contains.
#include <string>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {

absl::StatusOr<Value> Builtin_len(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  const Value& x = args[0];
  switch (x.kind()) {
    case Value::Kind::kList: return Value::Int(static_cast<int64_t>(x.as_list().size()));
    case Value::Kind::kObject: return Value::Int(static_cast<int64_t>(x.as_object().size()));
    case Value::Kind::kString: return Value::Int(static_cast<int64_t>(x.as_string().size()));
    default: return ExpectError("len", "a list, object or string", x);
  }
}

absl::StatusOr<Value> Builtin_keys(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_object()) return ExpectError("keys", "an object", args[0]);
  const Object& object = args[0].as_object();
  List keys;
  keys.reserve(object.size());
  for (const auto& entry : object) keys.push_back(Value::String(entry.first));
  return Value::MakeList(std::move(keys));
}

absl::StatusOr<Value> Builtin_values(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_object()) return ExpectError("values", "an object", args[0]);
  const Object& object = args[0].as_object();
  List values;
  values.reserve(object.size());
  for (const auto& entry : object) values.push_back(entry.second);
  return Value::MakeList(std::move(values));
}

absl::StatusOr<Value> Builtin_contains(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  const Value& haystack = args[0];
  const Value& needle = args[1];
  ctx.work += haystack.total_size();  // at most every item compared, or every byte searched
  switch (haystack.kind()) {
    case Value::Kind::kList:
      for (const Value& item : haystack.as_list()) {
        if (item == needle) return Value::Bool(true);
      }
      return Value::Bool(false);
    case Value::Kind::kObject:
      if (!needle.is_string()) return ExpectError("contains", "a string key for an object", needle);
      return Value::Bool(haystack.as_object().Find(needle.as_string()) != nullptr);
    case Value::Kind::kString:
      if (!needle.is_string()) return ExpectError("contains", "a string to find in a string", needle);
      return Value::Bool(haystack.as_string().find(needle.as_string()) != std::string::npos);
    default: return ExpectError("contains", "a list, object or string", haystack);
  }
}

}  // namespace weft::stdlib
