// weft::Value and weft::Object: construction, lookup and deep equality. The text forms live in
// json.cc and the binary form in value_codec.cc.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "weft/value.h"

namespace weft {
namespace {

// Above this many entries, de-duplicating keys uses a hash map instead of linear scans.
constexpr size_t kLinearDedupLimit = 16;

// Exact comparison of an int64 and a double: 2^53 + 1 must not equal 2^53.
bool IntEqualsDouble(int64_t i, double d) {
  // [-2^63, 2^63) is exactly the set of doubles that convert to int64 without overflow.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;  // NaN too
  if (std::trunc(d) != d) return false;
  return static_cast<int64_t>(d) == i;
}

bool NumbersEqual(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  if (a.is_double() && b.is_double()) return a.as_double() == b.as_double();
  if (a.is_int()) return IntEqualsDouble(a.as_int(), b.as_double());
  return IntEqualsDouble(b.as_int(), a.as_double());
}

bool ListsEqual(const List& a, const List& b) {
  if (&a == &b) return true;  // shared: the common case for values copied around the VM
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

// Key order does not matter; the common case (same order) is checked pairwise without lookups.
bool ObjectsEqual(const Object& a, const Object& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  const auto& ae = a.entries();
  const auto& be = b.entries();
  for (size_t i = 0; i < ae.size(); ++i) {
    const Value* other = ae[i].first == be[i].first ? &be[i].second : b.Find(ae[i].first);
    if (other == nullptr || !(ae[i].second == *other)) return false;
  }
  return true;
}

}  // namespace

Object::Object(std::vector<Entry> entries) {
  entries_.reserve(entries.size());
  if (entries.size() <= kLinearDedupLimit) {
    for (auto& [key, value] : entries) Set(std::move(key), std::move(value));
    return;
  }
  // Large objects: find each key's first and last occurrence in one hashed pass, then move
  // entries out in a second pass that does no lookups (the map's views point into `entries`).
  struct Span { size_t first, last; };
  absl::flat_hash_map<std::string_view, Span> spans;
  spans.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto [it, inserted] = spans.try_emplace(entries[i].first, Span{i, i});
    if (!inserted) it->second.last = i;
  }
  std::vector<size_t> source(entries.size(), SIZE_MAX);  // SIZE_MAX: a dropped duplicate
  for (const auto& [key, span] : spans) source[span.first] = span.last;
  spans.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (source[i] == SIZE_MAX) continue;
    entries_.emplace_back(std::move(entries[i].first), std::move(entries[source[i]].second));
  }
}

const Value* Object::Find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

void Object::Set(std::string key, Value value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kString: return a.as_string() == b.as_string();
    case Value::Kind::kList: return ListsEqual(a.as_list(), b.as_list());
    case Value::Kind::kObject: return ObjectsEqual(a.as_object(), b.as_object());
    case Value::Kind::kInt:
    case Value::Kind::kDouble: break;  // handled above
  }
  return false;
}

std::string_view Value::KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kDouble: return "float";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kObject: return "object";
  }
  return "unknown";
}

}  // namespace weft
