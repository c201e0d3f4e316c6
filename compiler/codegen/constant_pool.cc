// The deduplicating constant pool (see constant_pool.h).
#include "compiler/codegen/constant_pool.h"

#include <cstring>

#include "common/check.h"

namespace weft::codegen {
namespace {

// A key that is equal exactly when two scalar constants are interchangeable.
std::string KeyOf(const Value& value) {
  std::string key(1, static_cast<char>(value.kind()));
  switch (value.kind()) {
    case Value::Kind::kInt: {
      const int64_t i = value.as_int();
      key.append(reinterpret_cast<const char*>(&i), sizeof i);
      break;
    }
    case Value::Kind::kDouble: {
      const double d = value.as_double();
      key.append(reinterpret_cast<const char*>(&d), sizeof d);
      break;
    }
    case Value::Kind::kString:
      key += value.as_string();
      break;
    case Value::Kind::kObject:
      // JSON keeps key order and tells 1 from 1.0, so equal text means an equal policy.
      key += value.ToJson();
      break;
    default:
      WEFT_CHECK_MSG(false, "only ints, floats, strings and objects go to the constant pool");
  }
  return key;
}

}  // namespace

uint32_t ConstantPool::Add(const Value& value) {
  auto [it, inserted] = index_.emplace(KeyOf(value), static_cast<uint32_t>(values_.size()));
  if (inserted) values_.push_back(value);
  return it->second;
}

}  // namespace weft::codegen
