// Schedules in the engine (docs/schedules.md), on a simulated clock that the tests start at a
// fixed time, hold still and move: a schedule every second runs exactly N times in N seconds;
// slots missed while the engine was closed run or are skipped per the catch-up policy; a slot
// is skipped while the previous run goes on under the overlap policy; pause, resume, start and
// end bounds; each execution's input and history carry its slot and its schedule; and the
// API refuses bad schedules with clear errors. No test reads the real clock.
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "engine/clock.h"
#include "engine/engine_impl.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr int64_t kT0 = 1893456000000;  // 2030-01-01T00:00:00Z
constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;

constexpr std::string_view kSource = R"(
workflow report(day: string = "today", _scheduledTime: int = 0, _scheduleName: string = "") {
    return { day: day, at: _scheduledTime, by: _scheduleName }
}

workflow plain() {
    return 1
}

workflow waits() {
    let x = await signal("go")
    return x
}
)";

class ScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(kT0, /*held=*/true); }

  // Opens the store with a simulated clock at `now_ms`; held, it stays there until moved.
  void Open(int64_t now_ms, bool held) {
    engine_.reset();
    EngineOptions options;
    options.path = dir_.path() + "/store";
    options.durability = Durability::kNoSync;
    options.map_size_bytes = 256 << 20;
    options.worker_threads = 2;
    auto clock = std::make_unique<engine::VirtualClock>(now_ms);
    clock->Hold(held);
    clock_ = clock.get();
    auto engine = engine::EngineImpl::Open(options, std::move(clock));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    auto deployed = engine_->Deploy("schedules.wf", kSource);
    ASSERT_TRUE(deployed.ok()) << deployed.status();
  }

  Schedule Every(std::string name, std::string cron, std::string workflow = "report") {
    Schedule s;
    s.name = std::move(name);
    s.workflow = std::move(workflow);
    s.cron = std::move(cron);
    return s;
  }

  Schedule Create(const Schedule& s) {
    auto stored = engine_->CreateSchedule(s);
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? *stored : Schedule{};
  }

  Schedule Get(const std::string& name) {
    auto s = engine_->GetSchedule(name);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : Schedule{};
  }

  // Waits until the schedule has handled `slots` slots (ran or skipped).
  Schedule AwaitSlots(const std::string& name, uint64_t slots) {
    Schedule s;
    EXPECT_TRUE(Eventually([&] {
      s = Get(name);
      return s.runs + s.skipped >= slots;
    })) << name << ": " << s.runs << " runs, " << s.skipped << " skipped";
    return s;
  }

  // Every execution of `workflow`, oldest first, once none is RUNNING... or waiting.
  std::vector<ExecutionInfo> Executions(std::string_view workflow) {
    auto all = engine_->ListExecutions(std::nullopt, 10000);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<ExecutionInfo> out;
    for (auto it = all->rbegin(); it != all->rend(); ++it) {
      if (it->workflow == workflow) out.push_back(*it);
    }
    return out;
  }

  std::set<int64_t> Slots(const std::vector<ExecutionInfo>& executions) {
    std::set<int64_t> slots;
    for (const ExecutionInfo& e : executions) slots.insert(Field(e.output, "at").as_int());
    return slots;
  }

  std::vector<HistoryEvent> HistoryOf(const std::string& id, std::string_view type) {
    std::vector<HistoryEvent> out;
    auto history = engine_->History(id);
    EXPECT_TRUE(history.ok()) << history.status();
    for (const HistoryEvent& e : history.ok() ? *history : std::vector<HistoryEvent>{}) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }

  ExecutionInfo Await(const std::string& id) {
    auto info = engine_->AwaitExecution(id, absl::Seconds(30));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : ExecutionInfo{};
  }

  void ExpectStoreClean() {
    engine_.reset();
    storage::Env::Options options;
    options.path = dir_.path() + "/store";
    options.read_only = true;
    options.map_size_bytes = 256 << 20;
    auto env = storage::Env::Open(options);
    ASSERT_TRUE(env.ok()) << env.status();
    auto report = storage::VerifyStore(**env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  engine::VirtualClock* clock_ = nullptr;  // owned by engine_
};

TEST_F(ScheduleTest, EverySecondRunsExactlyNTimesInNSecondsOfVirtualTime) {
  constexpr int kN = 30;
  Schedule s = Every("tick", "* * * * * *");
  s.end_ms = kT0 + kN * kSecond;
  s.input = Json(R"({"day":"mon"})");
  Schedule stored = Create(s);
  EXPECT_EQ(stored.next_ms, kT0 + kSecond);
  clock_->Hold(false);  // time runs: it jumps from slot to slot whenever the engine is idle
  EXPECT_TRUE(Eventually([&] { return Get("tick").next_ms == 0; }));
  Schedule done = Get("tick");
  EXPECT_EQ(done.runs, static_cast<uint64_t>(kN));
  EXPECT_EQ(done.skipped, 0u);
  EXPECT_EQ(done.last_slot_ms, kT0 + kN * kSecond);
  std::vector<ExecutionInfo> runs = Executions("report");
  ASSERT_EQ(runs.size(), static_cast<size_t>(kN));
  std::set<int64_t> expected;
  for (int i = 1; i <= kN; ++i) expected.insert(kT0 + i * kSecond);
  EXPECT_EQ(Slots(runs), expected);
  // Each run started exactly at its slot, with the schedule's input and its slot and name.
  for (const ExecutionInfo& e : runs) {
    ASSERT_EQ(e.status, ExecutionStatus::kCompleted) << e.error.ToJson();
    EXPECT_EQ(e.created_ms, Field(e.output, "at").as_int());
    EXPECT_EQ(Field(e.output, "day").ToJson(), R"("mon")");
    EXPECT_EQ(Field(e.output, "by").ToJson(), R"("tick")");
    EXPECT_EQ(Field(e.input, "_scheduleName").ToJson(), R"("tick")");
  }
  std::vector<HistoryEvent> started = HistoryOf(runs[0].id, "EXECUTION_STARTED");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(Field(started[0].details, "schedule").ToJson(), R"("tick")");
  EXPECT_EQ(Field(started[0].details, "scheduled_time").as_int(), kT0 + kSecond);
  EXPECT_EQ(done.last_execution_id, runs.back().id);
  ExpectStoreClean();
}

TEST_F(ScheduleTest, AWorkflowWithoutTheParametersStillRunsAndItsHistoryNamesTheSlot) {
  Schedule s = Every("plain", "0 * * * * *", "plain");
  s.end_ms = kT0 + 2 * kMinute;
  Create(s);
  clock_->Hold(false);
  Schedule done = AwaitSlots("plain", 2);
  EXPECT_EQ(done.runs, 2u);
  std::vector<ExecutionInfo> runs = Executions("plain");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].input.ToJson(), "{}");
  auto started = HistoryOf(runs[1].id, "EXECUTION_STARTED");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(Field(started[0].details, "scheduled_time").as_int(), kT0 + 2 * kMinute);
}

