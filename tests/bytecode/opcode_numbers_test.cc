// Opcode numbers are an on-disk ABI (opcodes.def). The golden file pins name -> number; the
// second test holds even while regenerating goldens, so a reorder can never be "accepted".
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_format.h"
#include "bytecode/opcodes.h"
#include "common/strings.h"
#include "gtest/gtest.h"
#include "tests/bytecode/golden.h"

namespace weft::bytecode {
namespace {

constexpr char kGolden[] = "tests/bytecode/opcode_numbers.golden";

std::string Line(size_t number) {
  return absl::StrFormat("%d %s", number, ToAbsl(kOpInfo[number].name));
}

TEST(OpcodeNumbers, MatchGolden) {
  std::string text =
      "# Opcode numbers (bytecode/opcodes.def). An on-disk ABI: append only.\n"
      "# Regenerate with WEFT_UPDATE_GOLDEN=1 after APPENDING an opcode.\n";
  for (size_t i = 0; i < kOpCount; ++i) text += Line(i) + "\n";
  testing::ExpectMatchesGolden(kGolden, text);
}

TEST(OpcodeNumbers, PinnedNumbersNeverChange) {
  std::ifstream in(kGolden);
  ASSERT_TRUE(in.good()) << kGolden;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ASSERT_LT(number, kOpCount) << "opcode `" << line << "` was deleted";
    EXPECT_EQ(line, Line(number)) << "opcode numbers may only be appended";
    ++number;
  }
}

TEST(OpcodeTable, SizesFollowOperandKinds) {
  for (size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    const OpInfo& info = InfoOf(op);
    EXPECT_FALSE(info.a == OperandKind::NONE && info.b != OperandKind::NONE) << info.name;
    EXPECT_EQ(InstructionSize(op), 1u + 4u * OperandCount(op)) << info.name;
    const bool jumps = info.flags & (F_JUMP | F_GOTO | F_SPAWN | F_SPAWN_ITEM | F_HANDLER);
    EXPECT_EQ(jumps, info.a == OperandKind::TARGET) << info.name;
  }
}

}  // namespace
}  // namespace weft::bytecode
