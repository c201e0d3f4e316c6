// Tests for weft::CommandWorker and the RunSubprocess helper under it: the stdin/stdout JSON
// protocol, failures (exit status, signal, stderr tail, non-JSON, timeout, overflow), large
// payloads in both directions, concurrency, and that no child or descriptor is left behind.
#include "weft/command_worker.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workers/command_worker.h"
#include "workers/subprocess.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TaskContext Task(Value input) {
  TaskContext t;
  t.task_id = "T1";
  t.execution_id = "E1";
  t.task_type = "ship_ups";
  t.attempt = 2;
  t.input = std::move(input);
  return t;
}

Value Json(const std::string& text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

TaskOutcome RunCommand(const std::string& command, Value input = Value(),
                       CommandWorkerOptions options = {}) {
  return CommandWorker(command, options)(Task(std::move(input)));
}

int OpenFdCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

TEST(CommandWorkerTest, EchoesInputAsOutput) {
  Value input = Json(R"({"order_id":"o-1","n":9007199254740993,"list":[1,2.5,null,true]})");
  TaskOutcome out = RunCommand("cat", input);
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_EQ(out.output().ToJson(), input.ToJson());
}

TEST(CommandWorkerTest, SeesTaskEnvironment) {
  TaskOutcome out = RunCommand(
      R"(printf '{"id":"%s","exec":"%s","type":"%s","attempt":%s}' )"
      R"("$WEFT_TASK_ID" "$WEFT_EXECUTION_ID" "$WEFT_TASK_TYPE" "$WEFT_ATTEMPT")");
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_EQ(out.output().ToJson(), R"({"id":"T1","exec":"E1","type":"ship_ups","attempt":2})");
}

TEST(CommandWorkerTest, BlankStdoutIsNull) {
  TaskOutcome out = RunCommand("echo '  '");
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_TRUE(out.output().is_null());
}

TEST(CommandWorkerTest, NonZeroExitFailsWithStatusAndStderr) {
  TaskOutcome out = RunCommand("echo 'no such vendor' >&2; exit 3");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("exited with status 3"));
  EXPECT_THAT(out.reason(), HasSubstr("no such vendor"));
  ASSERT_TRUE(out.details().is_object());
  EXPECT_EQ(out.details().as_object().Find("exit_status")->as_int(), 3);
}

TEST(CommandWorkerTest, ReasonKeepsOnlyTheTailOfStderr) {
  TaskOutcome out = RunCommand(
      "echo FIRST-LINE >&2; i=0; while [ $i -lt 400 ]; do "
      "echo 'filler filler filler filler filler' >&2; i=$((i+1)); done; "
      "echo LAST-LINE >&2; exit 1");
  ASSERT_FALSE(out.ok());
  std::string tail = out.reason().substr(out.reason().find("status 1: "));
  EXPECT_THAT(tail, HasSubstr("LAST-LINE"));
  EXPECT_THAT(tail, Not(HasSubstr("FIRST-LINE")));
  EXPECT_LT(out.reason().size(), 2048u + 200u);
}

TEST(CommandWorkerTest, DeathBySignalFails) {
  TaskOutcome out = RunCommand("kill -9 $$");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("killed by signal 9"));
}

TEST(CommandWorkerTest, MissingCommandFails) {
  TaskOutcome out = RunCommand("/nonexistent/worker.sh");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("exited with status 127"));
  EXPECT_THAT(out.reason(), HasSubstr("/nonexistent/worker.sh"));
}

TEST(CommandWorkerTest, NonJsonStdoutFailsNamingTheProblem) {
  TaskOutcome out = RunCommand("echo 'tracking: UPS-1'");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("not JSON"));
  EXPECT_THAT(out.reason(), HasSubstr("tracking: UPS-1"));
}

TEST(CommandWorkerTest, LargeInputAndOutputDoNotDeadlock) {
  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 97) big[i] = 'a' + static_cast<char>(i % 26);
  Object o;
  o.Set("payload", Value::String(big));
  Value input = Value::MakeObject(std::move(o));
  TaskOutcome out = RunCommand("cat", input);
  ASSERT_TRUE(out.ok()) << out.reason().substr(0, 200);
  EXPECT_EQ(out.output().as_object().Find("payload")->as_string(), big);
}

TEST(CommandWorkerTest, CommandThatIgnoresALargeInputDoesNotKillUs) {
  Value input = Value::String(std::string(4 << 20, 'y'));
  TaskOutcome out = RunCommand("echo '{\"ok\":true}'", input);
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_EQ(out.output().ToJson(), R"({"ok":true})");
}

TEST(CommandWorkerTest, LargeOutputWithoutReadingInput) {
  TaskOutcome out = RunCommand(
      "printf '\"'; head -c 1048576 /dev/zero | tr '\\0' 'z'; printf '\"'", Value());
  ASSERT_TRUE(out.ok()) << out.reason().substr(0, 200);
  EXPECT_EQ(out.output().as_string(), std::string(1 << 20, 'z'));
}

TEST(CommandWorkerTest, TimeoutKillsTheProcessGroup) {
  CommandWorkerOptions options;
  options.timeout = absl::Milliseconds(200);
  TaskOutcome out = RunCommand("sleep 30 & sleep 30; echo never", Value(), options);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("timed out"));
}

TEST(CommandWorkerTest, OutputLargerThanTheLimitFails) {
  CommandWorkerOptions options;
  options.max_output_bytes = 1000;
  TaskOutcome out = RunCommand("head -c 100000 /dev/zero", Value(), options);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("more than 1000 bytes"));
}

