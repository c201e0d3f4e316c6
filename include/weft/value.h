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
//
// Limits: every list and object carries its depth and its logical size, computed once when it
// is made from its children's (so a value that shares one sub-value a million times is seen at
// once to be huge, without walking it). Values that come from outside (FromJson, the codec) and
// values the language builds (the VM's operators and builtins) are held to the limits below;
// CheckLimits() is the O(1) test. Destroying, comparing and printing a value never recurse on
// the C++ stack, so even a value built past the limits by C++ code cannot overflow it.
#ifndef WEFT_VALUE_H_
#define WEFT_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft {

class Value;
class Object;
using List = std::vector<Value>;
namespace value_internal {
struct ListNode;
struct ObjectNode;
}  // namespace value_internal

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
  // Computes the new container's depth and size from its items: O(items). Never fails; a
  // caller that builds values from untrusted input or user programs checks CheckLimits().
  static Value MakeList(List items);
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
  const List& as_list() const;
  const Object& as_object() const;

  // The nesting of lists and objects: 0 for a scalar or a string, 1 for [] or [1], 2 for [[1]].
  // O(1).
  int64_t depth() const;
  // The logical size: 1 for every value (the root, each list item, each object entry), plus the
  // bytes of every string and object key. A part shared N times counts N times. It is a lower
  // bound of the length of the value's JSON text. O(1); saturates at UINT64_MAX.
  uint64_t total_size() const;

  // Deep equality with numeric comparison across Int and Double (1 == 1.0). Object equality
  // ignores key order, as JSON does.
  friend bool operator==(const Value& a, const Value& b);

  // "Truthiness" is deliberately absent: conditions must be booleans (the VM checks).

  // Compact JSON text; integers exact, doubles shortest round-trip form, keys in order.
  std::string ToJson() const;
  // Indented JSON text for people.
  std::string ToPrettyJson() const;
  // ToJson (indent < 0) or JSON indented by `indent` spaces per level (ToPrettyJson's layout),
  // or nullopt when the text would be longer than max_bytes: writing stops soon after that
  // point, so the cost is bounded by max_bytes whatever the value.
  std::optional<std::string> ToJsonBounded(int indent, size_t max_bytes) const;
  // The language's `str()`: a string stays as it is (no quotes); anything else is ToJson().
  std::string ToDisplayString() const;
  // Parses one JSON document (RFC 8259). Errors name the offset.
  static absl::StatusOr<Value> FromJson(std::string_view json);

  // The user-facing name of a kind: "null", "bool", "int", "float", "string", "list", "object".
  static std::string_view KindName(Kind kind);

  // The limits every value the language builds or reads obeys (docs/reliability.md, "Values").
  // The deepest nesting of lists/objects (depth() above): FromJson, the binary codec
  // (value/value_codec.h) and the VM reject deeper values.
  static constexpr int kMaxDepth = 256;
  // The longest string, in bytes.
  static constexpr size_t kMaxStringBytes = size_t{64} << 20;
  // The most items in one list.
  static constexpr size_t kMaxListItems = size_t{10} << 20;
  // The most entries in one object.
  static constexpr size_t kMaxObjectEntries = size_t{1} << 20;
  // The largest total_size() of a whole value.
  static constexpr uint64_t kMaxTotalSize = uint64_t{128} << 20;

  // OK when this value is within the limits above, else ResourceExhausted naming the limit,
  // e.g. "value nests deeper than 256 levels". O(1): it checks this value's depth and total
  // size and the width of its outermost string, list or object; the widths of inner parts were
  // checked when they were made (every producer checks what it makes).
  absl::Status CheckLimits() const;

 private:
  friend struct value_internal::ListNode;
  friend struct value_internal::ObjectNode;
  // True when this is a list or object held by no other Value (destruction would free it).
  bool IsLastContainerRef() const;

  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<const value_internal::ListNode>;
  using ObjectPtr = std::shared_ptr<const value_internal::ObjectNode>;
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

namespace value_internal {

// The shared body of a list or object value: its items and the depth and size computed from
// them when it was made. The destructor releases nested containers iteratively (value.cc).
struct ListNode {
  List items;
  uint64_t size = 1;
  int64_t depth = 1;
  explicit ListNode(List list);
  ~ListNode();
};

struct ObjectNode {
  Object object;
  uint64_t size = 1;
  int64_t depth = 1;
  explicit ObjectNode(Object obj);
  ~ObjectNode();
};

}  // namespace value_internal

inline const List& Value::as_list() const { return std::get<ListPtr>(rep_)->items; }
inline const Object& Value::as_object() const { return std::get<ObjectPtr>(rep_)->object; }

}  // namespace weft

#endif  // WEFT_VALUE_H_
