// The bytecode verifier: every rejection, on hand-assembled programs, plus a table-driven check
// that every opcode is accepted with well-formed operands and rejected when its pops underflow.
#include "bytecode/verifier.h"

#include <string>

#include "common/strings.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/bytecode/sample_programs.h"
#include "tests/bytecode/test_assembler.h"

namespace weft::bytecode {
namespace {

using ::testing::HasSubstr;
using testing::Assembler;

std::string Verify(const Program& p) {
  absl::Status s = VerifyProgram(p);
  return s.ok() ? "OK" : std::string(s.message());
}

// PUSH_NULL; RETURN -- the smallest valid program.
Assembler Minimal() {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  return a;
}

TEST(Verifier, AcceptsMinimalProgram) { EXPECT_EQ(Verify(Minimal().Build(0, 1)), "OK"); }

TEST(Verifier, AcceptsShippingProgram) {
  EXPECT_EQ(Verify(testing::ShippingProgram()), "OK");
}

TEST(Verifier, AcceptsLoopWithBackwardJump) {
  Assembler a;
  auto top = a.NewLabel(), done = a.NewLabel();
  a.Emit(Op::CONST, a.Const(Value::MakeList({Value::Int(1)}))).Emit(Op::ITER_INIT, 0);
  a.Bind(top).Emit(Op::ITER_HAS, 0).Jump(Op::JUMP_IF_FALSE, done);
  a.Emit(Op::ITER_NEXT, 0).Emit(Op::POP).Jump(Op::JUMP, top);
  a.Bind(done).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(2, 1)), "OK");
}

TEST(Verifier, RejectsEmptyCode) {
  EXPECT_EQ(Verify(Assembler().Build(0, 0)), "the code is empty");
}

TEST(Verifier, RejectsUnknownOpcode) {
  Assembler a = Minimal();
  a.Raw({200});
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 2: unknown opcode 200");
}

TEST(Verifier, RejectsTruncatedInstruction) {
  Assembler a = Minimal();
  a.Raw({static_cast<uint8_t>(Op::CONST), 0, 0});
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 2: CONST is truncated by the end of the code");
}

TEST(Verifier, RejectsJumpIntoTheMiddleOfAnInstruction) {
  Assembler a;
  a.Emit(Op::JUMP, 7).Emit(Op::CONST, a.Const(Value::Int(1))).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 0: jump target 7 is not an instruction start");
}

TEST(Verifier, RejectsJumpPastTheEnd) {
  Assembler a;
  a.Emit(Op::PUSH_TRUE).Emit(Op::JUMP_IF_FALSE, 1000).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: jump target 1000 is past the end of the code");
}

TEST(Verifier, RejectsConstantOutOfPool) {
  Assembler a;
  a.Const(Value::Int(1));
  a.Emit(Op::CONST, 1).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 0: constant 1 is out of range (pool has 1)");
}

TEST(Verifier, RejectsNameThatIsNotAString) {
  Assembler a;
  const uint32_t k = a.Const(Value::Int(1));
  a.Emit(Op::PUSH_NULL).Emit(Op::GET_FIELD_OPT, k).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: name constant 0 is not a string");
}

TEST(Verifier, RejectsNameOutOfPool) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::GET_FIELD, 3).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: name constant 3 is out of range (pool has 0)");
}

TEST(Verifier, RejectsLocalOutOfRange) {
  Assembler a;
  a.Emit(Op::LOAD_LOCAL, 3).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(3, 1)), "pc 0: local 3 is out of range (3 locals)");
  Assembler b;
  b.Emit(Op::PUSH_NULL).Emit(Op::STORE_LOCAL, 0).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  EXPECT_EQ(Verify(b.Build(0, 1)), "pc 1: local 0 is out of range (0 locals)");
}

TEST(Verifier, IteratorUsesTwoSlots) {
  Assembler ok;
  ok.Emit(Op::ITER_HAS, 1).Emit(Op::RETURN);
  EXPECT_EQ(Verify(ok.Build(3, 1)), "OK");
  Assembler bad;
  bad.Emit(Op::ITER_HAS, 2).Emit(Op::RETURN);
  EXPECT_EQ(Verify(bad.Build(3, 1)),
            "pc 0: iterator slots 2 and 3 are out of range (3 locals)");
  Assembler huge;
  huge.Emit(Op::ITER_NEXT, 0xffffffff).Emit(Op::RETURN);
  EXPECT_THAT(Verify(huge.Build(3, 1)), HasSubstr("iterator slots 4294967295 and 4294967296"));
}

