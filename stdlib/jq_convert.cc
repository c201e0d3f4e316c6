// Value <-> jv conversion (see jq_convert.h). Both directions recurse, bounded by
// Value::kMaxDepth: a jq program can build arbitrarily deep results ([.] in a loop).
#include "stdlib/jq_convert.h"

#include <cfloat>
#include <cmath>
#include <string>

#include "common/check.h"

namespace weft::stdlib {
namespace {

absl::Status TooDeep(std::string_view what) {
  return absl::InvalidArgumentError(std::string("jq() ") + std::string(what) + " nests deeper than " +
                                    std::to_string(Value::kMaxDepth) + " levels");
}

jv StringToJv(const std::string& s) {
  // jq strings are int-sized; a longer one could not have been built by the language anyway.
  // Invalid UTF-8 is replaced by U+FFFD inside jq.
  return jv_string_sized(s.data(), static_cast<int>(s.size()));
}

absl::StatusOr<jv> ToJv(const Value& v, int depth) {
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
        auto j = ToJv(item, depth + 1);
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
        auto j = ToJv(value, depth + 1);
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

absl::StatusOr<Value> FromJv(jv j, int depth) {
  if (depth > Value::kMaxDepth) {
    jv_free(j);
    return TooDeep("result");
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
      std::string s = JvString(j);
      jv_free(j);
      return Value::String(std::move(s));
    }
    case JV_KIND_ARRAY: {
      const int n = jv_array_length(jv_copy(j));
      List items;
      items.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        auto item = FromJv(jv_array_get(jv_copy(j), i), depth + 1);
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
      std::vector<Object::Entry> entries;
      entries.reserve(static_cast<size_t>(jv_object_length(jv_copy(j))));
      // Iteration order is insertion order: jq keeps it, as Weft does.
      for (int it = jv_object_iter(j); jv_object_iter_valid(j, it); it = jv_object_iter_next(j, it)) {
        jv key = jv_object_iter_key(j, it);
        std::string name = JvString(key);
        jv_free(key);
        auto value = FromJv(jv_object_iter_value(j, it), depth + 1);
        if (!value.ok()) {
          jv_free(j);
          return value.status();
        }
        entries.emplace_back(std::move(name), *std::move(value));
      }
      jv_free(j);
      return Value::MakeObject(Object(std::move(entries)));
    }
    case JV_KIND_INVALID: break;
  }
  WEFT_CHECK_MSG(false, "an invalid jv reached JvToValue");
  return Value::Null();
}

}  // namespace

absl::StatusOr<jv> ValueToJv(const Value& v) { return ToJv(v, 0); }

absl::StatusOr<Value> JvToValue(jv j) { return FromJv(j, 0); }

}  // namespace weft::stdlib
