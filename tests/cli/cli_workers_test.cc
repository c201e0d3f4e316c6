// End-to-end tests of command workers under `weft run` and `weft work`: the message protocol
// (terminal failure, heartbeat), --concurrency, the `http` system task without a worker, and
// what happens to worker commands when `weft` is killed (SIGKILL) or stopped (SIGTERM).
//
// The signal tests make this process a child subreaper, so that a worker command orphaned by
// the death of `weft` becomes our child and the test can wait on it instead of sleeping.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/workers/test_server.h"

extern char** environ;

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

// Bounds for waiting on a condition; reached only when the code under test is broken.
constexpr auto kPatience = std::chrono::seconds(30);
constexpr auto kPollStep = std::chrono::milliseconds(10);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int CountLines(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  int n = 0;
  for (std::string l; std::getline(in, l);) n += l == line;
  return n;
}

// A `weft` running in the background, its stdout and stderr going to files.
struct Background {
  pid_t pid = -1;
  std::string out, err;
};

class WorkersCliTest : public testing::WeftCliTest {
 protected:
  Background Launch(std::vector<std::string> args) {
    std::vector<std::string> argv = {WEFT_CLI_PATH, "--store", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    Background bg{-1, dir_.Sub("bg.out"), dir_.Sub("bg.err")};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, bg.out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, bg.err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_EQ(posix_spawn(&bg.pid, c_argv[0], &actions, nullptr, c_argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    return bg;
  }

  // The pid a worker command wrote to `path` (`echo $$ > path`), once it is there; -1 when
  // it never appears.
  pid_t WaitForPidFile(const std::string& path) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = ReadAll(path);
      if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::stol(text));
      std::this_thread::sleep_for(kPollStep);
    }
    ADD_FAILURE() << "no worker command wrote " << path;
    return -1;
  }

  // Waits for `pid` (our child) to end, within kPatience; returns its wait status, or kills it
  // and fails the test when it does not end.
  int WaitForExit(pid_t pid) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      const pid_t rc = waitpid(pid, &status, WNOHANG);
      if (rc == pid) return status;
      if (rc < 0) {
        ADD_FAILURE() << "waitpid " << pid << ": " << std::strerror(errno);
        return -1;
      }
      std::this_thread::sleep_for(kPollStep);
    }
    ADD_FAILURE() << "process " << pid << " did not end";
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
};

// --- the message protocol ---------------------------------------------------------------------

constexpr char kPayWf[] = R"(task charge with { retries: 3 }

workflow pay() {
    return charge(amount: 1)
}
)";

TEST_F(WorkersCliTest, TerminalFailureIsNotRetried) {
  const std::string wf = dir_.Write("pay.wf", kPayWf);
  const std::string ledger = dir_.Sub("ledger");
  ProcessOutput r = Weft({"run", wf, "--virtual-time", "--worker",
                          "charge=echo ran >> " + ledger +
                              R"(; echo '{"weft":"fail","terminal":true,"reason":"card declined"}')"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("card declined"));
  EXPECT_EQ(CountLines(ReadAll(ledger), "ran"), 1) << "a terminal failure was retried";
}

TEST_F(WorkersCliTest, RetryableFailMessageIsRetried) {
  const std::string wf = dir_.Write("pay.wf", kPayWf);
  const std::string ledger = dir_.Sub("ledger");
  ProcessOutput r = Weft({"run", wf, "--virtual-time", "--worker",
                          "charge=echo ran >> " + ledger +
                              R"(; echo '{"weft":"fail","reason":"try later"}')"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("try later"));
  EXPECT_EQ(CountLines(ReadAll(ledger), "ran"), 4);  // the first attempt and 3 retries
}

// The command runs for 15 x 0.2 s, longer than its 2 s heartbeat timeout; each heartbeat
// line moves the deadline. Without them the same command times out (the second run).
constexpr char kSlowWf[] = R"(task slow with { heartbeat: 2s }

workflow w() {
    return slow()
}
)";

TEST_F(WorkersCliTest, HeartbeatKeepsATaskAlivePastItsHeartbeatTimeout) {
  const std::string wf = dir_.Write("slow.wf", kSlowWf);
  const std::string beating =
      R"(slow=i=0; while [ $i -lt 15 ]; do echo "{\"weft\":\"heartbeat\",\"progress\":$i}"; )"
      R"(sleep 0.2; i=$((i+1)); done; echo '{"done":true}')";
  ProcessOutput r = Weft({"run", wf, "--worker", beating});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"done\":true}\n");

  const std::string silent = R"(slow=sleep 3; echo '{"done":true}')";
  ProcessOutput timed_out = Weft({"run", wf, "--worker", silent});
  EXPECT_EQ(timed_out.exit_code, 1) << timed_out.out;
  EXPECT_THAT(timed_out.err, HasSubstr("heartbeat"));
}

// --- --concurrency ----------------------------------------------------------------------------

