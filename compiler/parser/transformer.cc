// The transformer's entry point and the helpers every rule family shares.
#include "compiler/parser/transformer.h"

namespace weft::parser {

std::unique_ptr<ast::Module> Transformer::TransformModule(P::ModuleContext* ctx,
                                                          std::string_view path) {
  auto module = std::make_unique<ast::Module>();
  module->path = std::string(path);
  if (ctx == nullptr) return module;
  for (P::DeclarationContext* decl : ctx->declaration()) TransformDeclaration(decl, *module);
  return module;
}

diag::Diagnostic& Transformer::Report(diag::DiagnosticKind kind, SourceRange range,
                                      std::string message) {
  return diags_.Add(kind, range, std::move(message));
}

ast::ExprPtr Transformer::MakeExpr(ast::ExprKind kind, SourceRange range) {
  return std::make_unique<ast::Expr>(kind, range);
}

ast::StmtPtr Transformer::MakeStmt(ast::StmtKind kind, SourceRange range) {
  return std::make_unique<ast::Stmt>(kind, range);
}

ast::ExprPtr Transformer::Placeholder(SourceRange range) {
  return MakeExpr(ast::ExprKind::kNull, range);
}

std::string Transformer::TokenText(antlr4::tree::TerminalNode* node) {
  if (node == nullptr || IsMissing(node->getSymbol())) return "";
  return node->getText();
}

ast::ExprPtr Transformer::ExprOrPlaceholder(P::ExpressionContext* ctx, SourceRange fallback) {
  if (ctx == nullptr) return Placeholder(fallback);
  return TransformExpression(ctx);
}

Transformer::DepthScope::DepthScope(Transformer* t, SourceRange range) : t_(t) {
  exceeded_ = ++t_->depth_ > kMaxDepth;
  if (exceeded_ && !t_->depth_reported_) {
    t_->depth_reported_ = true;
    t_->Report(diag::DiagnosticKind::kNestingTooDeep, range,
               "nesting is too deep: more than " + std::to_string(kMaxDepth) +
                   " levels of statements and expressions")
        .hints.push_back("split the expression or move inner parts into variables");
  }
}

}  // namespace weft::parser
