// weft::Value is the one data type of the Weft language and of every API around it: a JSON
// value whose integers stay exact 64-bit and whose object keys keep their insertion order.
//
// Values are immutable. Strings, lists and objects are held by shared pointer, so copying a
// Value is cheap (a refcount bump) and a value can be shared between a checkpoint, a task
// input and the VM's stack without deep copies. To "change" a list or an object, build a new
// one (ListBuilder / ObjectBuilder below, or the vectors directly).
//
// Numbers: a JSON number without fraction or exponent that fits in int64 is an Int; every other
// number is a Double. Int and Double compare equal when they denote the same number.
#ifndef WEFT_VALUE_H_
#define WEFT_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace weft {

class Value;
class Object;
using List = std::vector<Value>;

class Value {
 public:
  // The order is part of the checkpoint and bytecode formats: append only.
  enum class Kind : uint8_t { kNull = 0, kBool = 1, kInt = 2, kDouble = 3, kString = 4, kList = 5, kObject = 6 };

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(Rep(b)); }
  static Value Int(int64_t i) { return Value(Rep(i)); }
  static Value Double(double d) { return Value(Rep(d)); }
  static Value String(std::string s) {
    return Value(Rep(std::make_shared<const std::string>(std::move(s))));
  }
  static Value MakeList(List items) {
    return Value(Rep(std::make_shared<const List>(std::move(items))));
  }
  static Value MakeObject(Object object);

  Kind kind() const { return static_cast<Kind>(rep_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_object() const { return kind() == Kind::kObject; }

  // REQUIRES: the matching is_*() is true (checked).
  bool as_bool() const { return std::get<bool>(rep_); }
  int64_t as_int() const { return std::get<int64_t>(rep_); }
  double as_double() const { return std::get<double>(rep_); }
  // An Int or a Double as a double. REQUIRES: is_number().
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_double(); }
  const std::string& as_string() const { return *std::get<StringPtr>(rep_); }
  const List& as_list() const { return *std::get<ListPtr>(rep_); }
  const Object& as_object() const { return *std::get<ObjectPtr>(rep_); }

  // Deep equality with numeric comparison across Int and Double (1 == 1.0). Object equality
  // ignores key order, as JSON does.
  friend bool operator==(const Value& a, const Value& b);

  // "Truthiness" is deliberately absent: conditions must be booleans (the VM checks).

  // Compact JSON text; integers exact, doubles shortest round-trip form, keys in order.
  std::string ToJson() const;
  // Indented JSON text for people.
  std::string ToPrettyJson() const;
  // The language's `str()`: a string stays as it is (no quotes); anything else is ToJson().
  std::string ToDisplayString() const;
  // Parses one JSON document (RFC 8259). Errors name the offset.
  static absl::StatusOr<Value> FromJson(std::string_view json);

  // The user-facing name of a kind: "null", "bool", "int", "float", "string", "list", "object".
  static std::string_view KindName(Kind kind);

  // The deepest nesting of lists/objects that FromJson and the binary codec (value/value_codec.h)
  // accept: a scalar has depth 0, [1] has depth 1, [[1]] depth 2. Deeper input is rejected
  // rather than risking the stack.
  static constexpr int kMaxDepth = 256;

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<const List>;
  using ObjectPtr = std::shared_ptr<const Object>;
  using Rep = std::variant<std::monostate, bool, int64_t, double, StringPtr, ListPtr, ObjectPtr>;
  explicit Value(Rep rep) : rep_(std::move(rep)) {}
  Rep rep_;
};

// An object: key/value entries in insertion order. Setting an existing key replaces its value
// in place and keeps its position. Lookups are linear, which beats hashing for the small
// objects workflows pass around.
class Object {
 public:
  using Entry = std::pair<std::string, Value>;
  Object() = default;
  explicit Object(std::vector<Entry> entries);  // later duplicates replace earlier ones

  // Returns nullptr when absent.
  const Value* Find(std::string_view key) const;
  void Set(std::string key, Value value);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

inline Value Value::MakeObject(Object object) {
  return Value(Rep(std::make_shared<const Object>(std::move(object))));
}

}  // namespace weft

#endif  // WEFT_VALUE_H_
