// Type annotations as the language spells them (`string int float number bool list object
// any`), mapped to bytecode::ParamType. The names come from bytecode/param_type.h, so the
// checker, the disassembler and the VM's error messages agree on them.
#ifndef WEFT_COMPILER_CHECK_TYPE_NAMES_H_
#define WEFT_COMPILER_CHECK_TYPE_NAMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/program.h"

namespace weft::check {

// The type named `name`, or nullopt when it names no type.
std::optional<bytecode::ParamType> ParseTypeName(std::string_view name);

// Every type name, in ParamType order (for "did you mean" hints and listings).
std::vector<std::string> AllTypeNames();

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_TYPE_NAMES_H_
