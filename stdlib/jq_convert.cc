// Value <-> jv conversion (see jq_convert.h). Both directions recurse, bounded by
// Value::kMaxDepth: a jq program can build arbitrarily deep results ([.] in a loop). Both count
// the logical size they produce against Value::kMaxTotalSize as they go: jq shares arrays by
// reference as Weft does, so `[., .]` in a loop makes a result whose expansion is 2^n values,
// and a conversion must stop at the limit rather than after.
#include "stdlib/jq_convert.h"

#include <cfloat>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "common/check.h"

namespace weft::stdlib {
namespace {

absl::Status TooDeep(std::string_view what) {
  return absl::ResourceExhaustedError(std::string("jq() ") + std::string(what) +
                                      " nests deeper than " + std::to_string(Value::kMaxDepth) +
                                      " levels");
}

absl::Status TooBig(std::string_view what, std::string_view limit) {
  return absl::ResourceExhaustedError(std::string("jq() ") + std::string(what) + " is past the " +
                                      std::string(limit) + " limit");
}

// The logical size (Value::total_size) produced so far; false once past the limit.
struct Budget {
  uint64_t used = 0;
  bool Take(uint64_t units) {
    used = units > UINT64_MAX - used ? UINT64_MAX : used + units;
    return used <= Value::kMaxTotalSize;
  }
  // Arrays and objects already converted, by identity: a jv shared N times becomes one Value
  // shared N times, so the work follows the physical size and the logical size is seen at
  // once. Sound because the root holds every descendant alive until the conversion ends.
  absl::flat_hash_map<std::tuple<const void*, int, int>, Value> seen;
};

std::tuple<const void*, int, int> Identity(const jv& j) { return {j.u.ptr, j.offset, j.size}; }

jv StringToJv(const std::string& s) {
  // jq strings are int-sized; a longer one could not have been built by the language anyway.
  // Invalid UTF-8 is replaced by U+FFFD inside jq.
  return jv_string_sized(s.data(), static_cast<int>(s.size()));
}

// Lists and objects already converted, by the address of their items: a part shared N times
// becomes one jv shared N times (jq's arrays are reference-counted too), so the conversion
// follows the physical size. Holds one reference to each jv, freed at the end.
class SeenJv {
 public:
  SeenJv() = default;
  SeenJv(const SeenJv&) = delete;
  SeenJv& operator=(const SeenJv&) = delete;
  ~SeenJv() {
    for (auto& [key, j] : seen_) jv_free(j);
  }
  static const void* Key(const Value& v) {
    return v.is_list() ? static_cast<const void*>(&v.as_list()) : &v.as_object();
  }
  // A new reference to the jv for `v`, or nothing.
  std::optional<jv> Find(const Value& v) const {
    auto it = seen_.find(Key(v));
    if (it == seen_.end()) return std::nullopt;
    return jv_copy(it->second);
  }
  void Add(const Value& v, const jv& j) { seen_.emplace(Key(v), jv_copy(j)); }

