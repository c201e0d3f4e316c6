// The states of fiber programs as the engine stores them: a checkpoint round trip at every
// wait changes nothing; CheckStateFits rejects tampered states; DecodeCheckpoint (and the VM
// after CheckStateFits) survives truncated and bit-flipped checkpoints.
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/vm/fiber_programs.h"

namespace weft::vm {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the test helpers

class EveryScenario : public ::testing::TestWithParam<Scenario> {};

// Encode, decode, CheckStateFits and continue both states with the same event, at every wait
// (Simulator::round_trip); the run must also end as it does without the round trips.
TEST_P(EveryScenario, CheckpointRoundTripAtEveryWaitChangesNothing) {
  const Scenario& sc = GetParam();
  ASSERT_TRUE(bytecode::VerifyProgram(sc.program).ok()) << bytecode::VerifyProgram(sc.program);
  Simulator plain(sc.program);
  sc.setup(plain);
  const RunResult expected = plain.Run(sc.args);
  EXPECT_NE(expected.status, RunStatus::kWaiting) << "the scenario got stuck";
  Simulator checked(sc.program);
  sc.setup(checked);
  checked.round_trip = true;
  const RunResult r = checked.Run(sc.args);
  EXPECT_EQ(r.status, expected.status);
  EXPECT_EQ(r.output.ToJson(), expected.output.ToJson());
  EXPECT_EQ(r.error.ToJson(), expected.error.ToJson());
  EXPECT_EQ(checked.log, plain.log);
  EXPECT_FALSE(checked.waits.empty());
}

// Truncations and bit flips of the checkpoint at every wait: never a crash; whatever decodes
// and fits the program runs safely with its open waits answered.
TEST_P(EveryScenario, MutatedCheckpointsAreRejectedOrRunSafely) {
  const Scenario& sc = GetParam();
  Simulator sim(sc.program);
  sc.setup(sim);
  sim.Run(sc.args);
  std::mt19937_64 rng(42);
  RunContext ctx;
  ctx.max_steps = 10'000;
  for (const ExecState& wait : sim.waits) {
    const std::string bytes = EncodeCheckpoint(wait);
    for (size_t n = 0; n < bytes.size(); n += 1 + n / 64) {
      // The last few bytes may be alignment padding nothing refers to.
      const bool ok = DecodeCheckpoint(std::string_view(bytes).substr(0, n)).ok();
      if (n + 8 < bytes.size()) {
        EXPECT_FALSE(ok) << n << " of " << bytes.size();
      }
    }
    for (int i = 0; i < 400; ++i) {
      std::string flipped = bytes;
      const size_t bit = rng() % (bytes.size() * 8);
      flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
      absl::StatusOr<ExecState> decoded = DecodeCheckpoint(flipped);
      if (!decoded.ok()) {
        EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
        continue;
      }
      if (!CheckStateFits(sc.program, *decoded).ok()) continue;
      for (const Request& r : OpenRequests(*decoded)) {
        Resume(sc.program, *decoded, r.wait_id, Ok(Obj({{"x", Int(1)}})), ctx);
      }
      DeliverSignal(sc.program, *decoded, "go", Int(1), ctx);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fibers, EveryScenario, ::testing::ValuesIn(Scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return info.param.name;
                         });

std::string Fits(const Program& p, const ExecState& s) {
  const absl::Status status = CheckStateFits(p, s);
  return status.ok() ? "ok" : std::string(status.message());
}

// The fork/join program with its root in JOIN and branches 2 and 3 waiting on tasks.
ExecState Joining(const Program& p) {
  ExecState s = NewExecState(p, {Str("p")}, 1);
  EXPECT_EQ(Start(p, s, {}).requests.size(), 2u);
  EXPECT_EQ(Fits(p, s), "ok");
  return s;
}

TEST(Tampering, ABranchWithoutItsParent) {
  const Program p = ForkJoinProgram();
  ExecState s = Joining(p);
  s.fibers.at(2).parent = 9;
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 2 has no parent"));
  s = Joining(p);
  s.fibers.at(2).parent = 0;
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 2 has no parent"));
  s = Joining(p);
  s.fibers.at(1).parent = 2;
  EXPECT_THAT(Fits(p, s), HasSubstr("the root fiber has a parent"));
}

TEST(Tampering, TheWrongNumberOfLocals) {
  const Program p = ForkJoinProgram();
  ExecState s = Joining(p);
  s.fibers.at(2).locals.push_back(Value());
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 2 holds 2 locals where its base needs 1"));
  s = Joining(p);
  s.fibers.at(2).base = 0;  // would make the parent's slots its own
  EXPECT_THAT(Fits(p, s), HasSubstr("locals where its base needs"));
  s = Joining(p);
  s.fibers.at(2).base = 7;
  EXPECT_FALSE(CheckStateFits(p, s).ok());
}

TEST(Tampering, TheWrongStackDepth) {
  const Program p = ForkJoinProgram();
  ExecState s = Joining(p);
  s.fibers.at(3).stack.push_back(Int(1));
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 3 holds 1 stack values where pc"));
  s = Joining(p);
  s.fibers.at(1).stack.push_back(Int(1));  // the JOIN pushes the results itself
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 1 holds 1 stack values"));
}

TEST(Tampering, AWaitKindThatDoesNotMatchTheInstructionBeforePc) {
  const Program p = ForkJoinProgram();
  for (WaitKind kind : {WaitKind::kTimer, WaitKind::kSignal, WaitKind::kChild,
                        WaitKind::kStartChild, WaitKind::kJoin, WaitKind::kNone}) {
    ExecState s = Joining(p);
    s.fibers.at(2).wait = kind;
    EXPECT_NE(Fits(p, s), "ok") << static_cast<int>(kind);
  }
  ExecState s = Joining(p);
  s.fibers.at(1).wait = WaitKind::kTask;
  EXPECT_THAT(Fits(p, s), HasSubstr("does not follow a task call"));
  s = Joining(p);
  s.fibers.at(2).pc = s.fibers.at(1).pc;  // just after JOIN, but waiting on a task
  EXPECT_NE(Fits(p, s), "ok");
}

TEST(Tampering, AHandlerThatIsNotACatchTarget) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  Start(p, s, {});
  ASSERT_EQ(Fits(p, s), "ok");
  ASSERT_EQ(s.fibers.at(2).handlers.size(), 1u);
  ExecState bad = s;
  bad.fibers.at(2).handlers[0].catch_pc = 0;  // a FORK, reached at depth 0
  EXPECT_THAT(Fits(p, bad), HasSubstr("not a catch target"));
  bad = s;
  bad.fibers.at(2).handlers[0].stack_depth = 1;  // the right pc at the wrong depth
  EXPECT_THAT(Fits(p, bad), HasSubstr("not a catch target"));
  bad = s;
  bad.fibers.at(2).handlers[0].catch_pc = 1'000'000;
  EXPECT_THAT(Fits(p, bad), HasSubstr("not a catch target"));
  bad = s;
  bad.fibers.at(3).handlers.push_back(s.fibers.at(2).handlers[0]);  // a handler it never had
  EXPECT_EQ(Fits(p, bad), "ok") << "same target and depth: indistinguishable, and safe";
}

TEST(Tampering, ALiveChildrenCountThatDoesNotMatchTheBranches) {
  const Program p = ForkJoinProgram();
  ExecState s = Joining(p);
  s.fibers.at(1).live_children = 3;
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 1 counts 3 branches"));
  s = Joining(p);
  s.fibers.at(1).live_children = 1;
  EXPECT_THAT(Fits(p, s), HasSubstr("fiber 1 counts 1 branches"));
  s = Joining(p);
  s.fibers.erase(3);  // a branch vanished
  EXPECT_THAT(Fits(p, s), HasSubstr("counts 2 branches"));
}

TEST(Tampering, ResultIndexesAndForEachState) {
  const Program p = ForEachProgram();
  ExecState s = NewExecState(p, {List({Int(1), Int(2), Int(3)}), Int(2)}, 1);
  Start(p, s, {});
  ASSERT_EQ(Fits(p, s), "ok");
  ExecState bad = s;
  bad.fibers.at(2).result_index = 3;
  EXPECT_THAT(Fits(p, bad), HasSubstr("result index is out of range"));
  bad = s;
  bad.fibers.at(1).each_next = 4;
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed `parallel for`"));
  bad = s;
  bad.fibers.at(1).each_pc = 0;  // not a branch start
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed `parallel for`"));
  bad = s;
  bad.fibers.at(1).results.pop_back();
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed `parallel for`"));
  bad = s;
  bad.fibers.at(1).each_base = 99;
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed `parallel for`"));
}

TEST(Tampering, RequestsAndCompensations) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  Start(p, s, {});
  ExecState bad = s;
  bad.fibers.at(3).request = Obj({});  // the timer's due time is gone
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed timer"));
  bad = s;
  bad.fibers.at(4).request = Obj({{"name", Int(1)}, {"due_ms", Int(0)}});
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed signal wait"));
  bad = s;
  bad.fibers.at(5).request = Obj({{"workflow", Str("b")}, {"input", Obj({})}});
  EXPECT_THAT(Fits(p, bad), HasSubstr("malformed child request"));
  bad = s;
  bad.compensations.push_back(Obj({{"task", Int(5)}, {"input", Obj({})}}));
  EXPECT_THAT(Fits(p, bad), HasSubstr("compensation is malformed"));
  bad = s;
  bad.mailbox.push_back(Obj({{"name", Str("go")}}));
  EXPECT_THAT(Fits(p, bad), HasSubstr("buffered signal is malformed"));
  bad = s;
  bad.next_fiber_id = 3;
  EXPECT_THAT(Fits(p, bad), HasSubstr("fiber ids are inconsistent"));
  bad = s;
  bad.compensating = true;
  EXPECT_THAT(Fits(p, bad), HasSubstr("compensating execution is malformed"));
}

}  // namespace
}  // namespace weft::vm
