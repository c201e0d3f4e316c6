// Parameter type annotations (ParamType, program.h): their names as the language spells them
// and the rule deciding which values a type admits. Shared by the verifier (defaults must fit
// their type), the disassembler and the VM's input binding, so the rule exists once.
#ifndef WEFT_BYTECODE_PARAM_TYPE_H_
#define WEFT_BYTECODE_PARAM_TYPE_H_

#include <cstdint>
#include <string_view>

#include "bytecode/program.h"
#include "weft/value.h"

namespace weft::bytecode {

// The largest ParamType value this build knows; stored bytes above it are rejected.
inline constexpr uint8_t kMaxParamType = static_cast<uint8_t>(ParamType::kObject);

// "any", "string", "int", "float", "number", "bool", "list" or "object".
// REQUIRES: type <= kMaxParamType.
std::string_view ParamTypeName(ParamType type);

// True when `value` is admitted by `type`: any admits everything (null included), float and
// number admit ints and floats, every other type admits exactly its own kind.
bool ValueHasType(const Value& value, ParamType type);

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_PARAM_TYPE_H_
