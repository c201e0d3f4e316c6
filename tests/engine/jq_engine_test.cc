// jq(...) as the system task `jq` (bytecode/system_tasks.h): the engine runs every call on its
// worker pool, in a child process within EngineOptions' budgets, never on the writer thread.
// A program that never ends or allocates without end fails with a catchable JQ_FAILED error
// while other executions go on; ordinary calls give the results the inline builtin gave.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <gmock/gmock.h>

#include "stdlib/jq.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kJq = R"(
workflow reshape(order: object) {
    return {
        total: jq(".items | map(.price * .qty) | add", order) + 1,
        skus: jq(".items[].sku", order),
        none: jq("empty", order),
        env: jq("[$ENV, env]", null),
        each: parallel for item in order.items limit 2 { yield jq(".sku + \"!\"", item) }
    }
}

workflow guarded(query: string, input: any) {
    try {
        return { value: jq(query, input) }
    } catch e {
        return { code: e.code, error: e.details.error, message: e.message, task: e.task }
    }
}

workflow unguarded(query: string) {
    return jq(query, 1)
}
)";

constexpr std::string_view kOrder =
    R"({"order":{"items":[{"sku":"a","price":3,"qty":2},{"sku":"b","price":5,"qty":1}]}})";

std::string GuardedInput(std::string_view query) {
  return absl::StrCat(R"({"query":)", Value::String(std::string(query)).ToJson(),
                      R"(,"input":1})");
}

// The ids of this process's child processes (from /proc/*/stat's ppid field).
std::vector<pid_t> ChildProcesses() {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == getpid() && state != "Z") children.push_back(pid);
  }
  closedir(proc);
  return children;
}

class JqEngineTest : public EngineTest {
 protected:
  void Open(absl::Duration time_budget, size_t memory_budget_bytes) {
    EngineOptions options;
    options.jq_time_budget = time_budget;
    options.jq_memory_budget_bytes = memory_budget_bytes;
    Reopen(options);
    Deploy(kJq);
    ASSERT_TRUE(engine_->StartWorkers().ok());
  }
};

TEST(JqEngineOptionsTest, DefaultBudgetsAreTheDocumentedOnes) {
  EXPECT_EQ(EngineOptions().jq_time_budget, stdlib::kDefaultJqTimeBudget);
  EXPECT_EQ(EngineOptions().jq_memory_budget_bytes, stdlib::kDefaultJqMemoryBudgetBytes);
  EXPECT_EQ(stdlib::kDefaultJqTimeBudget, absl::Seconds(1));
  EXPECT_EQ(stdlib::kDefaultJqMemoryBudgetBytes, size_t{256} << 20);
}

TEST_F(JqEngineTest, OrdinaryCallsGiveTheBuiltinsResultsAsTasks) {
  Open(absl::Seconds(10), size_t{256} << 20);
  const std::string id = StartOk("reshape", kOrder);
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(),
            R"({"total":12,"skus":["a","b"],"none":null,"env":[{},{}],"each":["a!","b!"]})");
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 6u);  // jq ran as tasks, off the writer thread
  for (const TaskInfo& t : tasks) EXPECT_EQ(t.type, "jq");
  EXPECT_EQ(Field(tasks[0].input, "query").as_string(), ".items | map(.price * .qty) | add");
}

TEST_F(JqEngineTest, ANonTerminatingProgramFailsWithinItsBudgetAndIsCaught) {
  Open(absl::Milliseconds(300), size_t{1} << 30);
  for (const char* query : {"def f: f; f", "last(repeat(.))"}) {
    ExecutionInfo info = Await(StartOk("guarded", GuardedInput(query)));
    ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
    EXPECT_EQ(info.output.ToJson(),
              R"({"code":"JQ_FAILED","error":"time","message":"jq() ran past its time budget of 300ms","task":"jq"})")
        << query;
  }
  // Uncaught, it fails the execution with the same error, positioned at the call.
  ExecutionInfo info = Await(StartOk("unguarded", R"({"query":"def f: f; f"})"));
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "JQ_FAILED");
  EXPECT_EQ(Field(info.error, "details.error").as_string(), "time");
  EXPECT_EQ(Field(info.error, "line").as_int(), 21);  // `return jq(query, 1)`
}

TEST_F(JqEngineTest, AnAllocatingProgramFailsAndTheProcessSurvives) {
  Open(absl::Seconds(60), size_t{64} << 20);
  ExecutionInfo info = Await(StartOk("guarded", GuardedInput("[range(1e12)]")));
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(),
            R"({"code":"JQ_FAILED","error":"memory","message":"jq() ran past its memory budget of 64 MiB","task":"jq"})");
  info = Await(StartOk("reshape", kOrder));
  EXPECT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
}

TEST_F(JqEngineTest, JqErrorsAreJqFailedWithTheBuiltinsMessages) {
  Open(absl::Seconds(10), size_t{256} << 20);
  ExecutionInfo info = Await(StartOk("guarded", GuardedInput("error(\"boom\")")));
  EXPECT_EQ(info.output.ToJson(),
            R"({"code":"JQ_FAILED","error":"runtime","message":"jq() error: boom","task":"jq"})");
  info = Await(StartOk("guarded", GuardedInput(".[")));
  EXPECT_EQ(Field(info.output, "error").as_string(), "compile");
  EXPECT_THAT(Field(info.output, "message").as_string(),
              ::testing::StartsWith("jq() cannot compile \".[\": syntax error"));
}

// The writer never runs jq: while one execution's program runs (its budget is an hour, so it
// is still running whatever the machine's speed), another execution starts, runs its own jq
// call and completes. Then the test kills the first program's process, which the engine
// reports to its workflow as a catchable crash.
TEST_F(JqEngineTest, ANonTerminatingProgramStallsNothing) {
  Open(absl::Hours(1), size_t{256} << 20);
  ASSERT_TRUE(ChildProcesses().empty());
  const std::string stuck = StartOk("guarded", GuardedInput("def f: f; f"));
  std::vector<pid_t> children;
  ASSERT_TRUE(Eventually([&] { return !(children = ChildProcesses()).empty(); }));
  ASSERT_EQ(children.size(), 1u);

  ExecutionInfo other = Await(StartOk("reshape", kOrder));
  ASSERT_EQ(ExecutionStatusName(other.status), "COMPLETED") << other.error.ToJson();
  auto still = engine_->GetExecution(stuck);
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(ExecutionStatusName(still->status), "RUNNING");

  ASSERT_EQ(kill(children[0], SIGKILL), 0);
  ExecutionInfo info = Await(stuck);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(Field(info.output, "code").as_string(), "JQ_FAILED");
  EXPECT_EQ(Field(info.output, "error").as_string(), "crash");
  EXPECT_EQ(Field(info.output, "message").as_string(),
            "jq() crashed: its process was killed by signal Killed");
}

}  // namespace
}  // namespace weft::testing
