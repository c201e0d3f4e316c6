// Transformer: the constructs of concurrency, time and failure (issue 3): `parallel { }`,
// `parallel for`, `try`/`catch`, `sleep`, `yield`, `do { } while`, `await signal(...)`,
// `start w(...)` and a call's `@N` version. A call's `with` and `compensate` clauses are
// attached in TransformCallExpr.
#include <charconv>

#include "compiler/parser/transformer.h"

namespace weft::parser {

using diag::DiagnosticKind;

ast::StmtPtr Transformer::TransformParallelStmt(P::ParallelStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kParallel, ContextRange(ctx));
  stmt->then_block = TransformBlockPtr(ctx->block());
  return stmt;
}

ast::StmtPtr Transformer::TransformTryStmt(P::TryStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kTry, ContextRange(ctx));
  stmt->then_block = TransformBlockPtr(ctx->block(0));
  if (ctx->KW_CATCH() == nullptr) {  // friendly: read as `catch { }`, which ignores the error
    Report(DiagnosticKind::kTryWithoutCatch, NodeRange(ctx->KW_TRY()),
           "`try` needs a `catch` block after it")
        .hints.push_back("write `catch e { ... }` to handle the error, or `catch { }` to ignore it");
    stmt->else_block = std::make_unique<ast::Block>();
    return stmt;
  }
  if (P::BindingNameContext* name = ctx->bindingName()) {
    stmt->name = TransformBindingName(name);
    stmt->name_range = ContextRange(name);
  }
  stmt->else_block = TransformBlockPtr(ctx->block(1));
  return stmt;
}

ast::StmtPtr Transformer::TransformSleepStmt(P::SleepStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kSleep, ContextRange(ctx));
  stmt->until = ctx->KW_UNTIL() != nullptr;
  stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(stmt->range));
  return stmt;
}

ast::StmtPtr Transformer::TransformYieldStmt(P::YieldStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kYield, ContextRange(ctx));
  stmt->value = ExprOrPlaceholder(ctx->expression(), EndOf(stmt->range));
  return stmt;
}

ast::StmtPtr Transformer::TransformDoWhileStmt(P::DoWhileStmtContext* ctx) {
  ast::StmtPtr stmt = MakeStmt(ast::StmtKind::kDoWhile, ContextRange(ctx));
  stmt->then_block = TransformBlockPtr(ctx->block());
  stmt->condition = TransformCondition(ctx->condition());
  return stmt;
}

void Transformer::TransformVersion(antlr4::Token* at, antlr4::Token* number, ast::Expr& call) {
  if (at == nullptr || number == nullptr || IsMissing(number)) return;
  call.has_version = true;
  call.version_range = Span(TokenRange(at), TokenRange(number));
  const std::string text = number->getText();
  uint32_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    Report(DiagnosticKind::kNumberOutOfRange, call.version_range,
           "version `" + text + "` is too large");
    return;
  }
  call.version = value;
}

// `start w@N(args)`: a kStart around the workflow call; the checker validates the callee.
ast::ExprPtr Transformer::TransformStartExpr(P::StartExprContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  ast::ExprPtr call = MakeExpr(ast::ExprKind::kCall, range);
  call->name = TransformIdent(ctx->ident());
  call->name_range = ctx->ident() != nullptr ? ContextRange(ctx->ident()) : EndOf(range);
  call->args = TransformArgumentList(ctx->argumentList());
  TransformVersion(ctx->AT() != nullptr ? ctx->AT()->getSymbol() : nullptr, ctx->version, *call);
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kStart, range);
  e->lhs = std::move(call);
  return e;
}

ast::ExprPtr Transformer::TransformParallelForExpr(P::ParallelForExprContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kParallelFor, ContextRange(ctx));
  e->name = TransformBindingName(ctx->bindingName());
  e->name_range = ctx->bindingName() != nullptr ? ContextRange(ctx->bindingName()) : e->range;
  e->iterable = ExprOrPlaceholder(ctx->expression(0), EndOf(NodeRange(ctx->KW_IN())));
  if (ctx->KW_LIMIT() != nullptr) {
    e->limit = ExprOrPlaceholder(ctx->expression(1), EndOf(NodeRange(ctx->KW_LIMIT())));
  }
  e->body = TransformBlockPtr(ctx->block());
  return e;
}

// `await signal(name)` or `await signal(name, timeout: t)`; anything else is reported and
// read as far as it makes sense, so that the checker still sees every expression.
ast::ExprPtr Transformer::TransformAwaitExpr(P::AwaitExprContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kAwaitSignal, range);
  std::vector<ast::Argument> args = TransformArgumentList(ctx->argumentList());
  auto bad = [&](SourceRange at, std::string message) {
    Report(DiagnosticKind::kBadSignalArguments, at, std::move(message))
        .hints.push_back("write `await signal(\"name\")` or `await signal(\"name\", timeout: 2d)`");
  };
  if (args.empty() || !args[0].name.empty()) {
    bad(args.empty() ? range : args[0].name_range,
        "`await signal(...)` takes the signal's name first, without a label");
  }
  for (size_t i = 0; i < args.size(); ++i) {
    ast::Argument& arg = args[i];
    if (i == 0) {
      e->lhs = std::move(arg.value);
    } else if (i == 1 && arg.name == "timeout") {
      e->rhs = std::move(arg.value);
    } else {
      bad(arg.name.empty() ? arg.value->range : arg.name_range,
          arg.name.empty() ? "`await signal(...)` takes one name; got another positional argument"
                           : "`await signal(...)` has no argument `" + arg.name + "`");
    }
  }
  if (e->lhs == nullptr) e->lhs = Placeholder(range);
  return e;
}

}  // namespace weft::parser
