// A brief, deterministic fuzz of LoadProgram (FlatBuffers verifier, value decoding, bytecode
// verifier): random mutations of valid serialized programs, and random byte strings. The
// property: no crash, no hang, and anything that loads is a verified program. Bounded to a few
// thousand cases (about a second); the seed is fixed so a failure reproduces.
#include <random>
#include <string>

#include "bytecode/disasm.h"
#include "bytecode/serialize.h"
#include "bytecode/verifier.h"
#include "gtest/gtest.h"
#include "tests/bytecode/sample_programs.h"

namespace weft::bytecode {
namespace {

constexpr int kMutationCases = 40000;
constexpr int kRandomCases = 20000;
constexpr int kCodeCases = 40000;

std::string Seed() {
  Program p = testing::ShippingProgram();
  for (const Value& v : testing::ConstantZoo()) p.constants.push_back(v);
  return SerializeProgram(p);
}

// One to four random edits: flip a byte, overwrite with an interesting value, insert, delete,
// or cut the tail.
std::string Mutate(std::string bytes, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !bytes.empty(); ++e) {
    const size_t at = rng() % bytes.size();
    switch (rng() % 5) {
      case 0: bytes[at] = static_cast<char>(rng()); break;
      case 1: {
        static const char kInteresting[] = {0, 1, 0x7f, '\x80', '\xff', 4, 8, 16};
        bytes[at] = kInteresting[rng() % sizeof(kInteresting)];
        break;
      }
      case 2: bytes.insert(at, 1, static_cast<char>(rng())); break;
      case 3: bytes.erase(at, 1); break;
      case 4: bytes.resize(at); break;
    }
  }
  return bytes;
}

void ExpectSafe(const std::string& bytes) {
  absl::StatusOr<Program> loaded = LoadProgram(bytes);
  if (loaded.ok()) {
    EXPECT_TRUE(VerifyProgram(*loaded).ok());
  } else {
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(loaded.status().message().empty());
  }
}

TEST(LoadFuzz, MutatedProgramsNeverCrash) {
  const std::string seed = Seed();
  std::mt19937_64 rng(20240611);
  for (int i = 0; i < kMutationCases; ++i) ExpectSafe(Mutate(seed, rng));
}

TEST(LoadFuzz, RandomBytesNeverCrash) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < kRandomCases; ++i) {
    std::string bytes(rng() % 512, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    // Half of them get a valid header, so the verifier is exercised and not only the
    // identifier check.
    if (i % 2 == 0 && bytes.size() >= 8) bytes.replace(4, 4, "WFBC");
    ExpectSafe(bytes);
  }
}

// Mutations of the code alone, in memory, hit the bytecode verifier far more often than
// mutations of the whole buffer (which the FlatBuffers verifier mostly catches). Whatever
// verifies must also disassemble.
TEST(VerifierFuzz, MutatedCodeIsRejectedOrSafe) {
  const Program seed = testing::ShippingProgram();
  std::mt19937_64 rng(7);
  int accepted = 0;
  for (int i = 0; i < kCodeCases; ++i) {
    Program p = seed;
    std::string code(p.code.begin(), p.code.end());
    code = Mutate(std::move(code), rng);
    p.code.assign(code.begin(), code.end());
    if (VerifyProgram(p).ok()) {
      ++accepted;
      EXPECT_FALSE(Disassemble(p).empty());
    }
  }
  EXPECT_LT(accepted, kCodeCases / 2);
}

}  // namespace
}  // namespace weft::bytecode
