// Transformer: blocks and statements, including the friendly rules for brace-less bodies,
// `elif`, `if a = b`, `let` without a value, `case x:`, `+=` and assignments to non-variables.
#include "compiler/parser/transformer.h"

namespace weft::parser {
namespace {

using diag::DiagnosticKind;

// The variable name when `ctx` is just a name, else "".
std::string BareName(P::ExpressionContext* ctx) {
  auto* primary = As<P::PrimaryExprContext>(ctx);
  if (primary == nullptr || primary->primary() == nullptr) return "";
  P::NameRefContext* name = primary->primary()->nameRef();
  return name == nullptr ? "" : name->getText();
}

bool IsCaseLiteral(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kNull:
    case ast::ExprKind::kBool:
    case ast::ExprKind::kInt:
    case ast::ExprKind::kDouble:
    case ast::ExprKind::kDuration:
      return true;
    case ast::ExprKind::kString:
      return e.parts.size() == 1 && e.parts[0].expr == nullptr;
    default:
      return false;
  }
}

ast::BinaryOp CompoundOp(size_t token_type) {
  switch (token_type) {
    case P::MINUS_ASSIGN: return ast::BinaryOp::kSub;
    case P::STAR_ASSIGN: return ast::BinaryOp::kMul;
    case P::SLASH_ASSIGN: return ast::BinaryOp::kDiv;
    case P::PERCENT_ASSIGN: return ast::BinaryOp::kMod;
    default: return ast::BinaryOp::kAdd;
  }
}

}  // namespace

ast::Block Transformer::TransformBlock(P::BlockContext* ctx) {
  ast::Block block;
  if (ctx == nullptr) return block;
  block.range = ContextRange(ctx);
  for (P::StatementContext* s : ctx->statement()) {
    if (ast::StmtPtr stmt = TransformStatement(s)) block.stmts.push_back(std::move(stmt));
  }
  // friendly: the file ended inside the block (the grammar matched EOF for its `}`).
  auto* last = dynamic_cast<antlr4::tree::TerminalNode*>(
      ctx->children.empty() ? nullptr : ctx->children.back());
  if (ctx->RBRACE() == nullptr && last != nullptr &&
      last->getSymbol()->getType() == antlr4::Token::EOF) {
    Report(DiagnosticKind::kUnclosedBlock, NodeRange(ctx->LBRACE()),
           "`{` is not closed before the end of the file")
        .hints.push_back("add the missing `}`");
  }
  return block;
}

std::unique_ptr<ast::Block> Transformer::TransformBlockPtr(P::BlockContext* ctx) {
  return std::make_unique<ast::Block>(TransformBlock(ctx));
}

std::unique_ptr<ast::Block> Transformer::WrapInBlock(ast::StmtPtr stmt, SourceRange range) {
  auto block = std::make_unique<ast::Block>();
  block->range = range;
  if (stmt != nullptr) block->stmts.push_back(std::move(stmt));
  return block;
}

ast::StmtPtr Transformer::TransformStatement(P::StatementContext* ctx) {
  if (ctx == nullptr) return nullptr;
  const SourceRange range = ContextRange(ctx);
  DepthScope depth(this, range);
  if (depth.exceeded()) return nullptr;
  antlr4::tree::ParseTree* first = FirstChild(ctx);
  if (auto* s = As<P::SimpleStatementContext>(first)) return TransformSimpleStatement(s);
  if (auto* s = As<P::IfStmtContext>(first)) return TransformIfStmt(s);
  if (auto* b = As<P::BlockContext>(first)) {
    ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kBlock, range);
    stmt->then_block = TransformBlockPtr(b);
    return stmt;
  }
  return nullptr;  // `;`
}

