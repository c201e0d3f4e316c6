// BindInput (vm.h): turns a start request's JSON input into the parameter slots. Every problem
// is reported, not just the first, so a user fixes their input in one go.
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bytecode/param_type.h"
#include "vm/vm.h"

namespace weft::vm {
namespace {

using bytecode::Param;
using bytecode::ParamType;

std::string MissingMessage(const Param& param) {
  std::string message = absl::StrCat("missing required input `", param.name, "`");
  if (param.type != ParamType::kAny) {
    absl::StrAppend(&message, " (", ToAbsl(bytecode::ParamTypeName(param.type)), ")");
  }
  return message;
}

// A float parameter holds a float even when the input wrote an int: 3 / 2 must not truncate
// in a workflow that declared its input a float.
Value Normalize(const Param& param, Value value) {
  if (param.type == ParamType::kFloat && value.is_int()) {
    return Value::Double(static_cast<double>(value.as_int()));
  }
  return value;
}

bool IsParam(const bytecode::Program& program, std::string_view name) {
  for (const Param& param : program.params) {
    if (param.name == name) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<Value>> BindInput(const bytecode::Program& program,
                                             const Value& input) {
  if (!input.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("input must be an object, got ",
                                                   ToAbsl(Value::KindName(input.kind()))));
  }
  const Object& fields = input.as_object();
  std::vector<std::string> problems;
  std::vector<Value> args;
  args.reserve(program.params.size());
  for (const Param& param : program.params) {
    const Value* given = fields.Find(param.name);
    if (given == nullptr && !param.has_default) {
      problems.push_back(MissingMessage(param));
      args.emplace_back();
      continue;
    }
    const Value& value = given != nullptr ? *given : param.default_value;
    if (!bytecode::ValueHasType(value, param.type)) {
      problems.push_back(absl::StrCat("input `", param.name, "` must be ",
                                      ToAbsl(bytecode::ParamTypeName(param.type)), ", got ",
                                      ToAbsl(Value::KindName(value.kind()))));
    }
    args.push_back(Normalize(param, value));
  }
  for (const auto& [name, value] : fields) {
    if (!IsParam(program, name)) problems.push_back(absl::StrCat("unknown input `", name, "`"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return args;
}

}  // namespace weft::vm