TEST(CommandWorkerTest, ConcurrentInvocationsKeepTheirOwnData) {
  TaskHandler handler = CommandWorker("cat");
  constexpr int kThreads = 8, kRuns = 10;
  std::vector<std::thread> threads;
  std::vector<int> good(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRuns; ++r) {
        Object o;
        o.Set("thread", Value::Int(t));
        o.Set("run", Value::Int(r));
        o.Set("pad", Value::String(std::string(100000 + t * 1000 + r, 'p')));
        Value input = Value::MakeObject(std::move(o));
        TaskOutcome out = handler(Task(input));
        good[t] += out.ok() && out.output() == input;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(good[t], kRuns) << "thread " << t;
}

TEST(CommandWorkerTest, LeavesNoZombiesAndNoDescriptors) {
  int fds_before = OpenFdCount();
  for (int i = 0; i < 20; ++i) {
    RunCommand(i % 2 ? "cat" : "exit 1", Value::Int(i));
  }
  EXPECT_EQ(OpenFdCount(), fds_before);
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(SubprocessTest, ReportsExitCodeAndBothStreams) {
  workers::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "read x; echo \"out:$x\"; echo err >&2; exit 7"};
  o.stdin_data = "hello\n";
  absl::StatusOr<workers::SubprocessResult> r = workers::RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->exited);
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->stdout_data, "out:hello\n");
  EXPECT_EQ(r->stderr_tail, "err\n");
  EXPECT_FALSE(r->ok());
}

TEST(SubprocessTest, ExtraEnvironmentReplacesInherited) {
  setenv("WEFT_TEST_VAR", "inherited", 1);
  workers::SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", "printf %s \"$WEFT_TEST_VAR\""};
  o.extra_env = {"WEFT_TEST_VAR=replaced"};
  absl::StatusOr<workers::SubprocessResult> r = workers::RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_data, "replaced");
}

TEST(SubprocessTest, UnstartableProgramIsAnError) {
  workers::SubprocessOptions o;
  o.argv = {"/nonexistent/program"};
  EXPECT_FALSE(workers::RunSubprocess(o).ok());
}

// --- messages on stdout (workers/command_messages.h) -------------------------------------------

TEST(CommandWorkerMessages, TerminalFailMessageFailsForGood) {
  TaskOutcome out = RunCommand(
      R"(echo '{"weft":"fail","terminal":true,"reason":"card declined","details":{"code":7}}')");
  EXPECT_FALSE(out.ok());
  EXPECT_TRUE(out.terminal());
  EXPECT_EQ(out.reason(), "card declined");
  EXPECT_EQ(out.details().ToJson(), R"({"code":7})");
}

TEST(CommandWorkerMessages, FailMessageIsRetryableByDefaultWhateverTheExitStatus) {
  TaskOutcome out = RunCommand(R"(echo '{"weft":"fail","reason":"later"}'; exit 0)");
  EXPECT_FALSE(out.ok());
  EXPECT_FALSE(out.terminal());
  EXPECT_EQ(out.reason(), "later");
}

TEST(CommandWorkerMessages, HeartbeatsReachTheEngineAndAreNotOutput) {
  TaskContext task = Task(Value());
  std::vector<std::string> beats;
  task.heartbeat = [&beats](Value progress) {
    beats.push_back(progress.ToJson());
    return absl::OkStatus();
  };
  TaskOutcome out = CommandWorker(
      R"(echo '{"weft":"heartbeat","progress":{"done":1}}'; echo '{"weft":"heartbeat"}'; )"
      R"(echo '{"a":1}')")(task);
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_EQ(out.output().ToJson(), R"({"a":1})");
  EXPECT_THAT(beats, ::testing::ElementsAre(R"({"done":1})", "null"));
}

TEST(CommandWorkerMessages, UnknownMessageFailsTheTask) {
  TaskOutcome out = RunCommand(R"(echo '{"weft":"progress"}'; echo 1)");
  EXPECT_FALSE(out.ok());
  EXPECT_THAT(out.reason(), HasSubstr("unknown message `progress`"));
}

TEST(CommandWorkerMessages, MultiLineOutputWithAWeftKeyIsOutput) {
  TaskOutcome out = RunCommand(R"(printf '{\n  "weft": "fail"\n}\n')");
  ASSERT_TRUE(out.ok()) << out.reason();
  EXPECT_EQ(out.output().ToJson(), R"({"weft":"fail"})");
}

TEST(CommandWorkerMessages, PlainProtocolIsUnchanged) {
  TaskOutcome fail = RunCommand("echo '{\"a\":1}'; exit 3");
  EXPECT_FALSE(fail.ok());
  EXPECT_FALSE(fail.terminal());
  EXPECT_THAT(fail.reason(), HasSubstr("exited with status 3"));
}

// --- shutdown -----------------------------------------------------------------------------------

// StopCommandWorkers is irreversible for the process, so it runs in a forked child.
TEST(CommandWorkerShutdown, StopCommandWorkersAbandonsRunningAndLaterTasks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const std::string mark = "/tmp/weft-stop-test-" + std::to_string(getpid());
        TaskOutcome running = TaskOutcome::Complete(Value());
        std::thread t([&] { running = RunCommand("touch " + mark + "; sleep 600"); });
        // Stop once the command is surely running: it has left its mark.
        for (int i = 0; i < 3000 && access(mark.c_str(), F_OK) != 0; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        unlink(mark.c_str());
        StopCommandWorkers();
        t.join();
        TaskOutcome later = RunCommand("echo 1");
        std::exit(running.abandoned() && later.abandoned() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace weft
