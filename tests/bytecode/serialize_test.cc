// SerializeProgram / LoadProgram: round trips, determinism, and the checks LoadProgram makes
// before trusting anything (identifier, FlatBuffers verifier, version, values, verifier).
#include "bytecode/serialize.h"

#include <cstring>
#include <string>

#include "bytecode/hash.h"
#include "bytecode/verifier.h"
#include "bytecode_generated.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/bytecode/sample_programs.h"
#include "value/value_codec.h"

namespace weft::bytecode {
namespace {

using ::testing::HasSubstr;
using testing::Assembler;

// A program that exercises every field: params with and without defaults, the constant zoo,
// tasks and a line table.
Program RichProgram() {
  Program p = testing::ShippingProgram();
  p.params.push_back({"limits", ParamType::kObject, true, testing::ConstantZoo()[9]});
  p.params.push_back({"ratio", ParamType::kFloat, true, Value::Double(0.5)});
  p.params.push_back({"anything", ParamType::kAny, false, Value()});
  p.num_locals += 3;
  for (const Value& v : testing::ConstantZoo()) p.constants.push_back(v);
  return p;
}

void ExpectSamePrograms(const Program& a, const Program& b) {
  EXPECT_EQ(a.format_version, b.format_version);
  EXPECT_EQ(a.workflow_name, b.workflow_name);
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i) {
    EXPECT_EQ(a.params[i].name, b.params[i].name);
    EXPECT_EQ(a.params[i].type, b.params[i].type);
    EXPECT_EQ(a.params[i].has_default, b.params[i].has_default);
    EXPECT_EQ(a.params[i].default_value.ToJson(), b.params[i].default_value.ToJson());
  }
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (size_t i = 0; i < a.tasks.size(); ++i) EXPECT_EQ(a.tasks[i].name, b.tasks[i].name);
  ASSERT_EQ(a.constants.size(), b.constants.size());
  for (size_t i = 0; i < a.constants.size(); ++i) {
    // ToJson pins kinds (1 vs 1.0) and key order, which == would forgive.
    EXPECT_EQ(a.constants[i].ToJson(), b.constants[i].ToJson()) << "constant " << i;
    EXPECT_EQ(a.constants[i].kind(), b.constants[i].kind()) << "constant " << i;
  }
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.num_locals, b.num_locals);
  EXPECT_EQ(a.max_stack, b.max_stack);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (size_t i = 0; i < a.lines.size(); ++i) {
    EXPECT_EQ(a.lines[i].pc, b.lines[i].pc);
    EXPECT_EQ(a.lines[i].line, b.lines[i].line);
    EXPECT_EQ(a.lines[i].column, b.lines[i].column);
  }
}

TEST(Serialize, RoundTripsEveryField) {
  const Program p = RichProgram();
  absl::StatusOr<Program> loaded = LoadProgram(SerializeProgram(p));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSamePrograms(p, *loaded);
}

TEST(Serialize, IsDeterministic) {
  const std::string once = SerializeProgram(RichProgram());
  EXPECT_EQ(once, SerializeProgram(RichProgram()));
  absl::StatusOr<Program> loaded = LoadProgram(once);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(once, SerializeProgram(*loaded));
  EXPECT_EQ(ContentHash(once), ContentHash(SerializeProgram(*loaded)));
}

TEST(Serialize, DifferentProgramsHashDifferently) {
  Program p = RichProgram();
  const std::string before = ContentHash(SerializeProgram(p));
  p.lines[0].column += 1;
  EXPECT_NE(before, ContentHash(SerializeProgram(p)));
}

TEST(Serialize, CarriesTheFileIdentifier) {
  const std::string bytes = SerializeProgram(RichProgram());
  EXPECT_EQ(bytes.substr(4, 4), "WFBC");
}

TEST(Serialize, LoadsFromMisalignedBytes) {
  const std::string bytes = SerializeProgram(RichProgram());
  std::string shifted = "x" + bytes;
  absl::StatusOr<Program> loaded = LoadProgram(std::string_view(shifted).substr(1));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSamePrograms(RichProgram(), *loaded);
}

