// Internal to compiler/parser/: the hand-written transformer from ANTLR's parse tree to our AST.
// One method per grammar rule, split by family: transform_declarations.cc,
// transform_statements.cc, transform_expressions.cc, transform_literals.cc.
//
// The tree may come from a parse with errors: any child may be null or a token conjured by
// error recovery, so every method tolerates missing pieces. A broken statement or declaration
// is left out; a broken expression becomes a `null` literal (never a null pointer), so the AST
// keeps the shape ast.h promises. Friendly-error rules (see grammar/WeftParser.g4) are
// reported here and then built into the AST the user meant.
#ifndef WEFT_COMPILER_PARSER_TRANSFORMER_H_
#define WEFT_COMPILER_PARSER_TRANSFORMER_H_

#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parser/antlr_support.h"
#include "compiler/parser/source_ranges.h"

namespace weft::parser {

// `node` as context type T when it is exactly a T, else null. Generated context classes have no
// subclasses, so comparing typeid is exact, and much cheaper than dynamic_cast (which the
// generated accessors use; the hot dispatch paths below avoid them).
template <typename T>
T* As(antlr4::tree::ParseTree* node) {
  if (node == nullptr || typeid(*node) != typeid(T)) return nullptr;
  return static_cast<T*>(node);
}

// The first child of a rule, or null.
inline antlr4::tree::ParseTree* FirstChild(antlr4::ParserRuleContext* ctx) {
  return ctx == nullptr || ctx->children.empty() ? nullptr : ctx->children[0];
}

class Transformer {
 public:
  // ast depth (statements and expressions nested in each other) beyond which the transformer
  // stops and reports NestingTooDeep. Later phases recurse over the AST; this bounds them too.
  static constexpr int kMaxDepth = 200;

  explicit Transformer(diag::DiagnosticList& diags) : diags_(diags) {}

  // REQUIRES: ctx is the root of a parse of the whole file. Never returns null.
  std::unique_ptr<ast::Module> TransformModule(P::ModuleContext* ctx, std::string_view path);

 private:
  // --- declarations (transform_declarations.cc)
  void TransformDeclaration(P::DeclarationContext* ctx, ast::Module& module);
  void TransformTaskDecl(P::TaskDeclContext* ctx, ast::Module& module);
  void TransformWorkflowDecl(P::WorkflowDeclContext* ctx, ast::Module& module);
  void TransformMisspelledWorkflowDecl(P::MisspelledWorkflowDeclContext* ctx,
                                       ast::Module& module);
  void TransformTopLevelStatement(P::StatementContext* ctx);
  void TransformMigrateDecl(P::MigrateDeclContext* ctx, ast::Module& module);
  ast::WorkflowDecl BuildWorkflow(antlr4::ParserRuleContext* ctx, P::BindingNameContext* name,
                                  P::ParamListContext* params, P::BlockContext* body);
  // The object of `with { ... }`, or null when there is no with clause.
  ast::ExprPtr TransformWithClause(P::WithClauseContext* ctx);
  std::vector<ast::ParamDecl> TransformParamList(P::ParamListContext* ctx);
  ast::ParamDecl TransformParam(P::ParamContext* ctx);
  std::string TransformTypeName(P::TypeNameContext* ctx);
  std::string TransformBindingName(P::BindingNameContext* ctx);
  std::string TransformIdent(P::IdentContext* ctx);
  std::string TransformFieldName(P::FieldNameContext* ctx);

  // --- statements (transform_statements.cc)
  ast::Block TransformBlock(P::BlockContext* ctx);
  std::unique_ptr<ast::Block> TransformBlockPtr(P::BlockContext* ctx);
  ast::StmtPtr TransformStatement(P::StatementContext* ctx);  // null for `;` and broken input
  ast::StmtPtr TransformSimpleStatement(P::SimpleStatementContext* ctx);
  ast::StmtPtr TransformLetStmt(P::LetStmtContext* ctx);
  ast::StmtPtr TransformVarStmt(P::VarStmtContext* ctx);
  ast::StmtPtr TransformIfStmt(P::IfStmtContext* ctx);
  ast::ExprPtr TransformCondition(P::ConditionContext* ctx);
  std::unique_ptr<ast::Block> TransformControlBody(P::ControlBodyContext* ctx,
                                                   std::string_view keyword);
  ast::StmtPtr TransformBracelessBody(P::BracelessBodyContext* ctx);
  std::unique_ptr<ast::Block> TransformElseClause(P::ElseClauseContext* ctx);
  ast::StmtPtr TransformSwitchStmt(P::SwitchStmtContext* ctx);
  ast::SwitchArm TransformSwitchArm(P::SwitchArmContext* ctx);
  void TransformArmLabel(P::ArmLabelContext* ctx, ast::SwitchArm& arm);
  void TransformArmArrow(P::ArmArrowContext* ctx);
  ast::StmtPtr TransformWhileStmt(P::WhileStmtContext* ctx);
  ast::StmtPtr TransformForStmt(P::ForStmtContext* ctx);
  ast::StmtPtr TransformReturnStmt(P::ReturnStmtContext* ctx);
  ast::StmtPtr TransformFailStmt(P::FailStmtContext* ctx);
  // Issue 3 statements (transform_concurrency.cc).
  ast::StmtPtr TransformParallelStmt(P::ParallelStmtContext* ctx);
  ast::StmtPtr TransformTryStmt(P::TryStmtContext* ctx);
  ast::StmtPtr TransformSleepStmt(P::SleepStmtContext* ctx);
  ast::StmtPtr TransformYieldStmt(P::YieldStmtContext* ctx);
  ast::StmtPtr TransformDoWhileStmt(P::DoWhileStmtContext* ctx);
  ast::StmtPtr TransformAssignment(P::ExprStmtContext* ctx);
  ast::StmtPtr TransformExprStmt(P::ExprStmtContext* ctx);
  std::unique_ptr<ast::Block> WrapInBlock(ast::StmtPtr stmt, SourceRange range);

