// Checkpoints: exact round trips, determinism, compactness, and safe rejection of bad bytes.
#include "vm/checkpoint.h"

#include <random>
#include <string>

#include "checkpoint_generated.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/vm/vm_test_util.h"
#include "value/value_codec.h"

namespace weft::vm {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the test helpers

ExecState ZooState() {
  ExecState s;
  s.pc = 1234;
  s.suspended = true;
  s.rng_state = 0xfedcba9876543210ull;
  s.steps = 1ull << 40;
  s.slots = bytecode::testing::ConstantZoo();
  return s;
}

void ExpectSameState(const ExecState& a, const ExecState& b) {
  EXPECT_EQ(a.pc, b.pc);
  EXPECT_EQ(a.suspended, b.suspended);
  EXPECT_EQ(a.rng_state, b.rng_state);
  EXPECT_EQ(a.steps, b.steps);
  ASSERT_EQ(a.slots.size(), b.slots.size());
  for (size_t i = 0; i < a.slots.size(); ++i) {
    EXPECT_EQ(a.slots[i].kind(), b.slots[i].kind()) << "slot " << i;
    EXPECT_EQ(a.slots[i].ToJson(), b.slots[i].ToJson()) << "slot " << i;
  }
}

TEST(Checkpoint, RoundTripsExactly) {
  const ExecState s = ZooState();
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(s));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(s, *decoded);
}

TEST(Checkpoint, RoundTripsAnEmptyState) {
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(ExecState{}));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(ExecState{}, *decoded);
}

TEST(Checkpoint, IsDeterministic) {
  const std::string bytes = EncodeCheckpoint(ZooState());
  EXPECT_EQ(bytes, EncodeCheckpoint(ZooState()));
  EXPECT_EQ(bytes, EncodeCheckpoint(*DecodeCheckpoint(bytes)));
  EXPECT_EQ(bytes.substr(4, 4), "WFCP");
}

TEST(Checkpoint, IsCompact) {
  // The shipping workflow waiting on its first task: two string params, two empty locals.
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("order-123"), Str("fedex")}, 42);
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  const std::string bytes = EncodeCheckpoint(s);
  EXPECT_LT(bytes.size(), 120u) << "checkpoint grew to " << bytes.size() << " bytes";
}

TEST(Checkpoint, DecodesMisalignedBytes) {
  const std::string bytes = "abc" + EncodeCheckpoint(ZooState());
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(std::string_view(bytes).substr(3));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(ZooState(), *decoded);
}

// (A buffer without the required slots cannot be built: FlatBufferBuilder asserts.)
std::string Handmade(uint32_t version, const Value& slots) {
  flatbuffers::FlatBufferBuilder fbb;
  auto blob = fbb.CreateVector(EncodeValue(slots));
  fb::CheckpointBuilder b(fbb);
  b.add_format_version(version);
  b.add_slots(blob);
  fb::FinishCheckpointBuffer(fbb, b.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

TEST(Checkpoint, RejectsBadHeadersAndVersions) {
  EXPECT_EQ(DecodeCheckpoint("").status().message(), "corrupt checkpoint: too short");
  EXPECT_EQ(DecodeCheckpoint(std::string(16, 'x')).status().message(),
            "corrupt checkpoint: the file identifier is not WFCP");
  EXPECT_TRUE(DecodeCheckpoint(Handmade(kCheckpointFormatVersion, List({}))).ok());
  EXPECT_THAT(std::string(DecodeCheckpoint(Handmade(kCheckpointFormatVersion + 1, List({})))
                              .status()
                              .message()),
              HasSubstr("unsupported checkpoint format version"));
  EXPECT_FALSE(DecodeCheckpoint(Handmade(0, List({}))).ok());
  EXPECT_EQ(DecodeCheckpoint(Handmade(kCheckpointFormatVersion, Int(1))).status().message(),
            "corrupt checkpoint: slots are not a list");
}

TEST(Checkpoint, RejectsTruncationsAndSurvivesBitFlips) {
  const std::string bytes = EncodeCheckpoint(ZooState());
  for (size_t n = 0; n + 3 < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeCheckpoint(std::string_view(bytes).substr(0, n)).ok()) << n;
  }
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string flipped = bytes;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    absl::StatusOr<ExecState> decoded = DecodeCheckpoint(flipped);  // must not crash
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

// The engine's path for a checkpoint read from disk: decode, CheckStateFits, run. Mutated
// checkpoints of a suspended shipping execution must be rejected by one of the first two or
// run safely (a flipped value may change the outcome, never crash the VM).
TEST(CheckpointFuzz, MutatedCheckpointsAreRejectedOrRunSafely) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("order-123"), Str("fedex")}, 42);
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  const std::string seed = EncodeCheckpoint(s);
  std::mt19937_64 rng(1234);
  RunContext ctx;
  ctx.max_steps = 10'000;
  int ran = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = seed;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    absl::StatusOr<ExecState> decoded = DecodeCheckpoint(bytes);
    if (!decoded.ok() || !CheckStateFits(p, *decoded).ok()) continue;
    ++ran;
    if (decoded->suspended) {
      ResumeWithTaskOutput(p, *decoded, Obj({{"address", Str("a")}}), ctx);
    } else {
      vm::Run(p, *decoded, ctx);
    }
  }
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace weft::vm