TEST_F(WorkersCliTest, ConcurrencyFourRunsFourCommandsAtOnce) {
  const std::string wf = dir_.Write("fan.wf", R"(task work

workflow fan() {
    return parallel for i in [1, 2, 3, 4, 5, 6, 7, 8] {
        yield work(i: i)
    }
}
)");
  const std::string marks = dir_.Sub("marks");
  std::filesystem::create_directory(marks);
  // Each command logs its start, then waits until four commands have started: with fewer
  // than four at once, the first ones never finish (and the run times out).
  const std::string script = dir_.Write("work.sh", "D=" + marks + R"SH(
echo start >> "$D/../ledger"
touch "$D/started.$WEFT_TASK_ID"
while [ "$(ls "$D" | grep -c '^started\.')" -lt 4 ]; do sleep 0.02; done
echo stop >> "$D/../ledger"
echo '{}'
)SH");
  ProcessOutput r = Weft({"run", wf, "--concurrency", "4", "--timeout", "60s", "--worker",
                          "work=sh " + script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The most commands running at once, read from the ledger: exactly four.
  std::istringstream ledger(ReadAll(dir_.Sub("ledger")));
  int running = 0, most = 0, starts = 0;
  for (std::string mark; std::getline(ledger, mark);) {
    running += mark == "start" ? 1 : -1;
    starts += mark == "start";
    most = std::max(most, running);
  }
  EXPECT_EQ(starts, 8);
  EXPECT_EQ(most, 4);
}

TEST_F(WorkersCliTest, ConcurrencyMustBePositive) {
  const std::string wf = dir_.Write("pay.wf", kPayWf);
  ProcessOutput r = Weft({"run", wf, "--concurrency", "0", "--worker", "charge=true"});
  EXPECT_EQ(r.exit_code, 2);
}

// --- the http system task ---------------------------------------------------------------------

TEST_F(WorkersCliTest, RunCallsHttpWithoutAWorker) {
  testing::TestServer server;
  const std::string wf = dir_.Write("fetch.wf", R"(workflow fetch(url: string) {
    let r = http(url: url)
    return r.body
}
)");
  ProcessOutput r =
      Weft({"run", wf, "--input", "{\"url\":\"" + server.Url("/json") + "\"}"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"hello\":\"world\",\"n\":1}\n");
}

// --- worker commands and the death of `weft` --------------------------------------------------

constexpr char kSideEffectWf[] = R"(task side

workflow effect() {
    return side()
}
)";

TEST_F(WorkersCliTest, SigkillOfRunKillsItsWorkerCommand) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string wf = dir_.Write("effect.wf", kSideEffectWf);
  const std::string pid_file = dir_.Sub("pid");
  const std::string effect = dir_.Sub("effect");
  Background run = Launch({"run", wf, "--worker",
                           "side=echo $$ > " + pid_file + "; sleep 1; touch " + effect});
  const pid_t command = WaitForPidFile(pid_file);
  ASSERT_GT(command, 0);
  ASSERT_EQ(kill(run.pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(run.pid, &status, 0), run.pid);
  // The command's shell is orphaned, so it is ours now: wait for it to end, however it ends.
  ASSERT_EQ(waitpid(command, &status, 0), command);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the worker command outlived `weft run` and ended by itself";
  EXPECT_FALSE(std::filesystem::exists(effect)) << "the orphaned command did its side effect";
}

TEST_F(WorkersCliTest, SigtermStopsWorkWithAHangingCommandAndTheStoreReopens) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string wf = dir_.Write("effect.wf", kSideEffectWf);
  ASSERT_EQ(Weft({"deploy", wf}).exit_code, 0);
  ProcessOutput started = Weft({"start", "effect"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, started.out.find('\n'));
  const std::string pid_file = dir_.Sub("pid");
  Background work = Launch({"work", "--worker", "side=echo $$ > " + pid_file + "; sleep 600"});
  ASSERT_GT(WaitForPidFile(pid_file), 0);

  ASSERT_EQ(kill(work.pid, SIGTERM), 0);
  const int status = WaitForExit(work.pid);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 143);
  EXPECT_THAT(ReadAll(work.err), HasSubstr("interrupted by SIGTERM"));

  // The store opens again; the task was not failed but is handed out again.
  ProcessOutput status_out = Weft({"status", id});
  EXPECT_EQ(status_out.exit_code, 0) << status_out.err;
  EXPECT_THAT(status_out.out, HasSubstr("RUNNING"));
  ProcessOutput finished = Weft({"work", id, "--worker", R"(side=echo '{"ok":1}')"});
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(finished.out, "{\"ok\":1}\n");
}

TEST_F(WorkersCliTest, SigintStopsRunWithAHangingCommand) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string wf = dir_.Write("effect.wf", kSideEffectWf);
  const std::string pid_file = dir_.Sub("pid");
  Background run = Launch({"run", wf, "--worker", "side=echo $$ > " + pid_file + "; sleep 600"});
  const pid_t command = WaitForPidFile(pid_file);
  ASSERT_GT(command, 0);

  ASSERT_EQ(kill(run.pid, SIGINT), 0);
  const int status = WaitForExit(run.pid);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_THAT(ReadAll(run.err), HasSubstr("interrupted by SIGINT"));
  // `weft run` reaped its command's shell itself: it is no longer a process of ours.
  EXPECT_EQ(waitpid(command, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  ProcessOutput list = Weft({"list", "--status", "RUNNING"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("effect"));
}

}  // namespace
}  // namespace weft
