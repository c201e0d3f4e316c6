// Transformer: expressions, including the friendly rules for `a < b < c`, `&&`/`||`/`!`,
// `f(a = 1)`, calls of things other than names, and mixed positional and named arguments.
#include "compiler/parser/transformer.h"

namespace weft::parser {
namespace {

using diag::DiagnosticKind;

ast::BinaryOp MultiplyOp(size_t type) {
  return type == P::STAR ? ast::BinaryOp::kMul
         : type == P::SLASH ? ast::BinaryOp::kDiv
                            : ast::BinaryOp::kMod;
}

ast::BinaryOp CompareOp(size_t type) {
  switch (type) {
    case P::EQ: return ast::BinaryOp::kEq;
    case P::NE: return ast::BinaryOp::kNe;
    case P::LT: return ast::BinaryOp::kLt;
    case P::LE: return ast::BinaryOp::kLe;
    case P::GT: return ast::BinaryOp::kGt;
    default: return ast::BinaryOp::kGe;
  }
}

size_t TypeOf(const antlr4::Token* op) { return op == nullptr ? 0 : op->getType(); }

}  // namespace

ast::ExprPtr Transformer::TransformExpression(P::ExpressionContext* ctx) {
  if (ctx == nullptr) return Placeholder({});
  const SourceRange range = ContextRange(ctx);
  DepthScope depth(this, range);
  if (depth.exceeded()) return Placeholder(range);
  return TransformExpressionAlt(ctx);
}

ast::ExprPtr Transformer::TransformExpressionAlt(P::ExpressionContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  if (auto* c = As<P::PrimaryExprContext>(ctx)) return TransformPrimary(c->primary());
  if (auto* c = As<P::FieldExprContext>(ctx)) {
    return TransformFieldExpr(c->expression(), c->fieldName(), false, range);
  }
  if (auto* c = As<P::CallExprContext>(ctx)) return TransformCallExpr(c);
  if (auto* c = As<P::AddExprContext>(ctx)) {
    const auto op = TypeOf(c->op) == P::PLUS ? ast::BinaryOp::kAdd : ast::BinaryOp::kSub;
    return TransformBinary(c, op, c->expression(0), c->expression(1));
  }
  if (auto* c = As<P::CompareExprContext>(ctx)) return TransformCompareExpr(c, false);
  if (auto* c = As<P::OptionalFieldExprContext>(ctx)) {
    return TransformFieldExpr(c->expression(), c->fieldName(), true, range);
  }
  if (auto* c = As<P::IndexExprContext>(ctx)) return TransformIndexExpr(c);
  if (auto* c = As<P::MultiplyExprContext>(ctx)) {
    return TransformBinary(c, MultiplyOp(TypeOf(c->op)), c->expression(0), c->expression(1));
  }
  if (auto* c = As<P::NegateExprContext>(ctx)) return TransformNegateExpr(c);
  if (auto* c = As<P::NotExprContext>(ctx)) return TransformNotExpr(c);
  if (auto* c = As<P::AndExprContext>(ctx)) {
    if (TypeOf(c->op) == P::AMPAMP) CheckCStyleOperator(c->op, "and");
    return TransformBinary(c, ast::BinaryOp::kAnd, c->expression(0), c->expression(1));
  }
  if (auto* c = As<P::OrExprContext>(ctx)) {
    if (TypeOf(c->op) == P::PIPEPIPE) CheckCStyleOperator(c->op, "or");
    return TransformBinary(c, ast::BinaryOp::kOr, c->expression(0), c->expression(1));
  }
  if (auto* c = As<P::CoalesceExprContext>(ctx)) {
    return TransformBinary(c, ast::BinaryOp::kCoalesce, c->expression(0), c->expression(1));
  }
  return Placeholder(range);  // an alternative error recovery left empty
}

ast::ExprPtr Transformer::TransformFieldExpr(P::ExpressionContext* object,
                                             P::FieldNameContext* field, bool optional,
                                             SourceRange range) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kField, range);
  e->object = ExprOrPlaceholder(object, StartOf(range));
  e->name = TransformFieldName(field);
  e->name_range = field != nullptr ? ContextRange(field) : EndOf(range);
  e->optional = optional;
  return e;
}

ast::ExprPtr Transformer::TransformIndexExpr(P::IndexExprContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kIndex, ContextRange(ctx));
  e->object = ExprOrPlaceholder(ctx->expression(0), StartOf(e->range));
  e->index = ExprOrPlaceholder(ctx->expression(1), EndOf(e->range));
  e->optional = ctx->QDOT() != nullptr;
  return e;
}

