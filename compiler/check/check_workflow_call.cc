// Calls to workflows (sub-workflows, run as children), `start`, and the parts a call may carry
// after its arguments: an `@N` version, a `with { }` policy and a `compensate` task call.
// A workflow's arguments are checked against its parameters here, at compile time: the child
// would otherwise fail at its start, far from the mistake.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "compiler/check/body_checker.h"
#include "compiler/check/literal_value.h"
#include "compiler/check/options.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;
using Kind = ast::Resolution::Kind;

// "`a`, `b`": the parameter names, for hints.
std::string ParamList(const std::vector<std::string>& params) {
  std::string list;
  for (const std::string& p : params) list += (list.empty() ? "`" : ", `") + p + "`";
  return list;
}

std::string KindName(Kind kind) {
  switch (kind) {
    case Kind::kTask: return "a task";
    case Kind::kWorkflow: return "a workflow";
    case Kind::kBuiltin: return "a builtin";
    default: return "not callable";
  }
}

}  // namespace

void BodyChecker::CheckWorkflowCall(ast::Expr& e, uint32_t index,
                                    const ast::WorkflowDecl& callee) {
  e.resolution = {Kind::kWorkflow, index};
  std::vector<std::string> params;
  for (const ast::ParamDecl& p : callee.params) params.push_back(p.name);
  const std::string param_hint = params.empty() ? "`" + e.name + "` has no parameters"
                                                 : "its parameters are " + ParamList(params);
  std::map<std::string, diag::SourceRange, std::less<>> given;
  bool misnamed = false;  // a positional or unknown argument: likely meant for a missing one
  for (const ast::Argument& arg : e.args) {
    if (arg.name.empty()) {
      const diag::SourceRange at = arg.value != nullptr ? arg.value->range : e.range;
      diags_.Add(DiagnosticKind::kPositionalTaskArg, at,
                 "workflow `" + e.name + "` takes named arguments, got a positional argument")
          .hints.push_back(param_hint);
      misnamed = true;
      continue;
    }
    auto [it, inserted] = given.emplace(arg.name, arg.name_range);
    if (!inserted) {
      diags_.Add(DiagnosticKind::kDuplicateArgument, arg.name_range,
                 "argument `" + arg.name + "` is given twice in this call to `" + e.name + "`")
          .hints.push_back("the first `" + arg.name + "` is at line " +
                           std::to_string(it->second.line) + ", column " +
                           std::to_string(it->second.column));
      continue;
    }
    if (std::find(params.begin(), params.end(), arg.name) != params.end()) continue;
    misnamed = true;
    diag::Diagnostic& d =
        diags_.Add(DiagnosticKind::kUnknownWorkflowArg, arg.name_range,
                   "workflow `" + e.name + "` has no parameter `" + arg.name + "`");
    const std::string close = diag::ClosestMatch(arg.name, params);
    d.hints.push_back(!close.empty() ? "did you mean `" + close + "`?" : param_hint);
  }
  if (misnamed) return;  // the missing parameters were most likely meant; one error is enough
  std::string missing;
  for (const ast::ParamDecl& p : callee.params) {
    if (p.default_value != nullptr || given.count(p.name) > 0) continue;
    missing += (missing.empty() ? "`" : ", `") + p.name + "`";
  }
  if (missing.empty()) return;
  diags_.Add(DiagnosticKind::kMissingWorkflowArg, e.name_range,
             "this call to workflow `" + e.name + "` leaves out " + missing)
      .hints.push_back("parameters without a default must be given; `" + e.name +
                       "` is declared at line " + std::to_string(callee.name_range.line));
}

void BodyChecker::CheckStart(ast::Expr& e) {
  if (e.lhs == nullptr) return;  // a hand-built AST; the parser always sets the call
  ast::Expr& call = *e.lhs;
  uint32_t index = 0;
  if (const ast::WorkflowDecl* callee = names_.FindWorkflow(call.name, &index)) {
    CheckWorkflowCall(call, index, *callee);
  } else {
    ReportIfNotWorkflow(names_, call.name, call.name_range, "`start`", diags_);
  }
  for (ast::Argument& arg : call.args) CheckExpr(arg.value.get());
  CheckCallOptions(call);
}

