// Literal expressions as values (see literal_value.h).
#include "compiler/check/literal_value.h"

#include <utility>

namespace weft::check {
namespace {

using ast::Expr;
using ast::ExprKind;

// `-5`, `-1.5`, `-30s`: the parser sees a unary minus; the literal is its negation.
std::optional<Value> NegatedNumber(const Expr& e) {
  if (e.kind != ExprKind::kUnary || e.unary_op != ast::UnaryOp::kNeg || e.lhs == nullptr) {
    return std::nullopt;
  }
  const Expr& operand = *e.lhs;
  switch (operand.kind) {
    case ExprKind::kInt:
    case ExprKind::kDuration:
      // A positive int literal is at most INT64_MAX, so its negation cannot overflow.
      return Value::Int(-operand.int_value);
    case ExprKind::kDouble:
      return Value::Double(-operand.double_value);
    default:
      return std::nullopt;
  }
}

std::optional<Value> ListValue(const Expr& e) {
  List items;
  for (const ast::ExprPtr& item : e.items) {
    if (item == nullptr) return std::nullopt;
    std::optional<Value> v = LiteralValue(*item);
    if (!v) return std::nullopt;
    items.push_back(std::move(*v));
  }
  return Value::MakeList(std::move(items));
}

std::optional<Value> ObjectValue(const Expr& e) {
  Object object;
  for (const ast::ObjectEntry& entry : e.entries) {
    if (entry.value == nullptr) return std::nullopt;
    std::optional<Value> v = LiteralValue(*entry.value);
    if (!v) return std::nullopt;
    object.Set(entry.key, std::move(*v));
  }
  return Value::MakeObject(std::move(object));
}

std::string_view Spelling(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kAdd: return "+";
    case ast::BinaryOp::kSub: return "-";
    case ast::BinaryOp::kMul: return "*";
    case ast::BinaryOp::kDiv: return "/";
    case ast::BinaryOp::kMod: return "%";
    case ast::BinaryOp::kEq: return "==";
    case ast::BinaryOp::kNe: return "!=";
    case ast::BinaryOp::kLt: return "<";
    case ast::BinaryOp::kLe: return "<=";
    case ast::BinaryOp::kGt: return ">";
    case ast::BinaryOp::kGe: return ">=";
    case ast::BinaryOp::kAnd: return "and";
    case ast::BinaryOp::kOr: return "or";
    case ast::BinaryOp::kCoalesce: return "??";
  }
  return "?";
}

// "a `+` expression", "an `and` expression".
std::string BinaryPhrase(ast::BinaryOp op) {
  const std::string_view spelling = Spelling(op);
  const bool vowel = spelling == "and" || spelling == "or";
  return (vowel ? "an `" : "a `") + std::string(spelling) + "` expression";
}

}  // namespace

std::optional<std::string> PlainStringText(const Expr& e) {
  if (e.kind != ExprKind::kString) return std::nullopt;
  std::string text;
  for (const ast::StringPart& part : e.parts) {
    if (part.expr != nullptr) return std::nullopt;
    text += part.text;
  }
  return text;
}

std::optional<Value> LiteralValue(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
      return Value::Null();
    case ExprKind::kBool:
      return Value::Bool(e.bool_value);
    case ExprKind::kInt:
    case ExprKind::kDuration:
      return Value::Int(e.int_value);
    case ExprKind::kDouble:
      return Value::Double(e.double_value);
    case ExprKind::kString: {
      std::optional<std::string> text = PlainStringText(e);
      if (!text) return std::nullopt;
      return Value::String(std::move(*text));
    }
    case ExprKind::kList:
      return ListValue(e);
    case ExprKind::kObject:
      return ObjectValue(e);
    case ExprKind::kUnary:
      return NegatedNumber(e);
    default:
      return std::nullopt;
  }
}

const Expr* FirstNonLiteral(const Expr& e) {
  if (LiteralValue(e)) return nullptr;
  for (const ast::ExprPtr& item : e.items) {
    if (item == nullptr) continue;
    if (const Expr* inner = FirstNonLiteral(*item)) return inner;
  }
  for (const ast::ObjectEntry& entry : e.entries) {
    if (entry.value == nullptr) continue;
    if (const Expr* inner = FirstNonLiteral(*entry.value)) return inner;
  }
  return &e;
}

bool IsScalarLiteral(const Expr& e) {
  if (e.kind == ExprKind::kList || e.kind == ExprKind::kObject) return false;
  return LiteralValue(e).has_value();
}

std::string DescribeExpr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
    case ExprKind::kBool:
    case ExprKind::kInt:
    case ExprKind::kDouble:
    case ExprKind::kDuration:
      return "a literal";
    case ExprKind::kString:
      return PlainStringText(e) ? "a string" : "an interpolated string";
    case ExprKind::kList:
      return "a list";
    case ExprKind::kObject:
      return "an object";
    case ExprKind::kName:
      return "the name `" + e.name + "`";
    case ExprKind::kField:
      return "a field access `." + e.name + "`";
    case ExprKind::kIndex:
      return "an index expression";
    case ExprKind::kUnary:
      return e.unary_op == ast::UnaryOp::kNot ? "a `not` expression" : "a negation";
    case ExprKind::kBinary:
      return BinaryPhrase(e.binary_op);
    case ExprKind::kCall:
      return "a call to `" + e.name + "`";
    case ExprKind::kSwitch:
      return "a switch expression";
    case ExprKind::kFail:
      return "a `fail` expression";
  }
  return "an expression";
}

}  // namespace weft::check
