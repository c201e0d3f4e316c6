// The disassembler's text is pinned: a golden for the shipping program, plus rendering of
// programs the verifier would reject (the disassembler must show them, not trust them).
#include "bytecode/disasm.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/bytecode/golden.h"
#include "tests/bytecode/sample_programs.h"

namespace weft::bytecode {
namespace {

using ::testing::HasSubstr;
using testing::Assembler;

TEST(Disassemble, ShippingMatchesGolden) {
  testing::ExpectMatchesGolden("tests/bytecode/testdata/shipping.disasm",
                               Disassemble(testing::ShippingProgram()));
}

TEST(Disassemble, RendersEveryOperandKind) {
  uint32_t upper = 0;
  ASSERT_NE(stdlib::FindBuiltin("upper", &upper), nullptr);
  Assembler a("kinds");
  a.Param("who", ParamType::kString, Value::String("world"));
  const uint32_t greet = a.Task("greet");
  const uint32_t k = a.Const(Value::MakeList({Value::Int(1), Value::Double(2.5)}));
  const uint32_t name = a.Const(Value::String("field"));
  a.At(1, 2).Emit(Op::LOAD_LOCAL, 0).Emit(Op::CALL_BUILTIN, upper, 1).Emit(Op::POP);
  a.Emit(Op::CONST, k).Emit(Op::ITER_INIT, 1).Emit(Op::PUSH_NULL).Emit(Op::GET_FIELD_OPT, name);
  a.At(3, 4).Emit(Op::MAKE_LIST, 1).Emit(Op::CALL_TASK, greet).Emit(Op::JUMP, 0);
  const std::string text = Disassemble(a.Build(3, 2));
  EXPECT_THAT(text, HasSubstr("workflow kinds\n"));
  EXPECT_THAT(text, HasSubstr("params 1\n  0 who: string = \"world\"\n"));
  EXPECT_THAT(text, HasSubstr("tasks 1\n  0 greet\n"));
  EXPECT_THAT(text, HasSubstr("constants 2\n  0 [1,2.5]\n  1 \"field\"\n"));
  EXPECT_THAT(text, HasSubstr("num_locals 3\nmax_stack 2\ncode 46 bytes\n"));
  EXPECT_THAT(text, HasSubstr("  0000  1:2      LOAD_LOCAL       0          ; who\n"));
  EXPECT_THAT(text, HasSubstr("  0005  1:2      CALL_BUILTIN     " + std::to_string(upper) +
                              " 1        ; upper\n  0014  1:2      POP\n"));
  EXPECT_THAT(text, HasSubstr("  0015  1:2      CONST            0          ; [1,2.5]\n"));
  EXPECT_THAT(text, HasSubstr("  0020  1:2      ITER_INIT        1\n"));
  EXPECT_THAT(text, HasSubstr("  0026  1:2      GET_FIELD_OPT    1          ; \"field\"\n"));
  EXPECT_THAT(text, HasSubstr("  0031  3:4      MAKE_LIST        1\n"));
  EXPECT_THAT(text, HasSubstr("  0036  3:4      CALL_TASK        0          ; greet\n"));
  EXPECT_THAT(text, HasSubstr("  0041  3:4      JUMP             0\n"));
}

TEST(Disassemble, ShowsPositionlessCodeWithADash) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).At(2, 1).Emit(Op::RETURN);
  const std::string text = Disassemble(a.Build(0, 1));
  EXPECT_THAT(text, HasSubstr("  0000  -        PUSH_NULL\n  0001  2:1      RETURN\n"));
}

TEST(Disassemble, ShowsBrokenCodeInsteadOfTrustingIt) {
  Assembler a;
  a.Emit(Op::CONST, 7).Emit(Op::CALL_TASK, 3).Emit(Op::CALL_BUILTIN, 999, 0).Raw({250});
  std::string text = Disassemble(a.Build(0, 1));
  EXPECT_THAT(text, HasSubstr("  0000  -        CONST            7          ; <bad constant>\n"));
  EXPECT_THAT(text, HasSubstr("  0005  -        CALL_TASK        3          ; <bad task>\n"));
  EXPECT_THAT(text, HasSubstr("  0010  -        CALL_BUILTIN     999 0      ; <bad builtin>\n"));
  EXPECT_THAT(text, HasSubstr("  0019  <bad opcode 250>\n"));
  Assembler b;
  b.Emit(Op::PUSH_NULL).Raw({static_cast<uint8_t>(Op::JUMP), 1});
  EXPECT_THAT(Disassemble(b.Build(0, 1)), HasSubstr("  0001  <truncated instruction>\n"));
}

TEST(Disassemble, AbbreviatesLongConstantsInNotesOnly) {
  Assembler a;
  const std::string long_text(100, 'x');
  a.Emit(Op::CONST, a.Const(Value::String(long_text))).Emit(Op::RETURN);
  const std::string text = Disassemble(a.Build(0, 1));
  EXPECT_THAT(text, HasSubstr("  0 \"" + long_text + "\"\n"));
  EXPECT_THAT(text, HasSubstr("; \"" + std::string(44, 'x') + "...\n"));
}

}  // namespace
}  // namespace weft::bytecode