ast::ExprPtr Transformer::TransformCallExpr(P::CallExprContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  P::ExpressionContext* callee = ctx->expression();
  auto* primary = As<P::PrimaryExprContext>(callee);
  P::NameRefContext* name =
      primary != nullptr && primary->primary() != nullptr ? primary->primary()->nameRef() : nullptr;
  if (name == nullptr) {  // friendly: `a.b(x)`, `(f)(x)`
    Report(DiagnosticKind::kNotCallable, ContextRange(callee),
           "only a task or a builtin can be called, by its name")
        .hints.push_back("a call looks like `name(args)`; fields and values are not callable");
    return Placeholder(range);
  }
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kCall, range);
  e->name = TransformIdent(name->ident());
  e->name_range = ContextRange(name);
  e->args = TransformArgumentList(ctx->argumentList());
  TransformVersion(ctx->AT() != nullptr ? ctx->AT()->getSymbol() : nullptr, ctx->version, *e);
  if (P::LabelClauseContext* l = ctx->labelClause()) {
    ast::ExprPtr text = l->stringLiteral() ? TransformStringLiteral(l->stringLiteral()) : nullptr;
    e->label_range = ContextRange(l);
    if (text != nullptr && text->parts.size() == 1 && text->parts[0].expr == nullptr) {
      e->label = text->parts[0].text;
    }
  }
  e->policy = TransformWithClause(ctx->withClause());
  if (P::CompensateClauseContext* c = ctx->compensateClause()) {
    e->compensation = ExprOrPlaceholder(c->expression(), EndOf(ContextRange(c)));
  }
  for (const ast::Argument& arg : e->args) {
    if (arg.name.empty() == e->args[0].name.empty()) continue;
    Report(DiagnosticKind::kMixedArguments,
           arg.name.empty() ? arg.value->range : Span(arg.name_range, arg.value->range),
           "positional and named arguments cannot be mixed in one call")
        .hints.push_back(
            "a task takes named arguments, like `t(a: x)`; a builtin takes positional ones, "
            "like `len(x)`");
    break;
  }
  return e;
}

ast::ExprPtr Transformer::TransformNegateExpr(P::NegateExprContext* ctx) {
  const SourceRange range = ContextRange(ctx);
  if (P::LiteralContext* literal = NegatableLiteral(ctx->expression())) {
    return TransformLiteral(literal, /*negated=*/true, range);
  }
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kUnary, range);
  e->unary_op = ast::UnaryOp::kNeg;
  e->lhs = ExprOrPlaceholder(ctx->expression(), EndOf(range));
  return e;
}

ast::ExprPtr Transformer::TransformNotExpr(P::NotExprContext* ctx) {
  if (TypeOf(ctx->op) == P::BANG) CheckCStyleOperator(ctx->op, "not");
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kUnary, ContextRange(ctx));
  e->unary_op = ast::UnaryOp::kNot;
  e->lhs = ExprOrPlaceholder(ctx->expression(), EndOf(e->range));
  return e;
}

// friendly: `a < b < c`. The grammar parses comparisons left-associatively; a comparison whose
// left operand is an unparenthesised comparison is a chain, reported once at its outermost.
ast::ExprPtr Transformer::TransformCompareExpr(P::CompareExprContext* ctx, bool chain_reported) {
  const SourceRange range = ContextRange(ctx);
  DepthScope depth(this, range);
  if (depth.exceeded()) return Placeholder(range);
  auto* left_compare = As<P::CompareExprContext>(ctx->expression(0));
  if (left_compare != nullptr && !chain_reported) {
    Report(DiagnosticKind::kChainedComparison, range, "comparison operators cannot be chained")
        .hints.push_back("compare two values at a time and join them with `and`, like "
                         "`a < b and b < c`");
  }
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kBinary, range);
  e->binary_op = CompareOp(TypeOf(ctx->op));
  e->lhs = left_compare != nullptr ? TransformCompareExpr(left_compare, true)
                                   : ExprOrPlaceholder(ctx->expression(0), StartOf(range));
  e->rhs = ExprOrPlaceholder(ctx->expression(1), EndOf(range));
  return e;
}

ast::ExprPtr Transformer::TransformBinary(antlr4::ParserRuleContext* ctx, ast::BinaryOp op,
                                          P::ExpressionContext* lhs, P::ExpressionContext* rhs) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kBinary, ContextRange(ctx));
  e->binary_op = op;
  e->lhs = ExprOrPlaceholder(lhs, StartOf(e->range));
  e->rhs = ExprOrPlaceholder(rhs, EndOf(e->range));
  return e;
}

// friendly: `&&`, `||`, `!` are read as `and`, `or`, `not`.
void Transformer::CheckCStyleOperator(antlr4::Token* op, std::string_view weft_spelling) {
  Report(DiagnosticKind::kCStyleOperator, TokenRange(op),
         "`" + op->getText() + "` is not a Weft operator; write `" + std::string(weft_spelling) +
             "`");
}