  // --- expressions (transform_expressions.cc)
  ast::ExprPtr TransformExpression(P::ExpressionContext* ctx);
  ast::ExprPtr TransformExpressionAlt(P::ExpressionContext* ctx);
  ast::ExprPtr TransformFieldExpr(P::ExpressionContext* object, P::FieldNameContext* field,
                                  bool optional, SourceRange range);
  ast::ExprPtr TransformIndexExpr(P::IndexExprContext* ctx);
  ast::ExprPtr TransformCallExpr(P::CallExprContext* ctx);
  ast::ExprPtr TransformNegateExpr(P::NegateExprContext* ctx);
  ast::ExprPtr TransformNotExpr(P::NotExprContext* ctx);
  ast::ExprPtr TransformCompareExpr(P::CompareExprContext* ctx, bool chain_reported);
  ast::ExprPtr TransformBinary(antlr4::ParserRuleContext* ctx, ast::BinaryOp op,
                               P::ExpressionContext* lhs, P::ExpressionContext* rhs);
  ast::ExprPtr TransformPrimary(P::PrimaryContext* ctx);
  ast::ExprPtr TransformNameRef(P::NameRefContext* ctx);
  ast::ExprPtr TransformListLiteral(P::ListLiteralContext* ctx);
  ast::ExprPtr TransformObjectLiteral(P::ObjectLiteralContext* ctx);
  ast::ObjectEntry TransformObjectEntry(P::ObjectEntryContext* ctx);
  std::string TransformObjectKey(P::ObjectKeyContext* ctx);
  ast::ExprPtr TransformSwitchExpr(P::SwitchExprContext* ctx);
  ast::SwitchArm TransformSwitchExprArm(P::SwitchExprArmContext* ctx);
  ast::ExprPtr TransformArmValue(P::ArmValueContext* ctx);
  // Issue 3 expressions (transform_concurrency.cc).
  ast::ExprPtr TransformStartExpr(P::StartExprContext* ctx);
  ast::ExprPtr TransformParallelForExpr(P::ParallelForExprContext* ctx);
  ast::ExprPtr TransformAwaitExpr(P::AwaitExprContext* ctx);
  // `@N` of a call: sets has_version, version and version_range.
  void TransformVersion(antlr4::Token* at, antlr4::Token* number, ast::Expr& call);
  std::vector<ast::Argument> TransformArgumentList(P::ArgumentListContext* ctx);
  ast::Argument TransformArgument(P::ArgumentContext* ctx);
  void CheckCStyleOperator(antlr4::Token* op, std::string_view weft_spelling);

  // --- literals (transform_literals.cc)
  ast::ExprPtr TransformLiteral(P::LiteralContext* ctx, bool negated, SourceRange range);
  ast::ExprPtr TransformInt(antlr4::Token* token, bool negated, SourceRange range);
  ast::ExprPtr TransformFloat(antlr4::Token* token, bool negated, SourceRange range);
  ast::ExprPtr TransformDuration(antlr4::Token* token, SourceRange range);
  ast::ExprPtr TransformStringLiteral(P::StringLiteralContext* ctx);
  ast::ExprPtr TransformSingleQuoted(antlr4::Token* token);
  ast::ExprPtr TransformBadNumber(antlr4::Token* token, SourceRange range);
  void TransformStringPart(P::StringPartContext* ctx, std::string& text,
                           std::vector<ast::StringPart>& parts);
  void DecodeEscape(antlr4::Token* token, std::string& out);
  // A literal operand of unary minus (`-5`, `-1.5`), folded into one literal; else null.
  P::LiteralContext* NegatableLiteral(P::ExpressionContext* operand);

  // --- shared helpers (transformer.cc)
  diag::Diagnostic& Report(diag::DiagnosticKind kind, SourceRange range, std::string message);
  static ast::ExprPtr MakeExpr(ast::ExprKind kind, SourceRange range);
  static ast::StmtPtr MakeStmt(ast::StmtKind kind, SourceRange range);
  static ast::ExprPtr Placeholder(SourceRange range);  // the `null` standing in for broken text
  static std::string TokenText(antlr4::tree::TerminalNode* node);  // "" when missing
  ast::ExprPtr ExprOrPlaceholder(P::ExpressionContext* ctx, SourceRange fallback);

  // Counts nesting; Exceeded() reports NestingTooDeep once per file.
  class DepthScope {
   public:
    DepthScope(Transformer* t, SourceRange range);
    ~DepthScope() { --t_->depth_; }
    bool exceeded() const { return exceeded_; }

   private:
    Transformer* t_;
    bool exceeded_;
  };

  diag::DiagnosticList& diags_;
  int depth_ = 0;
  bool depth_reported_ = false;
  bool in_top_level_statements_ = false;  // reporting the first of a run of stray statements
};

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_TRANSFORMER_H_