TEST(Verifier, RejectsTaskOutOfRange) {
  Assembler a;
  a.Task("only");
  a.Emit(Op::PUSH_NULL).Emit(Op::CALL_TASK, 1).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: task 1 is out of range (1 tasks)");
}

TEST(Verifier, RejectsUnknownBuiltin) {
  Assembler a;
  a.Emit(Op::CALL_BUILTIN, 9999, 0).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 0: unknown builtin 9999");
}

TEST(Verifier, RejectsBuiltinArgumentCountOutsideItsArity) {
  uint32_t len = 0;
  ASSERT_NE(stdlib::FindBuiltin("len", &len), nullptr);
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::PUSH_NULL).Emit(Op::CALL_BUILTIN, len, 2).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 2)), "pc 2: builtin `len` takes 1..1 arguments, not 2");
}

TEST(Verifier, RejectsStackUnderflow) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::ADD).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 2)), "pc 1: ADD pops 2 but the stack holds 1");
}

TEST(Verifier, RejectsUnderflowFromCountOperand) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::PUSH_NULL).Emit(Op::MAKE_OBJECT, 2).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 2)), "pc 2: MAKE_OBJECT pops 4 but the stack holds 2");
  Assembler huge;
  huge.Emit(Op::MAKE_OBJECT, 0xffffffff).Emit(Op::RETURN);
  EXPECT_EQ(Verify(huge.Build(0, 2)), "pc 0: MAKE_OBJECT pops 8589934590 but the stack holds 0");
  Assembler wrap;  // 2 * 2^31 is 0 in uint32_t arithmetic; the verifier must not be fooled
  wrap.Emit(Op::MAKE_OBJECT, 0x80000000u).Emit(Op::RETURN);
  EXPECT_EQ(Verify(wrap.Build(0, 2)), "pc 0: MAKE_OBJECT pops 4294967296 but the stack holds 0");
}

TEST(Verifier, RejectsDepthThatDisagreesAtAJoin) {
  Assembler a;
  auto join = a.NewLabel();
  a.Emit(Op::PUSH_TRUE).Jump(Op::JUMP_IF_FALSE, join);  // reaches `join` with depth 0
  a.Emit(Op::PUSH_NULL);                                // falls into `join` with depth 1
  a.Bind(join).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  EXPECT_THAT(Verify(a.Build(0, 2)),
              HasSubstr("pc 6: stack depth 1 at pc 7 disagrees with depth 0"));
}

TEST(Verifier, RejectsDepthBeyondMaxStack) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::PUSH_NULL).Emit(Op::POP).Emit(Op::RETURN);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: stack depth 2 exceeds max_stack 1");
}

TEST(Verifier, RejectsFallingOffTheEnd) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::POP);
  EXPECT_EQ(Verify(a.Build(0, 1)), "pc 1: execution falls off the end of the code");
  Assembler b;  // a conditional jump as the last instruction may fall through too
  auto top = b.NewLabel();
  b.Bind(top).Emit(Op::PUSH_TRUE).Jump(Op::JUMP_IF_TRUE, top);
  EXPECT_EQ(Verify(b.Build(0, 1)), "pc 1: execution falls off the end of the code");
}

TEST(Verifier, ChecksOperandsOfUnreachableCodeButNotItsStack) {
  Assembler a = Minimal();
  a.Emit(Op::POP).Emit(Op::POP).Emit(Op::RETURN);  // would underflow, but is never reached
  EXPECT_EQ(Verify(a.Build(0, 1)), "OK");
  Assembler b = Minimal();
  b.Emit(Op::CONST, 5).Emit(Op::RETURN);
  EXPECT_EQ(Verify(b.Build(0, 1)), "pc 2: constant 5 is out of range (pool has 0)");
}

TEST(Verifier, RejectsParamsBeyondLocals) {
  Assembler a = Minimal();
  a.Param("x").Param("y");
  EXPECT_EQ(Verify(a.Build(1, 1)), "2 params do not fit in 1 locals");
}

TEST(Verifier, RejectsBadParams) {
  Assembler dup = Minimal();
  dup.Param("x").Param("x");
  EXPECT_EQ(Verify(dup.Build(2, 1)), "duplicate param `x`");
  Assembler empty = Minimal();
  empty.Param("");
  EXPECT_EQ(Verify(empty.Build(1, 1)), "param 0 has an empty name");
  Assembler type = Minimal();
  type.Param("x", static_cast<ParamType>(99));
  EXPECT_EQ(Verify(type.Build(1, 1)), "param `x` has unknown type 99");
  Assembler def = Minimal();
  def.Param("n", ParamType::kInt, Value::String("three"));
  EXPECT_EQ(Verify(def.Build(1, 1)), "default of param `n` does not have type int");
  Assembler float_default = Minimal();
  float_default.Param("f", ParamType::kFloat, Value::Int(3));
  EXPECT_EQ(Verify(float_default.Build(1, 1)), "OK");
}