TEST(Serialize, MinimalProgramRoundTrips) {
  Assembler a("empty");
  a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  absl::StatusOr<Program> loaded = LoadProgram(SerializeProgram(p));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ExpectSamePrograms(p, *loaded);
}

TEST(Load, RejectsTooShortAndForeignBytes) {
  EXPECT_THAT(LoadProgram("").status().message(), HasSubstr("too short"));
  EXPECT_THAT(LoadProgram("abc").status().message(), HasSubstr("too short"));
  EXPECT_THAT(std::string(LoadProgram(std::string("\x0c\0\0\0WFCPxxxxxxxxxxxx", 20)).status().message()),
              HasSubstr("not Weft bytecode"));
  EXPECT_EQ(LoadProgram("12345678").status().code(), absl::StatusCode::kInvalidArgument);
}

// Builds a buffer by hand, for inputs SerializeProgram refuses to make.
std::string Handmade(uint32_t version, bool bad_constants) {
  flatbuffers::FlatBufferBuilder fbb;
  auto name = fbb.CreateString("w");
  std::vector<uint8_t> pool = EncodeValue(Value::MakeList({Value::Int(1)}));
  if (bad_constants) pool = EncodeValue(Value::Int(1));  // not a list
  auto constants = fbb.CreateVector(pool);
  std::vector<uint8_t> code = {static_cast<uint8_t>(Op::PUSH_NULL),
                               static_cast<uint8_t>(Op::RETURN)};
  auto code_vec = fbb.CreateVector(code);
  auto root = fb::CreateProgram(fbb, version, name, 0, 0, constants, code_vec, 0, 1, 0);
  fb::FinishProgramBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

TEST(Load, ChecksTheFormatVersion) {
  EXPECT_TRUE(LoadProgram(Handmade(kFormatVersion, false)).ok());
  EXPECT_EQ(LoadProgram(Handmade(kFormatVersion + 1, false)).status().message(),
            "unsupported bytecode format version " + std::to_string(kFormatVersion + 1) +
                " (this build reads 1 to " + std::to_string(kFormatVersion) + ")");
  EXPECT_THAT(std::string(LoadProgram(Handmade(0, false)).status().message()),
              HasSubstr("unsupported bytecode format version 0"));
}

TEST(Load, RejectsAConstantPoolThatIsNotAList) {
  EXPECT_EQ(LoadProgram(Handmade(kFormatVersion, true)).status().message(),
            "corrupt bytecode: constant pool is not a list");
}

TEST(Load, RunsTheBytecodeVerifier) {
  Assembler a;
  a.Emit(Op::JUMP, 3).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  const std::string bytes = SerializeProgram(a.Build(0, 1));
  EXPECT_EQ(LoadProgram(bytes).status().message(),
            "invalid bytecode: pc 0: jump target 3 is not an instruction start");
}

TEST(Load, RejectsEveryTruncationThatLosesContent) {
  const std::string bytes = SerializeProgram(RichProgram());
  size_t loaded_prefixes = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<Program> loaded = LoadProgram(std::string_view(bytes).substr(0, n));
    if (!loaded.ok()) continue;
    // FlatBuffers writes back to front, so the last bytes may be padding after the first
    // string written; cutting only padding loses nothing.
    ++loaded_prefixes;
    EXPECT_GE(n, bytes.size() - 3) << "a prefix of " << n << " bytes loaded";
    ExpectSamePrograms(RichProgram(), *loaded);
  }
  EXPECT_LE(loaded_prefixes, 3u);
}

TEST(Load, SurvivesEveryBitFlip) {
  const std::string bytes = SerializeProgram(RichProgram());
  size_t rejected = 0;
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string flipped = bytes;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    absl::StatusOr<Program> loaded = LoadProgram(flipped);
    // Some flips land in padding or change a value harmlessly; what matters is that nothing
    // crashes and that whatever loads is verified (LoadProgram only returns verified programs).
    if (!loaded.ok()) {
      ++rejected;
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(VerifyProgram(*loaded).ok());
    }
  }
  EXPECT_GT(rejected, bytes.size());  // most flips are caught
}

TEST(ContentHash, IsLowercaseHexSha256) {
  EXPECT_EQ(ContentHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ContentHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace weft::bytecode