ast::StmtPtr Transformer::TransformSimpleStatement(P::SimpleStatementContext* ctx) {
  antlr4::tree::ParseTree* first = FirstChild(ctx);
  if (auto* s = As<P::LetStmtContext>(first)) return TransformLetStmt(s);
  if (auto* s = As<P::ExprStmtContext>(first)) return TransformExprStmt(s);
  if (auto* s = As<P::VarStmtContext>(first)) return TransformVarStmt(s);
  if (auto* s = As<P::ReturnStmtContext>(first)) return TransformReturnStmt(s);
  if (auto* s = As<P::SwitchStmtContext>(first)) return TransformSwitchStmt(s);
  if (auto* s = As<P::ForStmtContext>(first)) return TransformForStmt(s);
  if (auto* s = As<P::WhileStmtContext>(first)) return TransformWhileStmt(s);
  if (auto* s = As<P::FailStmtContext>(first)) return TransformFailStmt(s);
  if (auto* s = As<P::ParallelStmtContext>(first)) return TransformParallelStmt(s);
  if (auto* s = As<P::TryStmtContext>(first)) return TransformTryStmt(s);
  if (auto* s = As<P::SleepStmtContext>(first)) return TransformSleepStmt(s);
  if (auto* s = As<P::YieldStmtContext>(first)) return TransformYieldStmt(s);
  if (auto* s = As<P::DoWhileStmtContext>(first)) return TransformDoWhileStmt(s);
  if (auto* s = As<P::BreakStmtContext>(first)) {
    return MakeStmt(ast::StmtKind::kBreak, ContextRange(s));
  }
  if (auto* s = As<P::ContinueStmtContext>(first)) {
    return MakeStmt(ast::StmtKind::kContinue, ContextRange(s));
  }
  return nullptr;
}

// friendly: `let x` without a value. Built as `let x = null` so nothing else cascades.
ast::StmtPtr Transformer::TransformLetStmt(P::LetStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kLet, ContextRange(ctx));
  stmt->name = TransformBindingName(ctx->bindingName());
  stmt->name_range = ContextRange(ctx->bindingName());
  stmt->type_name = TransformTypeName(ctx->typeName());
  if (ctx->typeName() != nullptr) stmt->type_range = ContextRange(ctx->typeName());
  if (ctx->ASSIGN() == nullptr) {
    Report(DiagnosticKind::kLetWithoutInitializer, stmt->range,
           "`let " + stmt->name + "` needs a value")
        .hints.push_back("write `let " + stmt->name + " = value`, or `var " + stmt->name +
                         "` for a variable that is assigned later");
    stmt->value = Placeholder(EndOf(stmt->range));
  } else {
    stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->ASSIGN())));
  }
  return stmt;
}

ast::StmtPtr Transformer::TransformVarStmt(P::VarStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kVar, ContextRange(ctx));
  stmt->name = TransformBindingName(ctx->bindingName());
  stmt->name_range = ContextRange(ctx->bindingName());
  stmt->type_name = TransformTypeName(ctx->typeName());
  if (ctx->typeName() != nullptr) stmt->type_range = ContextRange(ctx->typeName());
  if (ctx->ASSIGN() != nullptr) {
    stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->ASSIGN())));
  }
  return stmt;
}

ast::StmtPtr Transformer::TransformIfStmt(P::IfStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kIf, ContextRange(ctx));
  stmt->condition = TransformCondition(ctx->condition());
  stmt->then_block = TransformControlBody(ctx->controlBody(), "if");
  if (ctx->elseClause() != nullptr) stmt->else_block = TransformElseClause(ctx->elseClause());
  return stmt;
}

// friendly: `if a = b` is read as `if a == b`.
ast::ExprPtr Transformer::TransformCondition(P::ConditionContext* ctx) {
  if (ctx == nullptr) return Placeholder({});
  const SourceRange range = ContextRange(ctx);
  if (ctx->ASSIGN() == nullptr) return ExprOrPlaceholder(ctx->expression(0), range);
  Report(DiagnosticKind::kAssignInCondition, NodeRange(ctx->ASSIGN()),
         "`=` assigns a value; to compare in a condition, write `==`");
  return TransformBinary(ctx, ast::BinaryOp::kEq, ctx->expression(0), ctx->expression(1));
}