void BodyChecker::CheckCallOptions(ast::Expr& e) {
  const Kind kind = e.resolution.kind;
  if (e.has_version && kind != Kind::kUnresolved) {
    if (kind != Kind::kWorkflow) {
      diags_.Add(DiagnosticKind::kBadVersionSuffix, e.version_range,
                 "`" + e.name + "` is " + KindName(kind) + "; only a workflow call takes a " +
                     "version")
          .hints.push_back("remove `@" + std::to_string(e.version) + "`");
    } else if (e.version == 0) {
      diags_.Add(DiagnosticKind::kBadVersionSuffix, e.version_range,
                 "workflow versions start at 1")
          .hints.push_back("write `" + e.name + "(...)` for the latest version");
    }
  }
  if (e.policy != nullptr && kind != Kind::kUnresolved) {
    if (kind == Kind::kTask) {
      CheckTaskPolicy(*e.policy, diags_);
    } else {
      diags_.Add(DiagnosticKind::kWithOnNonTask, e.policy->range,
                 "`with { ... }` applies to task calls; `" + e.name + "` is " + KindName(kind))
          .hints.push_back(kind == Kind::kWorkflow
                               ? "a workflow's options are set on its declaration: "
                                 "`workflow " + e.name + "(...) with { ... } { }`"
                               : "a builtin runs at once and has no policy");
    }
  }
  CheckCompensation(e);
  CheckLabel(e);
}

// `call(...) as "label"`: a plain, non-empty string on a task or workflow call, at most once
// per workflow, since it is the call's identity when executions move between versions.
void BodyChecker::CheckLabel(const ast::Expr& e) {
  if (e.label_range.line == 0 || e.resolution.kind == Kind::kUnresolved) return;
  if (e.resolution.kind != Kind::kTask && e.resolution.kind != Kind::kWorkflow) {
    diags_.Add(DiagnosticKind::kBadCallLabel, e.label_range,
               "`as` labels a task or workflow call; `" + e.name + "` is " +
                   KindName(e.resolution.kind))
        .hints.push_back("a builtin runs at once: it is no point an execution can wait at");
    return;
  }
  if (e.label.empty()) {
    diags_.Add(DiagnosticKind::kBadCallLabel, e.label_range,
               "a call's label must be a plain, non-empty string")
        .hints.push_back("write `as \"name\"`, without `${}`");
    return;
  }
  auto [it, inserted] = labels_.emplace(e.label, e.label_range);
  if (inserted) return;
  diags_.Add(DiagnosticKind::kBadCallLabel, e.label_range,
             "the label \"" + e.label + "\" is already used in this workflow")
      .hints.push_back("the first is at line " + std::to_string(it->second.line) +
                       "; a label names one call");
}

// `main compensate comp`: both must be task calls; the compensation runs with its task's
// declared policy, so it takes no `with`.
void BodyChecker::CheckCompensation(ast::Expr& e) {
  if (e.compensation == nullptr) return;
  ast::Expr& comp = *e.compensation;
  if (e.resolution.kind != Kind::kTask && e.resolution.kind != Kind::kUnresolved) {
    diags_.Add(DiagnosticKind::kCompensateMisuse, comp.range,
               "`compensate` follows a task call; `" + e.name + "` is " +
                   KindName(e.resolution.kind))
        .hints.push_back("a compensation undoes a task's side effect");
  }
  if (comp.kind != ast::ExprKind::kCall) {
    CheckExpr(&comp);
    diags_.Add(DiagnosticKind::kCompensateMisuse, comp.range,
               "a compensation must be a task call, got " + DescribeExpr(comp))
        .hints.push_back("write `compensate undo_task(name: value)`");
    return;
  }
  CheckExpr(&comp);
  const Kind kind = comp.resolution.kind;
  if (kind == Kind::kUnresolved) return;
  if (kind != Kind::kTask) {
    diags_.Add(DiagnosticKind::kCompensateMisuse, comp.name_range,
               "a compensation must be a task call; `" + comp.name + "` is " + KindName(kind))
        .hints.push_back("wrap the undo in a task");
  } else if (comp.policy != nullptr) {
    diags_.Add(DiagnosticKind::kCompensateMisuse, comp.policy->range,
               "a compensation takes no `with`; it runs with its task's declared policy")
        .hints.push_back("declare the policy on the task: `task " + comp.name + " with { ... }`");
  } else if (comp.compensation != nullptr) {
    diags_.Add(DiagnosticKind::kCompensateMisuse, comp.compensation->range,
               "a compensation cannot have a compensation of its own");
  }
}

}  // namespace weft::check
