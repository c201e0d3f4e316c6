// Calls: a task or a workflow takes named arguments (they become its input object), a builtin
// positional ones; anything else called is an error. A name resolves to a declared task, then
// a workflow of the file, then an implicit system task (`http`, `js`, `publish`), then a builtin. Callees
// resolve before their arguments, so a workflow's task table lists tasks in the order their
// names first appear in the source; the one exception is `jq(query, value)`, checked as the
// builtin it looks like and then lowered to a call of the system task `jq` (LowerJqCall).
#include <algorithm>
#include <map>
#include <string>

#include "compiler/check/body_checker.h"
#include "compiler/check/builtin_sigs.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;

// "takes no arguments", "takes 1 argument", "takes 1 to 2 arguments".
std::string Takes(const BuiltinSig& sig) {
  auto count = [](uint32_t n) {
    return n == 0 ? std::string("no arguments")
                  : std::to_string(n) + (n == 1 ? " argument" : " arguments");
  };
  if (sig.min_args == sig.max_args) return "takes " + count(sig.min_args);
  return "takes " + std::to_string(sig.min_args) + " to " + count(sig.max_args);
}

// The "len(x)" part of a builtin's doc line.
std::string Usage(const BuiltinSig& sig) {
  const size_t colon = sig.doc.find("):");
  return std::string(colon == std::string_view::npos ? sig.doc : sig.doc.substr(0, colon + 1));
}

}  // namespace

void BodyChecker::CheckCall(ast::Expr& e) {
  uint32_t builtin_id = 0;
  uint32_t workflow_index = 0;
  if (names_.IsTask(e.name)) {
    CheckTaskCall(e);
  } else if (const ast::WorkflowDecl* callee = names_.FindWorkflow(e.name, &workflow_index)) {
    CheckWorkflowCall(e, workflow_index, *callee);
  } else if (bytecode::IsCallableSystemTask(e.name)) {
    CheckTaskCall(e);
  } else if (FindBuiltinSig(e.name, &builtin_id) != nullptr) {
    CheckBuiltinCall(e, builtin_id);
  } else if (scopes_.Lookup(e.name) != nullptr) {
    diags_.Add(DiagnosticKind::kCallToVariable, e.name_range,
               "`" + e.name + "` is a variable and cannot be called")
        .hints.push_back("only tasks and builtins can be called");
  } else {
    ReportUnknownCallee(e);
  }
  for (ast::Argument& arg : e.args) CheckExpr(arg.value.get());
  CheckCallOptions(e);
  if (e.resolution.kind == ast::Resolution::Kind::kBuiltin && e.name == bytecode::kJqTask) {
    LowerJqCall(e);
  }
}

// `jq(q, v)` becomes the task call `jq(query: q, input: v)`, which suspends, so that the
// engine runs the program on its worker pool within budgets (bytecode/system_tasks.h). Only a
// well-formed call is lowered: anything the builtin checks reported stays a builtin call, and
// codegen never sees it. Its position is the call's, for the line table and errors.
void BodyChecker::LowerJqCall(ast::Expr& e) {
  const bool well_formed =
      e.args.size() == 2 && e.policy == nullptr && e.compensation == nullptr &&
      std::all_of(e.args.begin(), e.args.end(), [](const ast::Argument& a) {
        return a.name.empty() && a.value != nullptr;
      });
  if (!well_formed) return;
  e.args[0].name = std::string(bytecode::kJqQueryField);
  e.args[1].name = std::string(bytecode::kJqInputField);
  for (ast::Argument& arg : e.args) arg.name_range = arg.value->range;
  e.resolution = {ast::Resolution::Kind::kTask, TaskIndex(e.name)};
}

bool BodyChecker::IsTaskName(const std::string& name) const {
  return names_.IsTask(name) || (bytecode::IsCallableSystemTask(name) && !names_.IsWorkflow(name));
}