TEST(Verifier, RejectsBadLineTable) {
  Assembler a;
  a.At(2, 1).Emit(Op::PUSH_NULL).At(1, 1).Emit(Op::RETURN);
  Program p = a.Build(0, 1);
  EXPECT_EQ(Verify(p), "OK");
  std::swap(p.lines[0], p.lines[1]);
  EXPECT_EQ(Verify(p), "line table entry 1: pcs are not sorted");
  p.lines = {{7, 1, 1}};
  EXPECT_EQ(Verify(p), "line table entry 0: pc 7 is past the end of the code");
}

TEST(Verifier, RejectsHugeFrames) {
  EXPECT_EQ(Verify(Minimal().Build(kMaxSlots + 1, 1)), "num_locals 65537 exceeds the limit 65536");
  EXPECT_EQ(Verify(Minimal().Build(0, kMaxSlots + 1)), "max_stack 65537 exceeds the limit 65536");
}

TEST(Verifier, RejectsUnsupportedFormatVersion) {
  Program p = Minimal().Build(0, 1);
  p.format_version = kFormatVersion + 1;
  EXPECT_EQ(Verify(p), "unsupported format version " + std::to_string(kFormatVersion + 1));
}

TEST(Verifier, ReportsDepthsOfReachableInstructions) {
  Assembler a = Minimal();
  a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);  // unreachable
  std::vector<int32_t> depths;
  ASSERT_TRUE(VerifyProgram(a.Build(0, 1), &depths).ok());
  EXPECT_EQ(depths, (std::vector<int32_t>{0, 1, -1, -1}));
}

// One program per opcode: its pops pushed first, well-formed operands, then a clean ending.
// Accepted as is; rejected with one value fewer on the stack (when it pops anything).
Program SingleOpProgram(Op op, bool one_short) {
  const OpInfo& info = InfoOf(op);
  Assembler a;
  a.Task("t");
  const uint32_t k = a.Const(Value::String("name"));
  uint32_t len = 0;
  stdlib::FindBuiltin("len", &len);
  auto operand = [&](OperandKind kind) -> uint32_t {
    switch (kind) {
      case OperandKind::CONST:
      case OperandKind::NAME: return k;
      case OperandKind::BUILTIN: return len;
      case OperandKind::COUNT: return 1;
      default: return 0;  // LOCAL/ITER 0, TASK 0; TARGET is fixed up below
    }
  };
  const uint32_t oa = operand(info.a), ob = operand(info.b);
  const StackEffect effect = StackEffectOf(op, oa, ob);
  for (int64_t i = 0; i < effect.pops - (one_short ? 1 : 0); ++i) a.Emit(Op::PUSH_NULL);
  auto after = a.NewLabel();
  auto side = a.NewLabel();
  const bool side_entry = info.flags & (F_SPAWN | F_SPAWN_ITEM | F_HANDLER);
  if (side_entry) {
    // The target is a new fiber's start or a catch block: code of its own, after the end.
    a.Jump(op, side, ob);
  } else if (info.a == OperandKind::TARGET) {
    a.Jump(op, after);
  } else {
    a.Emit(op, oa, ob);
  }
  a.Bind(after);
  if (!(info.flags & F_END)) {
    for (int64_t i = 0; i < effect.pushes; ++i) a.Emit(Op::POP);
    a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  }
  if (side_entry) {
    a.Bind(side);
    // A branch starts empty (PUSH_NULL to end it) or with its item; a catch block has the error.
    if (info.flags & F_SPAWN) a.Emit(Op::PUSH_NULL);
    a.Emit((info.flags & F_HANDLER) ? Op::RETURN : Op::BRANCH_END);
  }
  return a.Build(/*num_locals=*/2, /*max_stack=*/4);
}

TEST(Verifier, EveryOpcodeWithWellFormedOperandsIsAccepted) {
  for (size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    EXPECT_EQ(Verify(SingleOpProgram(op, /*one_short=*/false)), "OK") << InfoOf(op).name;
  }
}

TEST(Verifier, EveryPoppingOpcodeRejectsAnUnderflow) {
  for (size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    if (StackEffectOf(op, 1, 1).pops == 0) continue;
    EXPECT_THAT(Verify(SingleOpProgram(op, /*one_short=*/true)), HasSubstr("but the stack holds"))
        << InfoOf(op).name;
  }
}

}  // namespace
}  // namespace weft::bytecode
