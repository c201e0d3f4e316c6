// Module-level checks (see declarations.h).
#include "compiler/check/declarations.h"

#include <algorithm>
#include <map>
#include <optional>

#include "bytecode/param_type.h"
#include "common/name_limits.h"
#include "compiler/check/builtin_sigs.h"
#include "compiler/check/literal_value.h"
#include "compiler/check/type_names.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;
using diag::SourceRange;

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string FirstAt(std::string_view what, const SourceRange& first) {
  return std::string(what) + " was first declared at line " + std::to_string(first.line);
}

void CheckBuiltinName(std::string_view what, const std::string& name, SourceRange range,
                      diag::DiagnosticList& diags) {
  if (FindBuiltinSig(name) == nullptr) return;
  // A warning, not an error: the standard library grows, and a new builtin must never break
  // a file that already declares a task of that name. Calls resolve to the task or workflow.
  diags.Add(DiagnosticKind::kBuiltinNameTaken, range,
            std::string(what) + " `" + name + "` shadows the builtin `" + name + "`")
      .hints.push_back("in this file `" + name + "(...)` calls the " + std::string(what) +
                       ", not the builtin; rename it to use both");
}

void CheckTasks(const ast::Module& module, ModuleNames& names, diag::DiagnosticList& diags) {
  std::map<std::string, SourceRange, std::less<>> first;
  for (const ast::TaskDecl& task : module.tasks) {
    auto [it, inserted] = first.emplace(task.name, task.range);
    if (!inserted) {
      diags.Add(DiagnosticKind::kDuplicateTask, task.range,
                "task `" + task.name + "` is declared twice")
          .hints.push_back(FirstAt("it", it->second));
      continue;
    }
    names.tasks.push_back(task.name);
    CheckNameLength("task", task.name, task.range, diags);
    CheckBuiltinName("task", task.name, task.range, diags);
  }
}

void CheckWorkflows(const ast::Module& module, ModuleNames& names,
                    diag::DiagnosticList& diags) {
  std::map<std::string, SourceRange, std::less<>> first;
  for (const ast::WorkflowDecl& wf : module.workflows) {
    auto [it, inserted] = first.emplace(wf.name, wf.name_range);
    if (!inserted) {
      diags.Add(DiagnosticKind::kDuplicateWorkflow, wf.name_range,
                "workflow `" + wf.name + "` is declared twice")
          .hints.push_back(FirstAt("it", it->second));
      continue;
    }
    names.workflows.push_back(wf.name);
    names.workflow_decls.push_back(&wf);
    CheckNameLength("workflow", wf.name, wf.name_range, diags);
    if (names.IsTask(wf.name)) {
      diags.Add(DiagnosticKind::kTaskWorkflowClash, wf.name_range,
                "workflow `" + wf.name + "` has the same name as a task")
          .hints.push_back("a task and a workflow cannot share a name");
    }
    CheckBuiltinName("workflow", wf.name, wf.name_range, diags);
  }
}

void CheckDefault(const ast::ParamDecl& param, std::optional<bytecode::ParamType> type,
                  diag::DiagnosticList& diags);

}  // namespace

bool ModuleNames::IsTask(std::string_view name) const { return Contains(tasks, name); }
bool ModuleNames::IsWorkflow(std::string_view name) const { return Contains(workflows, name); }

const ast::WorkflowDecl* ModuleNames::FindWorkflow(std::string_view name, uint32_t* index) const {
  for (size_t i = 0; i < workflows.size(); ++i) {
    if (workflows[i] != name) continue;
    if (index != nullptr) *index = static_cast<uint32_t>(i);
    return workflow_decls[i];
  }
  return nullptr;
}

ModuleNames CheckDeclarations(const ast::Module& module, diag::DiagnosticList& diags) {
  ModuleNames names;
  CheckTasks(module, names, diags);
  CheckWorkflows(module, names, diags);
  return names;
}

void CheckNameLength(std::string_view what, const std::string& name, SourceRange range,
                     diag::DiagnosticList& diags) {
  if (name.size() <= kMaxNameBytes) return;
  diags.Add(DiagnosticKind::kNameTooLong, range,
            std::string(what) + " name `" + NamePrefix(name) + "` is " +
                std::to_string(name.size()) + " bytes long")
      .hints.push_back("names are at most " + std::to_string(kMaxNameBytes) +
                       " bytes; use a shorter one");
}