TEST_F(ScheduleTest, MissedSlotsRunAfterDowntimeWithRunAll) {
  Schedule s = Every("catchup", "0 * * * * *");
  s.catch_up = CatchUpPolicy::kRunAll;
  Create(s);
  // Closed across five slots (1 to 5 min), reopened at 5 min 30 s with time held.
  Open(kT0 + 5 * kMinute + 30 * kSecond, /*held=*/true);
  Schedule after = AwaitSlots("catchup", 5);
  EXPECT_EQ(after.runs, 5u);
  EXPECT_EQ(after.skipped, 0u);
  EXPECT_EQ(after.next_ms, kT0 + 6 * kMinute);
  std::set<int64_t> expected;
  for (int i = 1; i <= 5; ++i) expected.insert(kT0 + i * kMinute);
  EXPECT_EQ(Slots(Executions("report")), expected);
  ExpectStoreClean();
}

TEST_F(ScheduleTest, MissedSlotsAreSkippedWithSkipAndTheNextOneRuns) {
  Schedule s = Every("skipper", "0 * * * * *");
  s.catch_up = CatchUpPolicy::kSkip;
  s.end_ms = kT0 + 6 * kMinute;
  Create(s);
  Open(kT0 + 5 * kMinute + 30 * kSecond, /*held=*/true);
  Schedule after = AwaitSlots("skipper", 5);
  EXPECT_EQ(after.runs, 0u);
  EXPECT_EQ(after.skipped, 5u);
  EXPECT_EQ(after.next_ms, kT0 + 6 * kMinute);
  EXPECT_TRUE(Executions("report").empty());
  clock_->Hold(false);
  after = AwaitSlots("skipper", 6);
  EXPECT_EQ(after.runs, 1u);
  EXPECT_EQ(after.next_ms, 0) << "past its end";
  EXPECT_EQ(Slots(Executions("report")), std::set<int64_t>{kT0 + 6 * kMinute});
}

