// A store written by the format-4 release (tests/storage/fixtures/format4, see its README) is
// read as it is by a read-only open (no schedules, nothing damaged), upgraded in place to
// format 5 (the `schedules` table) by a read-write open, and then runs schedules beside its old
// executions: a sleeping execution still wakes, and a schedule fires its slots.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kReport[] = "01M8YZFSKHTBCR6J3FREF5EGJA";
constexpr char kSleeper[] = "01M8YZFSRBCBAK8X34VTNH7V0D";

class Format4Store : public FixtureStoreTest {
 protected:
  Format4Store() : FixtureStoreTest("format4") {}
};

TEST_F(Format4Store, ReadOnlyOpensReadItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 4u);
  ExpectNoDamage();  // the schedules table is not missing: format 5 adds it
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto schedules = engine->ListSchedules();
  ASSERT_TRUE(schedules.ok()) << schedules.status();
  EXPECT_TRUE(schedules->empty());
  EXPECT_TRUE(absl::IsNotFound(engine->GetSchedule("any").status()));
  EXPECT_EQ(engine->GetExecution(kReport)->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(engine->GetExecution(kSleeper)->status, ExecutionStatus::kRunning);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 4u) << "a read-only open must not upgrade";
}

TEST_F(Format4Store, UpgradedItRunsSchedulesBesideItsExecutions) {
  // Three hourly slots, from the second hour mark after now (the simulated clock starts at
  // the real time), then no more: the clock would otherwise run on forever.
  constexpr int64_t kHour = 3600 * 1000;
  const int64_t now = absl::ToUnixMillis(absl::Now());
  Schedule s;
  s.name = "hourly";
  s.workflow = "report";
  s.cron = "0 0 * * * *";
  s.input = Value::FromJson(R"({"day":"tue"})").value();
  auto engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/true);
  ASSERT_NE(engine, nullptr);
  // The simulated clock jumps to the next timer whenever the engine is idle, and the fixture's
  // sleeper wakes 24 hours after it started: the clock may reach that before CreateSchedule
  // runs, or not. The slots come after the wake either way, so the test does not depend on
  // which (it used to put them at now + 2 h, and failed when the clock had already jumped).
  auto sleeper = engine->GetExecution(kSleeper);
  ASSERT_TRUE(sleeper.ok()) << sleeper.status();
  const int64_t wake = sleeper->created_ms + 25 * kHour;
  s.start_ms = (std::max(now, wake) / kHour + 2) * kHour;
  s.end_ms = s.start_ms + 2 * kHour;
  auto stored = engine->CreateSchedule(s);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->next_ms, s.start_ms);
  auto woke = engine->AwaitExecution(kSleeper, absl::Seconds(30));
  ASSERT_TRUE(woke.ok()) << woke.status();
  EXPECT_EQ(woke->output.ToJson(), R"("woke")");
  for (int i = 0; i < 3000; ++i) {
    if (engine->GetSchedule("hourly")->next_ms == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Schedule done = *engine->GetSchedule("hourly");
  EXPECT_EQ(done.next_ms, 0);
  EXPECT_EQ(done.runs, 3u);
  auto last = engine->GetExecution(done.last_execution_id);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->output.ToJson(),
            absl::StrCat(R"({"day":"tue","at":)", done.last_slot_ms, R"(,"by":"hourly"})"));
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), storage::kStoreFormat);
  ExpectNoDamage();
}

}  // namespace
}  // namespace weft
