// The kill soak's checker finds what it must (a duplicate in the ledger, a task completed
// with no side effect, a task completed twice), and a short soak: 1000 mixed executions in a
// child process SIGKILLed 6 times at progress points read from the store, then checked for
// nothing lost and nothing doubled. scripts/soak.sh runs the long one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "tests/soak/soak.h"
#include "tests/storage/temp_dir.h"

namespace weft::soak {
namespace {

HistoryEvent Event(std::string type, std::string task_id = "", uint32_t attempt = 0) {
  HistoryEvent ev;
  ev.type = std::move(type);
  ev.task_id = std::move(task_id);
  if (attempt > 0) {
    ev.details = Value::MakeObject(Object({{"attempt", Value::Int(attempt)}}));
  }
  return ev;
}

// n=1 runs `calc`: five tasks, t0..t4, each completed once, and a ledger entry for each.
ExecutionRecord CleanCalc() {
  ExecutionRecord rec;
  rec.info.id = "E1";
  rec.info.workflow = "calc";
  rec.info.input = Value::MakeObject(Object({{"n", Value::Int(1)}}));
  rec.info.status = ExecutionStatus::kCompleted;
  rec.info.output = Value::MakeObject(Object({{"n", Value::Int(1)},
                                              {"result", Value::Int(ExpectedResult(1))}}));
  rec.history.push_back(Event("EXECUTION_STARTED"));
  for (int i = 0; i < 5; ++i) {
    const std::string task = "t" + std::to_string(i);
    rec.history.push_back(Event("TASK_SCHEDULED", task));
    rec.history.push_back(Event("TASK_COMPLETED", task, 1));
  }
  rec.history.push_back(Event("EXECUTION_COMPLETED"));
  return rec;
}

std::vector<LedgerEntry> CleanLedger() {
  std::vector<LedgerEntry> ledger;
  for (int i = 0; i < 5; ++i) ledger.push_back({1, "t" + std::to_string(i), 1});
  return ledger;
}

TEST(SoakCheckerTest, CleanRunHasNothingLostOrDoubled) {
  // executions = 0: no n is required to exist, so only E1 (n=1) is judged.
  const Report r = Check({CleanCalc()}, CleanLedger(), 0);
  EXPECT_EQ(r.lost, 0u) << Format(r);
  EXPECT_EQ(r.doubled, 0u) << Format(r);
  EXPECT_EQ(r.completed, 1u);
  EXPECT_EQ(r.tasks_completed, 5u);
}

TEST(SoakCheckerTest, ReportsALedgerDuplicateAndALostTask) {
  std::vector<LedgerEntry> ledger = CleanLedger();
  ledger.erase(ledger.begin() + 2);  // t2 completed in the history, never performed: lost
  ledger.push_back({1, "t3", 1});    // t3 attempt 1 performed twice by one run: doubled
  const Report r = Check({CleanCalc()}, ledger, 0);
  EXPECT_EQ(r.lost, 1u) << Format(r);
  EXPECT_EQ(r.doubled, 1u) << Format(r);
  const std::string text = Format(r);
  EXPECT_NE(text.find("t2 attempt 1 completed with no side effect"), std::string::npos) << text;
  EXPECT_NE(text.find("t3 attempt 1 performed twice by run 1"), std::string::npos) << text;
}

TEST(SoakCheckerTest, RedoneAfterAKillIsNotDoubled) {
  std::vector<LedgerEntry> ledger = CleanLedger();
  ledger.push_back({2, "t3", 1});  // run 1 was killed before committing; run 2 redid it
  const Report r = Check({CleanCalc()}, ledger, 0);
  EXPECT_EQ(r.doubled, 0u) << Format(r);
  EXPECT_EQ(r.redone_after_kill, 1u);
}

TEST(SoakCheckerTest, ReportsACompletionAppliedTwiceAndAMissingExecution) {
  ExecutionRecord rec = CleanCalc();
  rec.history.insert(rec.history.end() - 1, Event("TASK_COMPLETED", "t4", 1));
  const Report r = Check({rec}, CleanLedger(), 2);  // n=1 exists, n=0 never started
  EXPECT_EQ(r.doubled, 1u) << Format(r);
  EXPECT_EQ(r.lost, 1u) << Format(r);
}

TEST(SoakTest, ShortSoakUnderKillsLosesNothingAndDoublesNothing) {
  constexpr int kExecutions = 1000;
  constexpr int kKills = 6;
  testing::TempDir dir;
  const std::string store = dir.path() + "/store";
  const std::string ledger = dir.path() + "/ledger";
  int kills_mid_run = 0;
  for (int round = 0; round <= kKills; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(RunDriver(store, ledger, kExecutions, round + 1));
    int status = 0;
    if (round == kKills) {
      waitpid(pid, &status, 0);  // the last incarnation runs to the end
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "final driver: " << status;
      break;
    }
    // Kill once this incarnation has completed more than the last one: a progress point read
    // from the store, so each kill lands mid-run however slow the machine is.
    const size_t target = (round + 1) * kExecutions / (kKills + 2);
    bool exited = false;
    for (int i = 0; i < 60000; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (ReadProgress(store).completed >= target) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling, not synchronising
    }
    ASSERT_FALSE(exited) << "driver exited before its kill: " << status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    const Progress p = ReadProgress(store);
    if (p.completed > 0 && p.completed < static_cast<size_t>(kExecutions)) ++kills_mid_run;
  }
  EXPECT_GE(kills_mid_run, kKills / 2) << "otherwise the kills proved nothing";
  const Report r = CheckStore(store, ledger, kExecutions);
  EXPECT_EQ(r.executions, static_cast<size_t>(kExecutions)) << Format(r);
  EXPECT_EQ(r.completed, static_cast<size_t>(kExecutions)) << Format(r);
  EXPECT_EQ(r.lost, 0u) << Format(r);
  EXPECT_EQ(r.doubled, 0u) << Format(r);
  EXPECT_GE(r.ledger_entries, r.tasks_completed);
}

}  // namespace
}  // namespace weft::soak