TEST_F(ScheduleTest, OverlapSkipSkipsSlotsWhileThePreviousRunGoesOn) {
  for (OverlapPolicy policy : {OverlapPolicy::kSkip, OverlapPolicy::kAllow}) {
    const std::string name = policy == OverlapPolicy::kSkip ? "skip" : "allow";
    Schedule s = Every(name, "0 * * * * *", "waits");
    s.overlap = policy;
    s.start_ms = policy == OverlapPolicy::kSkip ? kT0 : kT0 + 10 * kMinute + kSecond;
    s.end_ms = s.start_ms + 3 * kMinute;
    clock_->Hold(true);
    Create(s);
    clock_->Hold(false);
    // Each run waits for a signal nobody sends, so it is still RUNNING at the next slots.
    Schedule done = AwaitSlots(name, 3);
    clock_->Hold(true);
    if (policy == OverlapPolicy::kSkip) {
      EXPECT_EQ(done.runs, 1u);
      EXPECT_EQ(done.skipped, 2u);
    } else {
      EXPECT_EQ(done.runs, 3u);
      EXPECT_EQ(done.skipped, 0u);
    }
  }
  // Once the running one ends, the next slot runs again.
  std::vector<ExecutionInfo> waiting = Executions("waits");
  ASSERT_EQ(waiting.size(), 4u);
  ASSERT_TRUE(engine_->Signal(waiting[0].id, "go", Value::Int(1)).ok());
  ASSERT_EQ(Await(waiting[0].id).status, ExecutionStatus::kCompleted);
  Schedule s = Every("skip", "0 * * * * *", "waits");
  s.overlap = OverlapPolicy::kSkip;
  s.start_ms = kT0 + 20 * kMinute;
  s.end_ms = kT0 + 20 * kMinute;
  ASSERT_TRUE(engine_->CreateSchedule(s, /*replace=*/true).ok());
  clock_->Hold(false);
  Schedule again = AwaitSlots("skip", 4);
  EXPECT_EQ(again.runs, 2u) << "kept its counters across the replace, and ran";
  EXPECT_EQ(again.skipped, 2u);
}

TEST_F(ScheduleTest, PausedSlotsNeverRunAndResumeGoesOnFromNow) {
  Schedule s = Every("paused", "0 * * * * *");
  s.end_ms = kT0 + 10 * kMinute;
  Create(s);
  ASSERT_TRUE(engine_->PauseSchedule("paused").ok());
  Schedule paused = Get("paused");
  EXPECT_TRUE(paused.paused);
  EXPECT_EQ(paused.next_ms, 0);
  ASSERT_TRUE(engine_->PauseSchedule("paused").ok()) << "pausing twice is no error";
  clock_->Hold(false);
  clock_->AdvanceTo(kT0 + 3 * kMinute + 30 * kSecond);
  clock_->Hold(true);
  ASSERT_TRUE(engine_->ResumeSchedule("paused").ok());
  Schedule resumed = Get("paused");
  EXPECT_FALSE(resumed.paused);
  EXPECT_EQ(resumed.next_ms, kT0 + 4 * kMinute);
  EXPECT_TRUE(Executions("report").empty());
  clock_->Hold(false);
  EXPECT_TRUE(Eventually([&] { return Get("paused").next_ms == 0; }));
  Schedule done = Get("paused");
  EXPECT_EQ(done.runs, 7u) << "4 to 10 min";
  EXPECT_EQ(done.skipped, 0u) << "slots while paused are not slots";
  EXPECT_EQ(*Slots(Executions("report")).begin(), kT0 + 4 * kMinute);
}

TEST_F(ScheduleTest, StartAndEndBoundTheSlots) {
  Schedule s = Every("bounded", "0 * * * * *");
  s.start_ms = kT0 + 10 * kMinute;
  s.end_ms = kT0 + 12 * kMinute;
  Schedule stored = Create(s);
  EXPECT_EQ(stored.next_ms, kT0 + 10 * kMinute);
  auto next = engine_->NextScheduleTimes("bounded", 10);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, (std::vector<int64_t>{kT0 + 10 * kMinute, kT0 + 11 * kMinute,
                                         kT0 + 12 * kMinute}));
  clock_->Hold(false);
  EXPECT_TRUE(Eventually([&] { return Get("bounded").next_ms == 0; }));
  EXPECT_EQ(Slots(Executions("report")),
            (std::set<int64_t>{kT0 + 10 * kMinute, kT0 + 11 * kMinute, kT0 + 12 * kMinute}));
}