uint32_t BodyChecker::TaskIndex(const std::string& name) {
  auto it = std::find(task_table_.begin(), task_table_.end(), name);
  if (it != task_table_.end()) return static_cast<uint32_t>(it - task_table_.begin());
  task_table_.push_back(name);
  return static_cast<uint32_t>(task_table_.size() - 1);
}

void BodyChecker::CheckTaskCall(ast::Expr& e) {
  // A declared task is called by its name; a system task by its type (`publish` is
  // `weft.publish`, bytecode/system_tasks.h).
  const bool system = !names_.IsTask(e.name);
  const std::string type = system ? std::string(bytecode::SystemTaskType(e.name)) : e.name;
  e.resolution = {ast::Resolution::Kind::kTask, TaskIndex(type), system};
  std::map<std::string, diag::SourceRange, std::less<>> first;
  for (const ast::Argument& arg : e.args) {
    if (arg.name.empty()) {
      const bool is_name = arg.value != nullptr && arg.value->kind == ast::ExprKind::kName;
      const diag::SourceRange at = arg.value != nullptr ? arg.value->range : e.range;
      diags_.Add(DiagnosticKind::kPositionalTaskArg, at,
                 "task `" + e.name + "` takes named arguments, got a positional argument")
          .hints.push_back(is_name ? "name it: `" + arg.value->name + ": " + arg.value->name + "`"
                                   : "write it as `name: value`");
      continue;
    }
    auto [it, inserted] = first.emplace(arg.name, arg.name_range);
    if (inserted) continue;
    diags_.Add(DiagnosticKind::kDuplicateArgument, arg.name_range,
               "argument `" + arg.name + "` is given twice in this call to `" + e.name + "`")
        .hints.push_back("the first `" + arg.name + "` is at line " +
                         std::to_string(it->second.line) + ", column " +
                         std::to_string(it->second.column));
  }
}

void BodyChecker::CheckBuiltinCall(ast::Expr& e, uint32_t id) {
  e.resolution = {ast::Resolution::Kind::kBuiltin, id};
  const BuiltinSig& sig = kBuiltinSigs[id];
  for (const ast::Argument& arg : e.args) {
    if (arg.name.empty()) continue;
    diags_.Add(DiagnosticKind::kNamedBuiltinArg, arg.name_range,
               "builtin `" + e.name + "` takes positional arguments, got named argument `" +
                   arg.name + "`")
        .hints.push_back("drop the name: `" + Usage(sig) + "`");
  }
  const size_t n = e.args.size();
  if (n >= sig.min_args && n <= sig.max_args) return;
  diags_.Add(DiagnosticKind::kBuiltinArity, e.name_range,
             "`" + e.name + "` " + Takes(sig) + ", got " + std::to_string(n))
      .hints.push_back("usage: `" + Usage(sig) + "`");
}

void BodyChecker::ReportUnknownCallee(const ast::Expr& e) {
  const bool named = std::any_of(e.args.begin(), e.args.end(),
                                 [](const ast::Argument& a) { return !a.name.empty(); });
  diag::Diagnostic& d =
      diags_.Add(DiagnosticKind::kUnknownCallee, e.name_range,
                 std::string(named ? "unknown task `" : "unknown task or builtin `") + e.name +
                     "`");
  if (e.name == "signal") {
    d.hints.push_back("to wait for a signal, write `await signal(\"name\")`");
    return;
  }
  std::vector<std::string> candidates = names_.tasks;
  for (const std::string& w : names_.workflows) candidates.push_back(w);
  for (const BuiltinSig& sig : kBuiltinSigs) candidates.emplace_back(sig.name);
  for (std::string& v : scopes_.VisibleNames()) candidates.push_back(std::move(v));
  const std::string close = diag::ClosestMatch(e.name, candidates);
  if (!close.empty()) {
    d.hints.push_back("did you mean `" + close + "`?");
  } else if (named) {
    d.hints.push_back("declare it with `task " + e.name + "` if it is a worker task");
  }
}

}  // namespace weft::check
