// Building and reading the small Weft objects the engine writes: history details and runtime
// errors. Reading is forgiving (a missing or mistyped field reads as null, 0 or ""), since what
// is read was written by the engine itself.
#ifndef WEFT_ENGINE_VALUE_BUILDERS_H_
#define WEFT_ENGINE_VALUE_BUILDERS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "weft/value.h"

namespace weft::engine {

Value Obj(std::initializer_list<std::pair<const char*, Value>> fields);
Value Str(std::string_view s);
// The field `key` of `obj`; null when `obj` is no object or lacks it.
const Value& Get(const Value& obj, const char* key);
int64_t GetInt(const Value& obj, const char* key);
std::string GetStr(const Value& obj, const char* key);
// `obj` with every (key, value) of `fields` set, copying the object once.
Value With(const Value& obj, std::initializer_list<std::pair<const char*, Value>> fields);
Value With(const Value& obj, const char* key, Value value);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_VALUE_BUILDERS_H_