// friendly: an `if`/`while`/`for` body without braces.
std::unique_ptr<ast::Block> Transformer::TransformControlBody(P::ControlBodyContext* ctx,
                                                              std::string_view keyword) {
  if (ctx == nullptr) return std::make_unique<ast::Block>();
  if (ctx->block() != nullptr) return TransformBlockPtr(ctx->block());
  const SourceRange range = ContextRange(ctx);
  Report(DiagnosticKind::kBodyWithoutBraces, range,
         "the body of `" + std::string(keyword) + "` must be a block in braces")
      .hints.push_back("put `{` before the statement and `}` after it");
  return WrapInBlock(TransformBracelessBody(ctx->bracelessBody()), range);
}

ast::StmtPtr Transformer::TransformBracelessBody(P::BracelessBodyContext* ctx) {
  if (ctx == nullptr) return nullptr;
  const SourceRange range = ContextRange(ctx);
  DepthScope depth(this, range);
  if (depth.exceeded()) return nullptr;
  if (ctx->ifStmt() != nullptr) return TransformIfStmt(ctx->ifStmt());
  return TransformSimpleStatement(ctx->simpleStatement());
}

std::unique_ptr<ast::Block> Transformer::TransformElseClause(P::ElseClauseContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  DepthScope depth(this, range);
  if (depth.exceeded()) return std::make_unique<ast::Block>();
  if (ctx->block() != nullptr) return TransformBlockPtr(ctx->block());
  if (ctx->ifStmt() != nullptr) {
    return WrapInBlock(TransformIfStmt(ctx->ifStmt()), ContextRange(ctx->ifStmt()));
  }
  if (ctx->simpleStatement() != nullptr) {  // friendly: `else stmt`
    const SourceRange body = ContextRange(ctx->simpleStatement());
    Report(DiagnosticKind::kElseWithoutBraces, body,
           "`else` must be followed by `{` or `if`")
        .hints.push_back("put `{` before the statement and `}` after it");
    return WrapInBlock(TransformSimpleStatement(ctx->simpleStatement()), body);
  }
  // friendly: `elif cond { }` is read as `else if cond { }`.
  const std::string word = TokenText(ctx->ELIF_WORD());
  Report(DiagnosticKind::kElifKeyword, NodeRange(ctx->ELIF_WORD()),
         "`" + word + "` is not a Weft keyword; write `else if`");
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kIf, range);
  stmt->condition = TransformCondition(ctx->condition());
  stmt->then_block = TransformControlBody(ctx->controlBody(), "else if");
  if (ctx->elseClause() != nullptr) stmt->else_block = TransformElseClause(ctx->elseClause());
  return WrapInBlock(std::move(stmt), range);
}

ast::StmtPtr Transformer::TransformSwitchStmt(P::SwitchStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kSwitch, ContextRange(ctx));
  stmt->condition = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->KW_SWITCH())));
  for (P::SwitchArmContext* arm : ctx->switchArm()) stmt->arms.push_back(TransformSwitchArm(arm));
  return stmt;
}

ast::SwitchArm Transformer::TransformSwitchArm(P::SwitchArmContext* ctx) {
  ast::SwitchArm arm;
  arm.range = ContextRange(ctx);
  TransformArmLabel(ctx->armLabel(), arm);
  TransformArmArrow(ctx->armArrow());
  P::StatementContext* body = ctx->statement();
  if (body != nullptr && body->block() != nullptr) {
    arm.block = TransformBlockPtr(body->block());
  } else {
    const SourceRange range = body != nullptr ? ContextRange(body) : EndOf(arm.range);
    arm.block = WrapInBlock(TransformStatement(body), range);
  }
  return arm;
}

