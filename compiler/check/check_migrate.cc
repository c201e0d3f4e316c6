// The `migrate w { name = value }` sections of a module (docs/migration.md):
// each names a workflow of the file, each entry a variable that workflow
// declares (once per section), and each value is pure: literals, operators,
// builtins and the OLD version's variables, which are free names here and
// resolved by compiler/migrate/ against the old frame at each point.
#include "compiler/check/check_migrate.h"

#include <set>
#include <string>

#include "compiler/check/builtin_sigs.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;

void CollectBlock(const ast::Block *block, std::set<std::string> &names);

void CollectExpr(const ast::Expr *e, std::set<std::string> &names) {
  if (e == nullptr) return;
  if (e->kind == ast::ExprKind::kParallelFor) {
    names.insert(e->name);
    CollectBlock(e->body.get(), names);
  }
}

void CollectStmt(const ast::Stmt &s, std::set<std::string> &names) {
  if (s.kind == ast::StmtKind::kLet || s.kind == ast::StmtKind::kVar ||
      s.kind == ast::StmtKind::kFor) {
    names.insert(s.name);
  }
  if (s.kind == ast::StmtKind::kTry && !s.name.empty()) names.insert(s.name);
  CollectExpr(s.value.get(), names);
  CollectBlock(s.then_block.get(), names);
  CollectBlock(s.else_block.get(), names);
  for (const ast::SwitchArm &arm : s.arms) CollectBlock(arm.block.get(), names);
}

void CollectBlock(const ast::Block *block, std::set<std::string> &names) {
  if (block == nullptr) return;
  for (const ast::StmtPtr &s : block->stmts) {
    if (s != nullptr) CollectStmt(*s, names);
  }
}

// Every variable and parameter name `w` declares, in any scope.
std::set<std::string> DeclaredNames(const ast::WorkflowDecl &w) {
  std::set<std::string> names;
  for (const ast::ParamDecl &p : w.params) names.insert(p.name);
  CollectBlock(&w.body, names);
  return names;
}

const char *ImpureWhat(const ast::Expr &e) {
  switch (e.kind) {
    case ast::ExprKind::kAwaitSignal:
      return "`await signal`";
    case ast::ExprKind::kParallelFor:
      return "`parallel for`";
    case ast::ExprKind::kStart:
      return "`start`";
    case ast::ExprKind::kFail:
      return "`fail`";
    default:
      return nullptr;
  }
}

void CheckValue(const ast::Expr *e, const ModuleNames &names, diag::DiagnosticList &diags) {
  if (e == nullptr) return;
  if (const char *what = ImpureWhat(*e)) {
    diags
        .Add(DiagnosticKind::kMigrateValueNotPure, e->range,
             std::string(what) + " cannot compute a migrate value")
        .hints.push_back(
            "a migrate value is an expression over the old frame's variables, "
            "with literals, operators and builtins");
    return;
  }
  if (e->kind == ast::ExprKind::kCall && FindBuiltinSig(e->name) == nullptr) {
    const char *what = names.IsWorkflow(e->name) ? "workflow" : "task";
    diags
        .Add(DiagnosticKind::kMigrateValueNotPure, e->name_range,
             "a migrate value cannot call " + std::string(what) + " `" + e->name + "`")
        .hints.push_back("only builtins run while an execution moves; call the " +
                         std::string(what) + " in the workflow body after the point instead");
    return;
  }
  CheckValue(e->lhs.get(), names, diags);
  CheckValue(e->rhs.get(), names, diags);
  CheckValue(e->object.get(), names, diags);
  CheckValue(e->index.get(), names, diags);
  CheckValue(e->subject.get(), names, diags);
  for (const ast::ExprPtr &item : e->items) CheckValue(item.get(), names, diags);
  for (const ast::ObjectEntry &entry : e->entries) CheckValue(entry.value.get(), names, diags);
  for (const ast::Argument &arg : e->args) CheckValue(arg.value.get(), names, diags);
  for (const ast::StringPart &part : e->parts) CheckValue(part.expr.get(), names, diags);
  for (const ast::SwitchArm &arm : e->arms) CheckValue(arm.value.get(), names, diags);
}

void CheckSection(const ast::MigrateDecl &decl, const ModuleNames &names,
                  diag::DiagnosticList &diags) {
  const ast::WorkflowDecl *w = names.FindWorkflow(decl.workflow);
  if (w == nullptr) {
    diag::Diagnostic &d =
        diags.Add(DiagnosticKind::kBadMigrateEntry, decl.name_range,
                  "`migrate " + decl.workflow + "` names no workflow of this file");
    const std::string guess = diag::ClosestMatch(decl.workflow, names.workflows);
    d.hints.push_back(guess.empty() ? "a migrate section belongs to a workflow declared here"
                                    : "did you mean `" + guess + "`?");
  }
  const std::set<std::string> declared = w ? DeclaredNames(*w) : std::set<std::string>{};
  std::set<std::string> seen;
  for (const ast::MigrateEntry &entry : decl.entries) {
    if (!seen.insert(entry.name).second) {
      diags
          .Add(DiagnosticKind::kBadMigrateEntry, entry.name_range,
               "`" + entry.name + "` is given a value twice in this migrate section")
          .hints.push_back("keep one `" + entry.name + " = ...`");
    } else if (w != nullptr && declared.count(entry.name) == 0) {
      diag::Diagnostic &d =
          diags.Add(DiagnosticKind::kBadMigrateEntry, entry.name_range,
                    "workflow `" + decl.workflow + "` declares no variable `" + entry.name + "`");
      const std::string guess = diag::ClosestMatch(
          entry.name, std::vector<std::string>(declared.begin(), declared.end()));
      d.hints.push_back(guess.empty() ? "the left side names a variable of the new version"
                                      : "did you mean `" + guess + "`?");
    }
    CheckValue(entry.value.get(), names, diags);
  }
}

}  // namespace

void CheckMigrations(const ast::Module &module, const ModuleNames &names,
                     diag::DiagnosticList &diags) {
  std::set<std::string> sections;
  for (const ast::MigrateDecl &decl : module.migrations) {
    if (!sections.insert(decl.workflow).second) {
      diags
          .Add(DiagnosticKind::kBadMigrateEntry, decl.name_range,
               "workflow `" + decl.workflow + "` has a second migrate section")
          .hints.push_back("put all its entries in one `migrate " + decl.workflow + " { }`");
    }
    CheckSection(decl, names, diags);
  }
}

}  // namespace weft::check
