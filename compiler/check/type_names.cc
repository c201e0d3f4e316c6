// Type names: a scan over the ParamType values, whose spelling lives in bytecode/param_type.h.
#include "compiler/check/type_names.h"

#include "bytecode/param_type.h"

namespace weft::check {

std::optional<bytecode::ParamType> ParseTypeName(std::string_view name) {
  for (uint8_t i = 0; i <= bytecode::kMaxParamType; ++i) {
    const auto type = static_cast<bytecode::ParamType>(i);
    if (bytecode::ParamTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::vector<std::string> AllTypeNames() {
  std::vector<std::string> names;
  for (uint8_t i = 0; i <= bytecode::kMaxParamType; ++i) {
    names.emplace_back(bytecode::ParamTypeName(static_cast<bytecode::ParamType>(i)));
  }
  return names;
}

}  // namespace weft::check