void Transformer::TransformArmLabel(P::ArmLabelContext* ctx, ast::SwitchArm& arm) {
  if (ctx == nullptr) return;
  arm.is_default = ctx->KW_DEFAULT() != nullptr;
  for (P::ExpressionContext* e : ctx->expression()) {
    ast::ExprPtr value = TransformExpression(e);
    if (IsCaseLiteral(*value)) {
      arm.values.push_back(std::move(value));
      continue;
    }
    Report(DiagnosticKind::kCaseValueNotLiteral, value->range,
           "a case value must be a literal: null, true, false, a number or a string")
        .hints.push_back("to compare with a computed value, use `if`");
  }
}

// friendly: `case 1:` is read as `case 1 =>`.
void Transformer::TransformArmArrow(P::ArmArrowContext* ctx) {
  if (ctx == nullptr || ctx->COLON() == nullptr) return;
  Report(DiagnosticKind::kCaseColon, NodeRange(ctx->COLON()),
         "a case label is followed by `=>`, not `:`");
}

ast::StmtPtr Transformer::TransformWhileStmt(P::WhileStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kWhile, ContextRange(ctx));
  stmt->condition = TransformCondition(ctx->condition());
  stmt->then_block = TransformControlBody(ctx->controlBody(), "while");
  return stmt;
}

ast::StmtPtr Transformer::TransformForStmt(P::ForStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kFor, ContextRange(ctx));
  stmt->name = TransformBindingName(ctx->bindingName());
  stmt->name_range = ContextRange(ctx->bindingName());
  stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->KW_IN())));
  stmt->then_block = TransformControlBody(ctx->controlBody(), "for");
  return stmt;
}

ast::StmtPtr Transformer::TransformReturnStmt(P::ReturnStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kReturn, ContextRange(ctx));
  if (ctx->expression() != nullptr) stmt->value = TransformExpression(ctx->expression());
  return stmt;
}

ast::StmtPtr Transformer::TransformFailStmt(P::FailStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kFail, ContextRange(ctx));
  stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->KW_FAIL())));
  return stmt;
}

// friendly: `x += 1` is read as `x = x + 1`; `a.b = 1` is reported and dropped.
ast::StmtPtr Transformer::TransformAssignment(P::ExprStmtContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  P::ExpressionContext* target = ctx->expression(0);
  const std::string name = BareName(target);
  if (name.empty()) {
    std::string text = target != nullptr ? target->getText() : "";
    if (text.size() > 40) text = text.substr(0, 40) + "...";
    Report(DiagnosticKind::kInvalidAssignTarget, ContextRange(target),
           "cannot assign to `" + text + "`: only a variable can be assigned")
        .hints.push_back("values are immutable; assign a new value to the variable instead");
    return nullptr;
  }
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kAssign, range);
  stmt->name = name;
  stmt->name_range = ContextRange(target);
  P::AssignOpContext* op = ctx->assignOp();
  const SourceRange rhs_fallback = EndOf(ContextRange(op));
  if (op == nullptr || op->ASSIGN() != nullptr) {
    stmt->value = ExprOrPlaceholder(ctx->expression(1), rhs_fallback);
    return stmt;
  }
  const std::string spelling = op->getText();
  Report(DiagnosticKind::kCompoundAssignment, ContextRange(op),
         "Weft has no `" + spelling + "` operator")
      .hints.push_back("write `" + name + " = " + name + " " + spelling.substr(0, 1) + " ...`");
  stmt->value = TransformBinary(ctx, CompoundOp(op->start->getType()), target, ctx->expression(1));
  return stmt;
}

ast::StmtPtr Transformer::TransformExprStmt(P::ExprStmtContext* ctx) {
  if (ctx->assignOp() != nullptr) return TransformAssignment(ctx);
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kExpr, ContextRange(ctx));
  stmt->value = ExprOrPlaceholder(ctx->expression(0), stmt->range);
  return stmt;
}

}  // namespace weft::parser