void CheckTypeName(const std::string& type_name, SourceRange range,
                   diag::DiagnosticList& diags) {
  if (type_name.empty() || ParseTypeName(type_name)) return;
  diag::Diagnostic& d =
      diags.Add(DiagnosticKind::kUnknownType, range, "unknown type `" + type_name + "`");
  const std::vector<std::string> types = AllTypeNames();
  const std::string close = diag::ClosestMatch(type_name, types);
  if (!close.empty()) {
    d.hints.push_back("did you mean `" + close + "`?");
    return;
  }
  std::string list;
  for (const std::string& t : types) list += (list.empty() ? "" : ", ") + t;
  d.hints.push_back("the types are " + list);
}

void CheckParams(const ast::WorkflowDecl& workflow, diag::DiagnosticList& diags) {
  std::map<std::string, SourceRange, std::less<>> first;
  for (const ast::ParamDecl& param : workflow.params) {
    auto [it, inserted] = first.emplace(param.name, param.range);
    if (!inserted) {
      diags.Add(DiagnosticKind::kDuplicateParam, param.range,
                "parameter `" + param.name + "` appears twice in workflow `" + workflow.name +
                    "`")
          .hints.push_back(FirstAt("it", it->second));
    }
    CheckNameLength("parameter", param.name, param.range, diags);
    CheckTypeName(param.type_name, param.type_range, diags);
    CheckDefault(param, ParseTypeName(param.type_name), diags);
  }
}

bool ReportIfNotWorkflow(const ModuleNames& names, const std::string& name, SourceRange range,
                         std::string_view what, diag::DiagnosticList& diags) {
  if (names.IsWorkflow(name)) return true;
  if (names.IsTask(name)) {
    diags.Add(DiagnosticKind::kUnknownWorkflow, range,
              "`" + name + "` is a task, but " + std::string(what) + " needs a workflow")
        .hints.push_back("only a workflow declared in this file can be named here");
    return false;
  }
  diag::Diagnostic& d =
      diags.Add(DiagnosticKind::kUnknownWorkflow, range, "unknown workflow `" + name + "`");
  const std::string close = diag::ClosestMatch(name, names.workflows);
  d.hints.push_back(close.empty() ? "declare `workflow " + name + "(...) { }` in this file"
                                  : "did you mean `" + close + "`?");
  return false;
}

void CheckObjectKeys(const ast::Expr& e, diag::DiagnosticList& diags) {
  std::map<std::string, SourceRange, std::less<>> first;
  for (const ast::ObjectEntry& entry : e.entries) {
    auto [it, inserted] = first.emplace(entry.key, entry.key_range);
    if (inserted) continue;
    diags.Add(DiagnosticKind::kDuplicateObjectKey, entry.key_range,
              "key `" + entry.key + "` appears twice in this object")
        .hints.push_back("the first `" + entry.key + "` is at line " +
                         std::to_string(it->second.line) + ", column " +
                         std::to_string(it->second.column));
  }
}

namespace {

// Duplicate keys anywhere inside a default (the walk over object literals in bodies does not
// see parameters).
void CheckLiteralKeys(const ast::Expr& e, diag::DiagnosticList& diags) {
  if (e.kind == ast::ExprKind::kObject) CheckObjectKeys(e, diags);
  for (const ast::ExprPtr& item : e.items) {
    if (item != nullptr) CheckLiteralKeys(*item, diags);
  }
  for (const ast::ObjectEntry& entry : e.entries) {
    if (entry.value != nullptr) CheckLiteralKeys(*entry.value, diags);
  }
}

// "null", "an int", "a string": a value kind as the object of "is".
std::string KindPhrase(Value::Kind kind) {
  const std::string name(Value::KindName(kind));
  if (kind == Value::Kind::kNull) return name;
  return (kind == Value::Kind::kInt || kind == Value::Kind::kObject ? "an " : "a ") + name;
}

void CheckDefault(const ast::ParamDecl& param, std::optional<bytecode::ParamType> type,
                  diag::DiagnosticList& diags) {
  if (param.default_value == nullptr) return;
  const ast::Expr& e = *param.default_value;
  std::optional<Value> value = LiteralValue(e);
  if (!value) {
    const ast::Expr& culprit = *FirstNonLiteral(e);
    diags.Add(DiagnosticKind::kDefaultNotLiteral, culprit.range,
              "the default of parameter `" + param.name + "` must be a literal, got " +
                  DescribeExpr(culprit))
        .hints.push_back("defaults are fixed when the workflow is compiled: use null, a bool, "
                         "a number, a string, a duration, or a list or object of these");
    return;
  }
  CheckLiteralKeys(e, diags);
  if (!type || bytecode::ValueHasType(*value, *type)) return;
  diags.Add(DiagnosticKind::kDefaultTypeMismatch, e.range,
            "the default of parameter `" + param.name + "` is " +
                KindPhrase(value->kind()) + ", but its type is `" +
                std::string(bytecode::ParamTypeName(*type)) + "`");
}

}  // namespace
}  // namespace weft::check
