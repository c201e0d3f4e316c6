// Transformer: declarations (tasks, workflows, parameters) and names.
#include <array>

#include "compiler/parser/transformer.h"

namespace weft::parser {
namespace {

using diag::DiagnosticKind;

// Words other languages use to declare a function; `function f() {}` means a workflow.
constexpr std::array<std::string_view, 9> kFunctionWords = {
    "function", "func", "fn", "fun", "def", "proc", "procedure", "sub", "method"};

bool IsFunctionWord(std::string_view word) {
  for (std::string_view w : kFunctionWords) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

void Transformer::TransformDeclaration(P::DeclarationContext* ctx, ast::Module& module) {
  antlr4::tree::ParseTree* first = FirstChild(ctx);
  if (auto* s = As<P::StatementContext>(first)) return TransformTopLevelStatement(s);
  in_top_level_statements_ = false;
  if (auto* t = As<P::TaskDeclContext>(first)) return TransformTaskDecl(t, module);
  if (auto* w = As<P::WorkflowDeclContext>(first)) return TransformWorkflowDecl(w, module);
  if (auto* m = As<P::MisspelledWorkflowDeclContext>(first)) {
    TransformMisspelledWorkflowDecl(m, module);
  }
  if (auto* m = As<P::MigrateDeclContext>(first)) TransformMigrateDecl(m, module);
}

void Transformer::TransformMigrateDecl(P::MigrateDeclContext* ctx, ast::Module& module) {
  ast::MigrateDecl decl;
  decl.workflow = TransformBindingName(ctx->bindingName());
  decl.range = ContextRange(ctx);
  decl.name_range = ctx->bindingName() ? ContextRange(ctx->bindingName()) : decl.range;
  for (P::MigrateEntryContext* entry : ctx->migrateEntry()) {
    ast::MigrateEntry e;
    e.name = TransformBindingName(entry->bindingName());
    e.name_range = entry->bindingName() ? ContextRange(entry->bindingName()) : decl.range;
    e.value = ExprOrPlaceholder(entry->expression(), EndOf(ContextRange(entry)));
    decl.entries.push_back(std::move(e));
  }
  module.migrations.push_back(std::move(decl));
}

void Transformer::TransformTaskDecl(P::TaskDeclContext* ctx, ast::Module& module) {
  for (P::TaskItemContext* item : ctx->taskItem()) {
    P::BindingNameContext* name = item->bindingName();
    std::string text = TransformBindingName(name);
    if (text.empty()) continue;
    module.tasks.push_back(ast::TaskDecl{std::move(text), ContextRange(name),
                                         TransformWithClause(item->withClause())});
  }
}

ast::ExprPtr Transformer::TransformWithClause(P::WithClauseContext* ctx) {
  if (ctx == nullptr) return nullptr;
  if (ctx->objectLiteral() == nullptr) return Placeholder(ContextRange(ctx));
  return TransformObjectLiteral(ctx->objectLiteral());
}

void Transformer::TransformWorkflowDecl(P::WorkflowDeclContext* ctx, ast::Module& module) {
  module.workflows.push_back(
      BuildWorkflow(ctx, ctx->bindingName(), ctx->paramList(), ctx->block()));
  module.workflows.back().options = TransformWithClause(ctx->withClause());
}

// friendly: `function f(a) { }` / `workflw f() { }`
void Transformer::TransformMisspelledWorkflowDecl(P::MisspelledWorkflowDeclContext* ctx,
                                                  ast::Module& module) {
  const std::string word = TokenText(ctx->IDENT());
  const SourceRange range = NodeRange(ctx->IDENT());
  if (IsFunctionWord(word)) {
    Report(DiagnosticKind::kUnknownDeclarationKeyword, range,
           "`" + word + "` is not a Weft keyword; a workflow is declared with `workflow`")
        .hints.push_back("write `workflow NAME(params) { ... }`");
  } else {
    diag::Diagnostic& d = Report(DiagnosticKind::kUnknownDeclarationKeyword, range,
                                 "unknown declaration keyword `" + word + "`");
    const std::string guess = diag::ClosestMatch(word, {"task", "workflow"});
    d.hints.push_back(guess.empty() ? "a file holds `task` and `workflow` declarations"
                                    : "did you mean `" + guess + "`?");
  }
  module.workflows.push_back(
      BuildWorkflow(ctx, ctx->bindingName(), ctx->paramList(), ctx->block()));
}

// friendly: statements outside any workflow. One report per run of such statements.
void Transformer::TransformTopLevelStatement(P::StatementContext* ctx) {
  if (ctx->SEMI() != nullptr || in_top_level_statements_) return;
  in_top_level_statements_ = true;
  diag::Diagnostic& d = Report(DiagnosticKind::kStatementOutsideWorkflow, ContextRange(ctx),
                               "statements must be inside a workflow");
  const std::string first = ctx->start != nullptr ? ctx->start->getText() : "";
  const std::string guess = ctx->start != nullptr && ctx->start->getType() == P::IDENT
                                ? diag::ClosestMatch(first, {"task", "workflow"})
                                : "";
  d.hints.push_back(guess.empty() ? "put it in the body of a `workflow NAME() { ... }`"
                                  : "did you mean `" + guess + "`?");
}

ast::WorkflowDecl Transformer::BuildWorkflow(antlr4::ParserRuleContext* ctx,
                                             P::BindingNameContext* name,
                                             P::ParamListContext* params,
                                             P::BlockContext* body) {
  ast::WorkflowDecl w;
  w.range = ContextRange(ctx);
  w.name = TransformBindingName(name);
  w.name_range = name != nullptr ? ContextRange(name) : StartOf(w.range);
  w.params = TransformParamList(params);
  w.body = TransformBlock(body);
  return w;
}

std::vector<ast::ParamDecl> Transformer::TransformParamList(P::ParamListContext* ctx) {
  std::vector<ast::ParamDecl> params;
  if (ctx == nullptr) return params;
  for (P::ParamContext* p : ctx->param()) params.push_back(TransformParam(p));
  return params;
}

ast::ParamDecl Transformer::TransformParam(P::ParamContext* ctx) {
  ast::ParamDecl p;
  p.name = TransformBindingName(ctx->bindingName());
  p.range = ContextRange(ctx);
  if (P::TypeNameContext* type = ctx->typeName()) {
    p.type_name = TransformTypeName(type);
    p.type_range = ContextRange(type);
  }
  if (ctx->ASSIGN() != nullptr) {
    p.default_value = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->ASSIGN())));
  }
  return p;
}

