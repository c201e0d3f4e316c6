// Switch arms, shared by the statement and expression forms: no case value may appear twice
// (compared with the runtime's equality, so `1` and `1.0` are the same case), and there is at
// most one default.
#include <string>
#include <utility>
#include <vector>

#include "compiler/check/body_checker.h"
#include "compiler/check/literal_value.h"

namespace weft::check {

using diag::DiagnosticKind;

bool BodyChecker::CheckArms(const std::vector<ast::SwitchArm>& arms) {
  std::vector<std::pair<Value, diag::SourceRange>> seen;
  const ast::SwitchArm* default_arm = nullptr;
  for (const ast::SwitchArm& arm : arms) {
    if (arm.is_default) {
      if (default_arm != nullptr) {
        diags_.Add(DiagnosticKind::kDuplicateDefault, arm.range,
                   "this switch already has a `default` arm")
            .hints.push_back("the first `default` is at line " +
                             std::to_string(default_arm->range.line));
      } else {
        default_arm = &arm;
      }
    }
    for (const ast::ExprPtr& value : arm.values) {
      if (value == nullptr) continue;
      // The parser reports a non-literal case value (E0026) and leaves it out; a hand-built
      // AST may still hold one, which has nothing to compare here.
      if (!IsScalarLiteral(*value)) continue;
      Value v = *LiteralValue(*value);
      bool duplicate = false;
      for (const auto& [earlier, range] : seen) {
        if (!(earlier == v)) continue;
        diags_.Add(DiagnosticKind::kDuplicateCaseValue, value->range,
                   "case value `" + v.ToJson() + "` appears twice in this switch")
            .hints.push_back("it was first used at line " + std::to_string(range.line));
        duplicate = true;
        break;
      }
      if (!duplicate) seen.emplace_back(std::move(v), value->range);
    }
  }
  return default_arm != nullptr;
}

}  // namespace weft::check
