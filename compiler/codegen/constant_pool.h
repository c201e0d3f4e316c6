// The constant pool of one program under construction. Each distinct scalar value is stored
// once: ints, floats and strings are told apart by kind, so the int 1 and the float 1.0 stay
// two constants (they are == at runtime but print and behave differently), and 0.0 and -0.0
// are distinct by bit pattern.
#ifndef WEFT_COMPILER_CODEGEN_CONSTANT_POOL_H_
#define WEFT_COMPILER_CODEGEN_CONSTANT_POOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "weft/value.h"

namespace weft::codegen {

class ConstantPool {
 public:
  // The index of `value`, adding it on first use. REQUIRES: value is an int, a float, a string
  // or an object (null and bools have their own opcodes; lists and objects in expressions are
  // built by code; an object constant is a call-site task policy, CALL_TASK_WITH's operand).
  uint32_t Add(const Value& value);

  // REQUIRES: called once, at the end.
  std::vector<Value> Take() { return std::move(values_); }

 private:
  std::vector<Value> values_;
  absl::flat_hash_map<std::string, uint32_t> index_;  // kind tag + payload bytes -> index
};

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_CONSTANT_POOL_H_