ast::ExprPtr Transformer::TransformPrimary(P::PrimaryContext* ctx) {
  if (ctx == nullptr) return Placeholder({});
  antlr4::tree::ParseTree* first = FirstChild(ctx);
  if (auto* c = As<P::NameRefContext>(first)) return TransformNameRef(c);
  if (auto* c = As<P::LiteralContext>(first)) return TransformLiteral(c, false, ContextRange(c));
  if (auto* c = As<P::ParenExprContext>(first)) {
    return ExprOrPlaceholder(c->expression(), ContextRange(c));
  }
  if (auto* c = As<P::ObjectLiteralContext>(first)) return TransformObjectLiteral(c);
  if (auto* c = As<P::ListLiteralContext>(first)) return TransformListLiteral(c);
  if (auto* c = As<P::SwitchExprContext>(first)) return TransformSwitchExpr(c);
  if (auto* c = As<P::StartExprContext>(first)) return TransformStartExpr(c);
  if (auto* c = As<P::ParallelForExprContext>(first)) return TransformParallelForExpr(c);
  if (auto* c = As<P::AwaitExprContext>(first)) return TransformAwaitExpr(c);
  return Placeholder(ContextRange(ctx));
}

ast::ExprPtr Transformer::TransformNameRef(P::NameRefContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kName, ContextRange(ctx));
  e->name = TransformIdent(ctx->ident());
  e->name_range = e->range;
  return e;
}

ast::ExprPtr Transformer::TransformListLiteral(P::ListLiteralContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kList, ContextRange(ctx));
  for (P::ExpressionContext* item : ctx->expression()) {
    e->items.push_back(TransformExpression(item));
  }
  return e;
}

ast::ExprPtr Transformer::TransformObjectLiteral(P::ObjectLiteralContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kObject, ContextRange(ctx));
  for (P::ObjectEntryContext* entry : ctx->objectEntry()) {
    e->entries.push_back(TransformObjectEntry(entry));
  }
  return e;
}

ast::ObjectEntry Transformer::TransformObjectEntry(P::ObjectEntryContext* ctx) {
  ast::ObjectEntry entry;
  entry.key = TransformObjectKey(ctx->objectKey());
  entry.key_range = ContextRange(ctx->objectKey());
  entry.value = ExprOrPlaceholder(ctx->expression(), EndOf(ContextRange(ctx)));
  return entry;
}

// A bare or quoted key. friendly: a quoted key with `${}` keeps only its literal text.
std::string Transformer::TransformObjectKey(P::ObjectKeyContext* ctx) {
  if (ctx == nullptr) return "";
  if (ctx->fieldName() != nullptr) return TransformFieldName(ctx->fieldName());
  ast::ExprPtr s = TransformStringLiteral(ctx->stringLiteral());
  std::string key;
  bool interpolated = false;
  for (const ast::StringPart& part : s->parts) {
    interpolated |= part.expr != nullptr;
    key += part.text;
  }
  if (interpolated) {
    Report(DiagnosticKind::kInterpolatedObjectKey, s->range,
           "an object key cannot contain `${}`; keys are fixed text");
  }
  return key;
}

ast::ExprPtr Transformer::TransformSwitchExpr(P::SwitchExprContext* ctx) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kSwitch, ContextRange(ctx));
  e->subject = ExprOrPlaceholder(ctx->expression(), EndOf(NodeRange(ctx->KW_SWITCH())));
  for (P::SwitchExprArmContext* arm : ctx->switchExprArm()) {
    e->arms.push_back(TransformSwitchExprArm(arm));
  }
  return e;
}

ast::SwitchArm Transformer::TransformSwitchExprArm(P::SwitchExprArmContext* ctx) {
  ast::SwitchArm arm;
  arm.range = ContextRange(ctx);
  TransformArmLabel(ctx->armLabel(), arm);
  TransformArmArrow(ctx->armArrow());
  arm.value = ctx->armValue() != nullptr ? TransformArmValue(ctx->armValue())
                                         : Placeholder(EndOf(arm.range));
  return arm;
}

ast::ExprPtr Transformer::TransformArmValue(P::ArmValueContext* ctx) {
  if (ctx->KW_FAIL() == nullptr) return ExprOrPlaceholder(ctx->expression(), ContextRange(ctx));
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kFail, ContextRange(ctx));
  e->lhs = ExprOrPlaceholder(ctx->expression(), EndOf(e->range));
  return e;
}

std::vector<ast::Argument> Transformer::TransformArgumentList(P::ArgumentListContext* ctx) {
  std::vector<ast::Argument> args;
  if (ctx == nullptr) return args;
  for (P::ArgumentContext* arg : ctx->argument()) args.push_back(TransformArgument(arg));
  return args;
}

// friendly: `f(a = 1)` is read as `f(a: 1)`.
ast::Argument Transformer::TransformArgument(P::ArgumentContext* ctx) {
  ast::Argument arg;
  if (P::FieldNameContext* name = ctx->fieldName()) {
    arg.name = TransformFieldName(name);
    arg.name_range = ContextRange(name);
    if (ctx->ASSIGN() != nullptr) {
      Report(DiagnosticKind::kArgumentWithEquals, NodeRange(ctx->ASSIGN()),
             "a named argument is written `" + arg.name + ": value`, not `" + arg.name +
                 " = value`");
    }
  }
  arg.value = ExprOrPlaceholder(ctx->expression(), EndOf(ContextRange(ctx)));
  return arg;
}

}  // namespace weft::parser
