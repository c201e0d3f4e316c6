// Builtins on objects: merge, pick_keys, omit_keys, get, has, entries, from_entries. Results keep
// insertion order, as every object of the language does.
#include <string>
#include <unordered_set>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// The keys argument of pick_keys/omit_keys as a set.
absl::StatusOr<std::unordered_set<std::string_view>> KeySet(std::string_view fn, const Value& keys) {
  if (!keys.is_list()) return ExpectError(fn, "a list of string keys", keys);
  std::unordered_set<std::string_view> out;
  for (const Value& key : keys.as_list()) {
    if (!key.is_string()) return ExpectError(fn, "string keys in the list", key);
    out.insert(key.as_string());
  }
  return out;
}

absl::StatusOr<Value> Filter(std::string_view fn, std::span<const Value> args, bool keep) {
  CheckArity(args, 2);
  if (!args[0].is_object()) return ExpectError(fn, "an object", args[0]);
  auto keys = KeySet(fn, args[1]);
  if (!keys.ok()) return keys.status();
  std::vector<Object::Entry> out;
  for (const auto& entry : args[0].as_object()) {
    if (keys->contains(entry.first) == keep) out.push_back(entry);
  }
  return Value::MakeObject(Object(std::move(out)));
}

// One step of get(): x[step], or nullptr when there is nothing there.
absl::StatusOr<const Value*> Step(const Value& x, const Value& step) {
  if (!step.is_string() && !step.is_int()) {
    return ExpectError("get", "string keys and int indexes in the path", step);
  }
  if (x.is_object() && step.is_string()) return x.as_object().Find(step.as_string());
  if (x.is_list() && step.is_int()) {
    const int64_t i = step.as_int();
    const List& items = x.as_list();
    if (i >= 0 && i < static_cast<int64_t>(items.size())) return &items[static_cast<size_t>(i)];
  }
  return nullptr;  // a missing key, an index out of range, or a scalar/null on the way
}

}  // namespace

absl::StatusOr<Value> Builtin_merge(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_object()) return ExpectError("merge", "an object", args[0]);
  if (!args[1].is_object()) return ExpectError("merge", "an object to merge in", args[1]);
  const Object& a = args[0].as_object();
  const Object& b = args[1].as_object();
  if (b.empty()) return args[0];
  if (a.size() + b.size() > Value::kMaxObjectEntries) {
    // Duplicates may bring it back under the limit: count the keys of b that a lacks.
    uint64_t count = a.size();
    for (const auto& entry : b) count += a.Find(entry.first) == nullptr ? 1 : 0;
    if (count > Value::kMaxObjectEntries) {
      return LimitError("merge", "result would have more than " +
                                     std::to_string(Value::kMaxObjectEntries) + " entries");
    }
  }
  std::vector<Object::Entry> entries;
  entries.reserve(a.size() + b.size());
  entries.insert(entries.end(), a.begin(), a.end());
  entries.insert(entries.end(), b.begin(), b.end());
  // Object's constructor keeps a duplicate key at its first position with its last value.
  return Value::MakeObject(Object(std::move(entries)));
}

absl::StatusOr<Value> Builtin_pick_keys(BuiltinContext&, std::span<const Value> args) {
  return Filter("pick_keys", args, true);
}

absl::StatusOr<Value> Builtin_omit_keys(BuiltinContext&, std::span<const Value> args) {
  return Filter("omit_keys", args, false);
}

absl::StatusOr<Value> Builtin_get(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2, 3);
  const Value fallback = args.size() == 3 ? args[2] : Value::Null();
  const Value* at = &args[0];
  // A list is a path of steps; a string or an int is a path of one step.
  std::span<const Value> path = args[1].is_list() ? std::span<const Value>(args[1].as_list())
                                                  : args.subspan(1, 1);
  if (!args[1].is_list() && !args[1].is_string() && !args[1].is_int()) {
    return ExpectError("get", "a string key, an int index or a list path", args[1]);
  }
  for (const Value& step : path) {
    auto next = Step(*at, step);
    if (!next.ok()) return next.status();
    if (*next == nullptr) return fallback;
    at = *next;
  }
  return *at;
}

absl::StatusOr<Value> Builtin_has(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (args[0].is_object()) {
    if (!args[1].is_string()) return ExpectError("has", "a string key for an object", args[1]);
    return Value::Bool(args[0].as_object().Find(args[1].as_string()) != nullptr);
  }
  if (args[0].is_list()) {
    if (!args[1].is_int()) return ExpectError("has", "an int index for a list", args[1]);
    const int64_t i = args[1].as_int();
    return Value::Bool(i >= 0 && i < static_cast<int64_t>(args[0].as_list().size()));
  }
  return ExpectError("has", "an object or list", args[0]);
}

absl::StatusOr<Value> Builtin_entries(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_object()) return ExpectError("entries", "an object", args[0]);
  List out;
  out.reserve(args[0].as_object().size());
  for (const auto& [key, value] : args[0].as_object()) {
    Object entry;
    entry.Set("key", Value::String(key));
    entry.Set("value", value);
    out.push_back(Value::MakeObject(std::move(entry)));
  }
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_from_entries(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("from_entries", "a list", args[0]);
  std::vector<Object::Entry> out;
  out.reserve(args[0].as_list().size());
  for (const Value& item : args[0].as_list()) {
    const Value* key = nullptr;
    const Value* value = nullptr;
    static const Value kNull;
    if (item.is_object()) {
      key = item.as_object().Find("key");
      value = item.as_object().Find("value");
      if (value == nullptr) value = &kNull;  // {key: "k"} alone means k: null
    } else if (item.is_list() && item.as_list().size() == 2) {
      key = &item.as_list()[0];
      value = &item.as_list()[1];
    } else {
      return UserError("from_entries", "expects {key, value} objects or [key, value] lists, got " +
                                           Preview(item));
    }
    if (key == nullptr || !key->is_string()) {
      return UserError("from_entries", "expects a string key in every entry, got " + Preview(item));
    }
    out.emplace_back(key->as_string(), *value);
  }
  return Value::MakeObject(Object(std::move(out)));
}

}  // namespace weft::stdlib