std::string Transformer::TransformTypeName(P::TypeNameContext* ctx) {
  return ctx == nullptr ? "" : TransformIdent(ctx->ident());
}

// friendly: a keyword where a new name is declared. The keyword is kept as the name.
std::string Transformer::TransformBindingName(P::BindingNameContext* ctx) {
  if (ctx == nullptr) return "";
  if (P::KeywordContext* kw = ctx->keyword()) {
    const std::string word = kw->getText();
    Report(DiagnosticKind::kKeywordAsName, ContextRange(kw),
           "`" + word + "` is a keyword and cannot be used as a name")
        .hints.push_back("choose another name, such as `" + word + "_`");
    return word;
  }
  return TransformIdent(ctx->ident());
}

std::string Transformer::TransformIdent(P::IdentContext* ctx) {
  if (ctx == nullptr) return "";
  // IDENT, ELIF_WORD or a contextual keyword: always one token.
  return TokenText(dynamic_cast<antlr4::tree::TerminalNode*>(FirstChild(ctx)));
}

std::string Transformer::TransformFieldName(P::FieldNameContext* ctx) {
  if (ctx == nullptr) return "";
  if (P::KeywordContext* kw = ctx->keyword()) return kw->getText();
  return TransformIdent(ctx->ident());
}

}  // namespace weft::parser