TEST_F(ScheduleTest, NextTimesFollowTheZone) {
  Schedule s = Every("ny", "0 30 2 * * *");
  s.zone = "America/New_York";
  // 2030-03-10 is the spring-forward day in New York: 02:30 does not exist and becomes 03:30.
  s.start_ms = 1899306000000;  // 2030-03-09T12:00:00-05:00
  Create(s);
  auto next = engine_->NextScheduleTimes("ny", 3);
  ASSERT_TRUE(next.ok()) << next.status();
  std::vector<std::string> local;
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  for (int64_t t : *next) {
    local.push_back(absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromUnixMillis(t), ny));
  }
  EXPECT_EQ(local, (std::vector<std::string>{"2030-03-10T03:30:00-04:00",
                                             "2030-03-11T02:30:00-04:00",
                                             "2030-03-12T02:30:00-04:00"}));
}

TEST_F(ScheduleTest, BadSchedulesAreRefusedWithClearErrors) {
  struct Bad {
    std::function<void(Schedule&)> change;
    absl::StatusCode code;
    const char* message;
  };
  const Bad kBad[] = {
      {[](Schedule& s) { s.cron = "0 0 0 30 2 *"; }, absl::StatusCode::kInvalidArgument,
       "day-of-month: `30` never occurs in FEB"},
      {[](Schedule& s) { s.cron = "0 61 * * * *"; }, absl::StatusCode::kInvalidArgument,
       "minute: 61 is out of range 0-59"},
      {[](Schedule& s) { s.zone = "Nowhere/City"; }, absl::StatusCode::kInvalidArgument,
       "unknown time zone `Nowhere/City`"},
      {[](Schedule& s) { s.workflow = "nope"; }, absl::StatusCode::kNotFound,
       "no workflow `nope` is deployed"},
      {[](Schedule& s) { s.version = 9; }, absl::StatusCode::kNotFound, "has no version 9"},
      {[](Schedule& s) { s.input = Json(R"({"bogus":1})"); }, absl::StatusCode::kInvalidArgument,
       "unknown input `bogus`"},
      {[](Schedule& s) { s.input = Json("[1]"); }, absl::StatusCode::kInvalidArgument,
       "must be a JSON object"},
      {[](Schedule& s) { s.name = ""; }, absl::StatusCode::kInvalidArgument, "needs a name"},
      {[](Schedule& s) { s.name = std::string(200, 'x'); }, absl::StatusCode::kInvalidArgument,
       "names are at most 128 bytes"},
      {[](Schedule& s) { s.start_ms = kT0 + 10; s.end_ms = kT0; },
       absl::StatusCode::kInvalidArgument, "ends"},
  };
  for (const Bad& bad : kBad) {
    Schedule s = Every("bad", "0 * * * * *");
    bad.change(s);
    auto created = engine_->CreateSchedule(s);
    ASSERT_FALSE(created.ok()) << bad.message;
    EXPECT_EQ(created.status().code(), bad.code) << created.status();
    EXPECT_TRUE(absl::StrContains(created.status().message(), bad.message)) << created.status();
  }
  auto listed = engine_->ListSchedules();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "nothing was stored";

  Create(Every("once", "0 * * * * *"));
  auto twice = engine_->CreateSchedule(Every("once", "0 * * * * *"));
  EXPECT_TRUE(absl::IsAlreadyExists(twice.status())) << twice.status();
  EXPECT_TRUE(absl::IsNotFound(engine_->PauseSchedule("missing")));
  EXPECT_TRUE(absl::IsNotFound(engine_->ResumeSchedule("missing")));
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteSchedule("missing")));
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSchedule("missing").status()));
  ASSERT_TRUE(engine_->DeleteSchedule("once").ok());
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSchedule("once").status()));
  clock_->Hold(false);
  EXPECT_TRUE(Eventually([&] {
    return static_cast<engine::EngineImpl*>(engine_.get())->Quiescent();
  })) << "no timer is left behind by the deleted schedule";
  ExpectStoreClean();
}

}  // namespace
}  // namespace weft::testing