 private:
  absl::flat_hash_map<const void*, jv> seen_;
};

absl::StatusOr<jv> ToJv(const Value& v, int depth, SeenJv& seen);

// A list or object, new or from `seen`.
absl::StatusOr<jv> ContainerToJv(const Value& v, int depth, SeenJv& seen) {
  if (std::optional<jv> hit = seen.Find(v)) {
    if (depth + v.depth() > Value::kMaxDepth + 1) {
      jv_free(*hit);
      return TooDeep("input");
    }
    return *hit;
  }
  absl::StatusOr<jv> made = ToJv(v, depth, seen);
  if (made.ok()) seen.Add(v, *made);
  return made;
}

absl::StatusOr<jv> ToJv(const Value& v, int depth, SeenJv& seen) {
  if (depth > Value::kMaxDepth) return TooDeep("input");
  switch (v.kind()) {
    case Value::Kind::kNull: return jv_null();
    case Value::Kind::kBool: return jv_bool(v.as_bool());
    case Value::Kind::kInt: return jv_number(static_cast<double>(v.as_int()));
    case Value::Kind::kDouble: return jv_number(v.as_double());
    case Value::Kind::kString: return StringToJv(v.as_string());
    case Value::Kind::kList: {
      jv out = jv_array_sized(static_cast<int>(v.as_list().size()));
      for (const Value& item : v.as_list()) {
        auto j = item.is_list() || item.is_object() ? ContainerToJv(item, depth + 1, seen)
                                                   : ToJv(item, depth + 1, seen);
        if (!j.ok()) {
          jv_free(out);
          return j.status();
        }
        out = jv_array_append(out, *j);
      }
      return out;
    }
    case Value::Kind::kObject: {
      jv out = jv_object();
      for (const auto& [key, value] : v.as_object()) {
        auto j = value.is_list() || value.is_object() ? ContainerToJv(value, depth + 1, seen)
                                                     : ToJv(value, depth + 1, seen);
        if (!j.ok()) {
          jv_free(out);
          return j.status();
        }
        out = jv_object_set(out, StringToJv(key), *j);
      }
      return out;
    }
  }
  WEFT_CHECK_MSG(false, "unknown value kind");
  return jv_null();
}

Value NumberToValue(double d) {
  if (std::isnan(d)) return Value::Null();
  if (std::isinf(d)) return Value::Double(d > 0 ? DBL_MAX : -DBL_MAX);
  if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    return Value::Int(static_cast<int64_t>(d));
  }
  return Value::Double(d);
}

std::string JvString(jv j) {  // does not consume j
  return std::string(jv_string_value(j), static_cast<size_t>(jv_string_length_bytes(jv_copy(j))));
}

absl::StatusOr<Value> FromJv(jv j, int depth, Budget& budget);

// An array or object (consumes j); its own node counts 1 against the budget.
absl::StatusOr<Value> FromJvContainer(jv j, int depth, Budget& budget) {
  if (!budget.Take(1)) {
    jv_free(j);
    return TooBig("result", "total size");
  }
  switch (jv_get_kind(j)) {
    case JV_KIND_ARRAY: {
      const int n = jv_array_length(jv_copy(j));
      if (static_cast<size_t>(n) > Value::kMaxListItems) {
        jv_free(j);
        return TooBig("result", "list length");
      }
      List items;
      items.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        auto item = FromJv(jv_array_get(jv_copy(j), i), depth + 1, budget);
        if (!item.ok()) {
          jv_free(j);
          return item.status();
        }
        items.push_back(*std::move(item));
      }
      jv_free(j);
      return Value::MakeList(std::move(items));
    }
    case JV_KIND_OBJECT: {
      if (static_cast<size_t>(jv_object_length(jv_copy(j))) > Value::kMaxObjectEntries) {
        jv_free(j);
        return TooBig("result", "object size");
      }
      std::vector<Object::Entry> entries;
      entries.reserve(static_cast<size_t>(jv_object_length(jv_copy(j))));
      // Iteration order is insertion order: jq keeps it, as Weft does.
      for (int it = jv_object_iter(j); jv_object_iter_valid(j, it); it = jv_object_iter_next(j, it)) {
        jv key = jv_object_iter_key(j, it);
        std::string name = JvString(key);
        jv_free(key);
        if (!budget.Take(name.size())) {
          jv_free(j);
          return TooBig("result", "total size");
        }
        auto value = FromJv(jv_object_iter_value(j, it), depth + 1, budget);
        if (!value.ok()) {
          jv_free(j);
          return value.status();
        }
        entries.emplace_back(std::move(name), *std::move(value));
      }
      jv_free(j);
      return Value::MakeObject(Object(std::move(entries)));
    }
    default: break;
  }
  WEFT_CHECK_MSG(false, "FromJvContainer on a scalar");
  return Value::Null();
}

absl::StatusOr<Value> FromJv(jv j, int depth, Budget& budget) {
  if (depth > Value::kMaxDepth) {
    jv_free(j);
    return TooDeep("result");
  }
  const jv_kind kind = jv_get_kind(j);
  if (kind == JV_KIND_ARRAY || kind == JV_KIND_OBJECT) {
    if (auto hit = budget.seen.find(Identity(j)); hit != budget.seen.end()) {
      jv_free(j);
      if (depth + hit->second.depth() > Value::kMaxDepth) return TooDeep("result");
      if (!budget.Take(hit->second.total_size())) return TooBig("result", "total size");
      return hit->second;
    }
    const auto key = Identity(j);
    absl::StatusOr<Value> made = FromJvContainer(j, depth, budget);
    if (made.ok()) budget.seen.emplace(key, *made);
    return made;
  }
  if (!budget.Take(1)) {
    jv_free(j);
    return TooBig("result", "total size");
  }
  switch (jv_get_kind(j)) {
    case JV_KIND_NULL: jv_free(j); return Value::Null();
    case JV_KIND_TRUE: jv_free(j); return Value::Bool(true);
    case JV_KIND_FALSE: jv_free(j); return Value::Bool(false);
    case JV_KIND_NUMBER: {
      const double d = jv_number_value(j);
      jv_free(j);
      return NumberToValue(d);
    }
    case JV_KIND_STRING: {
      const size_t bytes = static_cast<size_t>(jv_string_length_bytes(jv_copy(j)));
      if (bytes > Value::kMaxStringBytes || !budget.Take(bytes)) {
        jv_free(j);
        return TooBig("result", bytes > Value::kMaxStringBytes ? "string length" : "total size");
      }
      std::string s = JvString(j);
      jv_free(j);
      return Value::String(std::move(s));
    }
    case JV_KIND_ARRAY:
    case JV_KIND_OBJECT: break;  // above
    case JV_KIND_INVALID: break;
  }
  WEFT_CHECK_MSG(false, "an invalid jv reached JvToValue");
  return Value::Null();
}

}  // namespace

absl::StatusOr<jv> ValueToJv(const Value& v) {
  SeenJv seen;
  return ToJv(v, 0, seen);
}

absl::StatusOr<Value> JvToValue(jv j) {
  Budget budget;
  return FromJv(j, 0, budget);
}

}  // namespace weft::stdlib
