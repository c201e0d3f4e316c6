// Expressions. Each one pushes exactly one value (or ends the execution, for `fail`).
#include "common/check.h"
#include "compiler/check/literal_value.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {
namespace {

using ast::BinaryOp;
using ast::ExprKind;
using bytecode::Op;

Op OpOf(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return Op::ADD;
    case BinaryOp::kSub: return Op::SUB;
    case BinaryOp::kMul: return Op::MUL;
    case BinaryOp::kDiv: return Op::DIV;
    case BinaryOp::kMod: return Op::MOD;
    case BinaryOp::kEq: return Op::EQ;
    case BinaryOp::kNe: return Op::NE;
    case BinaryOp::kLt: return Op::LT;
    case BinaryOp::kLe: return Op::LE;
    case BinaryOp::kGt: return Op::GT;
    case BinaryOp::kGe: return Op::GE;
    default: break;
  }
  WEFT_CHECK_MSG(false, "short-circuit operators have their own lowering");
  return Op::NOP;
}

// A field access is attributed to the field's name, so "no field `x`" points at `.x`.
diag::SourceRange FieldPos(const ast::Expr& e) {
  return e.name_range.line != 0 ? e.name_range : e.range;
}

}  // namespace

bool WorkflowGen::GenScalarLiteral(const ast::Expr& e) {
  if (e.kind == ExprKind::kList || e.kind == ExprKind::kObject) return false;
  std::optional<Value> value = check::LiteralValue(e);
  if (!value) return false;
  switch (value->kind()) {
    case Value::Kind::kNull: em_.Emit(Op::PUSH_NULL, e.range); break;
    case Value::Kind::kBool:
      em_.Emit(value->as_bool() ? Op::PUSH_TRUE : Op::PUSH_FALSE, e.range);
      break;
    default: em_.Emit(Op::CONST, e.range, em_.constants().Add(*value)); break;
  }
  return true;
}

void WorkflowGen::GenExpr(const ast::Expr& e) {
  if (GenScalarLiteral(e)) return;  // literals, plain strings and negated numbers
  switch (e.kind) {
    case ExprKind::kString: GenString(e); return;
    case ExprKind::kList:
      for (const ast::ExprPtr& item : e.items) GenExpr(*item);
      em_.Emit(Op::MAKE_LIST, e.range, static_cast<uint32_t>(e.items.size()));
      return;
    case ExprKind::kObject: GenObject(e); return;
    case ExprKind::kName:
      WEFT_CHECK(e.resolution.kind == ast::Resolution::Kind::kLocal);
      em_.Emit(Op::LOAD_LOCAL, e.range, e.resolution.index);
      return;
    case ExprKind::kField:
      GenExpr(*e.object);
      em_.Emit(e.optional ? Op::GET_FIELD_OPT : Op::GET_FIELD, FieldPos(e),
               em_.constants().Add(Value::String(e.name)));
      return;
    case ExprKind::kIndex:
      GenExpr(*e.object);
      GenExpr(*e.index);
      em_.Emit(e.optional ? Op::GET_INDEX_OPT : Op::GET_INDEX, e.range);
      return;
    case ExprKind::kUnary: GenUnary(e); return;
    case ExprKind::kBinary: GenBinary(e); return;
    case ExprKind::kCall: GenCall(e); return;
    case ExprKind::kSwitch: GenSwitchExpr(e); return;
    case ExprKind::kFail:
      GenExpr(*e.lhs);
      em_.Emit(Op::FAIL, e.range);
      return;
    case ExprKind::kParallelFor: GenParallelFor(e); return;
    case ExprKind::kAwaitSignal: GenAwaitSignal(e); return;
    case ExprKind::kStart: GenStart(e); return;
    default: break;
  }
  WEFT_CHECK_MSG(false, "unexpected expression kind");
}

// "a ${b} c" -> CONST "a "; b; CONST " c"; CONCAT 3. A plain string never gets here.
void WorkflowGen::GenString(const ast::Expr& e) {
  for (const ast::StringPart& part : e.parts) {
    if (part.expr != nullptr) {
      GenExpr(*part.expr);
    } else {
      em_.Emit(Op::CONST, e.range, em_.constants().Add(Value::String(part.text)));
    }
  }
  em_.Emit(Op::CONCAT, e.range, static_cast<uint32_t>(e.parts.size()));
}

void WorkflowGen::GenObject(const ast::Expr& e) {
  for (const ast::ObjectEntry& entry : e.entries) {
    em_.Emit(Op::CONST, entry.key_range, em_.constants().Add(Value::String(entry.key)));
    GenExpr(*entry.value);
  }
  em_.Emit(Op::MAKE_OBJECT, e.range, static_cast<uint32_t>(e.entries.size()));
}

void WorkflowGen::GenUnary(const ast::Expr& e) {
  GenExpr(*e.lhs);
  em_.Emit(e.unary_op == ast::UnaryOp::kNot ? Op::NOT : Op::NEG, e.range);
}

void WorkflowGen::GenBinary(const ast::Expr& e) {
  switch (e.binary_op) {
    case BinaryOp::kAnd:
    case BinaryOp::kOr: GenShortCircuit(e); return;
    case BinaryOp::kCoalesce: GenCoalesce(e); return;
    default: break;
  }
  GenExpr(*e.lhs);
  GenExpr(*e.rhs);
  em_.Emit(OpOf(e.binary_op), e.range);
}

// a and b:  a; JUMP_IF_FALSE no; b; JUMP_IF_FALSE no; PUSH_TRUE; JUMP end; no: PUSH_FALSE; end:
// a or b:   a; JUMP_IF_TRUE yes; b; JUMP_IF_TRUE yes; PUSH_FALSE; JUMP end; yes: PUSH_TRUE; end:
// Both operands go through a conditional jump, so the VM insists that each is a bool.
void WorkflowGen::GenShortCircuit(const ast::Expr& e) {
  const bool is_and = e.binary_op == BinaryOp::kAnd;
  const Op test = is_and ? Op::JUMP_IF_FALSE : Op::JUMP_IF_TRUE;
  const Label decided = em_.NewLabel();
  const Label end = em_.NewLabel();
  GenExpr(*e.lhs);
  em_.EmitJump(test, decided, e.range);
  GenExpr(*e.rhs);
  em_.EmitJump(test, decided, e.range);
  em_.Emit(is_and ? Op::PUSH_TRUE : Op::PUSH_FALSE, e.range);
  em_.EmitJump(Op::JUMP, end, e.range);
  em_.Bind(decided);
  em_.Emit(is_and ? Op::PUSH_FALSE : Op::PUSH_TRUE, e.range);
  em_.Bind(end);
}

// a ?? b:  a; DUP; JUMP_IF_NOT_NULL end; POP; b; end:
void WorkflowGen::GenCoalesce(const ast::Expr& e) {
  const Label end = em_.NewLabel();
  GenExpr(*e.lhs);
  em_.Emit(Op::DUP, e.range);
  em_.EmitJump(Op::JUMP_IF_NOT_NULL, end, e.range);
  em_.Emit(Op::POP, e.range);
  GenExpr(*e.rhs);
  em_.Bind(end);
}

}  // namespace weft::codegen
