// See param_type.h.
#include "bytecode/param_type.h"

#include "common/check.h"

namespace weft::bytecode {

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kAny: return "any";
    case ParamType::kString: return "string";
    case ParamType::kInt: return "int";
    case ParamType::kFloat: return "float";
    case ParamType::kNumber: return "number";
    case ParamType::kBool: return "bool";
    case ParamType::kList: return "list";
    case ParamType::kObject: return "object";
  }
  WEFT_CHECK_MSG(false, "unknown ParamType");
  return "";
}

bool ValueHasType(const Value& value, ParamType type) {
  switch (type) {
    case ParamType::kAny: return true;
    case ParamType::kString: return value.is_string();
    case ParamType::kInt: return value.is_int();
    case ParamType::kFloat:
    case ParamType::kNumber: return value.is_number();
    case ParamType::kBool: return value.is_bool();
    case ParamType::kList: return value.is_list();
    case ParamType::kObject: return value.is_object();
  }
  return false;
}

}  // namespace weft::bytecode
