// See value_builders.h.
#include "engine/value_builders.h"

#include <algorithm>

namespace weft::engine {

Value Obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries;
  entries.reserve(fields.size());
  for (const auto& [k, v] : fields) entries.emplace_back(k, v);
  return Value::MakeObject(Object(std::move(entries)));
}

Value Str(std::string_view s) { return Value::String(std::string(s)); }

const Value& Get(const Value& obj, const char* key) {
  static const Value* const kNull = new Value();
  if (!obj.is_object()) return *kNull;
  const Value* v = obj.as_object().Find(key);
  return v == nullptr ? *kNull : *v;
}

int64_t GetInt(const Value& obj, const char* key) {
  const Value& v = Get(obj, key);
  return v.is_int() ? v.as_int() : 0;
}

std::string GetStr(const Value& obj, const char* key) {
  const Value& v = Get(obj, key);
  return v.is_string() ? v.as_string() : std::string();
}

// `obj` with every (key, value) of `fields` set, copying the object once.
Value With(const Value& obj, std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries = obj.is_object() ? obj.as_object().entries()
                                                       : std::vector<Object::Entry>{};
  entries.reserve(entries.size() + fields.size());
  for (const auto& field : fields) {
    // Not a structured binding: clang 15 cannot capture one in a lambda.
    const char* key = field.first;
    const Value& value = field.second;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Object::Entry& e) { return e.first == key; });
    if (it != entries.end()) {
      it->second = value;
    } else {
      entries.emplace_back(key, value);
    }
  }
  return Value::MakeObject(Object(std::move(entries)));
}

Value With(const Value& obj, const char* key, Value value) {
  std::vector<Object::Entry> entries = obj.is_object() ? obj.as_object().entries()
                                                       : std::vector<Object::Entry>{};
  bool found = false;
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = value;
      found = true;
    }
  }
  if (!found) entries.emplace_back(key, std::move(value));
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace weft::engine
