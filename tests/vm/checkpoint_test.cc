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

// A state with every field set: a root joining two branches, one of them inside a try block
// and a `parallel for` half fed, plus compensations, buffered signals and every value kind.
ExecState ZooState() {
  const std::vector<Value> zoo = bytecode::testing::ConstantZoo();
  ExecState s;
  s.next_fiber_id = 4;
  s.next_wait_id = 9;
  s.rng_state = 0xfedcba9876543210ull;
  s.steps = 1ull << 40;
  s.compensations = {Obj({{"task", Int(0)}, {"input", zoo[9]}})};
  s.mailbox = {Obj({{"name", Str("approved")}, {"payload", zoo[8]}})};
  Fiber& root = s.fibers[1];
  root.id = 1;
  root.pc = 1234;
  root.locals = zoo;
  root.stack = {zoo[6]};
  root.wait = WaitKind::kJoin;
  root.results = {Value(), zoo[7], Value()};
  root.live_children = 2;
  root.each_items = List({Int(1), Int(2), Int(3)});
  root.each_next = 2;
  root.each_limit = 2;
  root.each_pc = 77;
  root.each_base = 5;
  root.each_offset = 0;
  Fiber& a = s.fibers[2];
  a.id = 2;
  a.parent = 1;
  a.base = 5;
  a.pc = 99;
  a.result_index = 0;
  a.locals = {zoo[2], zoo[3]};
  a.stack = {zoo[4], zoo[5]};
  a.handlers = {{40, 0}, {60, 1}};
  a.wait = WaitKind::kTask;
  a.wait_id = 7;
  a.request = Obj({{"task", Int(0)}, {"input", zoo[10]}, {"policy", Obj({{"retries", Int(3)}})}});
  Fiber& b = s.fibers[3];
  b.id = 3;
  b.parent = 1;
  b.base = 5;
  b.pc = 120;
  b.result_index = 2;
  b.locals = {Value(), Value()};
  b.wait = WaitKind::kSignal;
  b.wait_id = 8;
  b.request = Obj({{"name", Str("go")}, {"due_ms", Int(5)}});
  b.branch_error = Obj({{"code", Str("X")}});
  return s;
}

// A state in the middle of compensating: no fibers, the failure and a log.
ExecState CompensatingState() {
  ExecState s;
  s.next_wait_id = 4;
  s.compensations = {Obj({{"task", Int(1)}, {"input", Obj({})}})};
  s.compensating = true;
  s.failure = Obj({{"code", Str("TASK_FAILED")}, {"message", Str("no")}});
  s.compensation_log = {Obj({{"task", Str("undo"), }, {"ok", Bool(true)}, {"output", Value()}})};
  s.compensation_wait = 3;
  return s;
}

void ExpectSameState(const ExecState& a, const ExecState& b) { EXPECT_EQ(DumpState(a), DumpState(b)); }

TEST(Checkpoint, RoundTripsExactly) {
  const ExecState s = ZooState();
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(s));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(s, *decoded);
}

TEST(Checkpoint, RoundTripsACompensatingState) {
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(CompensatingState()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(CompensatingState(), *decoded);
}

TEST(Checkpoint, RoundTripsAnEndedState) {
  ExecState ended;
  ended.ended = true;
  ended.next_wait_id = 12;
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(ended));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(ended, *decoded);
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
  ASSERT_EQ(vm::Start(p, s, {}).status, RunStatus::kWaiting);
  const std::string bytes = EncodeCheckpoint(s);
  EXPECT_LT(bytes.size(), 260u) << "checkpoint grew to " << bytes.size() << " bytes";
}

TEST(Checkpoint, DecodesMisalignedBytes) {
  const std::string bytes = "abc" + EncodeCheckpoint(ZooState());
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(std::string_view(bytes).substr(3));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameState(ZooState(), *decoded);
}

// The values of a state with no fibers: compensations, mailbox, failure, compensation log.
Value NoFiberValues() { return List({List({}), List({}), Value(), List({})}); }

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
  EXPECT_TRUE(DecodeCheckpoint(Handmade(kCheckpointFormatVersion, NoFiberValues())).ok());
  EXPECT_THAT(std::string(DecodeCheckpoint(Handmade(kCheckpointFormatVersion + 1, NoFiberValues()))
                              .status()
                              .message()),
              HasSubstr("unsupported checkpoint format version"));
  // Format 1 (one frame, before fibers) is refused with the same clear error.
  EXPECT_THAT(std::string(DecodeCheckpoint(Handmade(1, NoFiberValues())).status().message()),
              HasSubstr("unsupported checkpoint format version 1"));
  EXPECT_FALSE(DecodeCheckpoint(Handmade(0, NoFiberValues())).ok());
  EXPECT_EQ(DecodeCheckpoint(Handmade(kCheckpointFormatVersion, Int(1))).status().message(),
            "corrupt checkpoint: the values do not match the fibers");
  EXPECT_EQ(DecodeCheckpoint(Handmade(kCheckpointFormatVersion, List({}))).status().message(),
            "corrupt checkpoint: the values do not match the fibers");
  EXPECT_EQ(DecodeCheckpoint(Handmade(kCheckpointFormatVersion,
                                      List({Int(1), List({}), Value(), List({})})))
                .status()
                .message(),
            "corrupt checkpoint: state values are not lists");
}

TEST(Checkpoint, RejectsTruncationsAndSurvivesBitFlips) {
  const std::string bytes = EncodeCheckpoint(ZooState());
  ASSERT_GT(bytes.size(), 200u);
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
  ASSERT_EQ(vm::Start(p, s, {}).status, RunStatus::kWaiting);
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
    // Every open wait gets an answer (most mutations leave exactly the one task wait).
    for (const Request& r : OpenRequests(*decoded)) {
      Resume(p, *decoded, r.wait_id, Ok(Obj({{"address", Str("a")}})), ctx);
    }
  }
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace weft::vm
