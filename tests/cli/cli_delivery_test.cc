// End-to-end tests of durable deliveries through the `weft` binary: while `weft work` runs a
// task, `weft status` and `weft history` (other processes, reading the store) show it
// IN_PROGRESS with its worker, start time and lease; after `weft work` is killed (SIGKILL)
// mid-task, the next `weft work` hands the task out again as delivery 2, and the history
// says so (TASK_REDELIVERED, "engine restarted").
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "weft/value.h"

extern char** environ;

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

// Bounds for waiting on a condition; reached only when the code under test is broken.
constexpr auto kPatience = std::chrono::seconds(30);
constexpr auto kPollStep = std::chrono::milliseconds(20);

constexpr char kSideEffectWf[] = R"(task side

workflow effect() {
    return side()
}
)";

class DeliveryCliTest : public testing::WeftCliTest {
 protected:
  // `weft ARGS` in the background, output discarded; returns its pid.
  pid_t Launch(std::vector<std::string> args) {
    std::vector<std::string> argv = {WEFT_CLI_PATH, "--store", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  }

  std::string DeployAndStart() {
    EXPECT_EQ(Weft({"deploy", dir_.Write("effect.wf", kSideEffectWf)}).exit_code, 0);
    ProcessOutput started = Weft({"start", "effect"});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    return started.out.substr(0, started.out.find('\n'));
  }

  // `weft status ID --json` once its open task is IN_PROGRESS; null if it never is.
  Value StatusWhenInProgress(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      ProcessOutput r = Weft({"status", id, "--json"});
      absl::StatusOr<Value> json = Value::FromJson(r.out);
      if (r.exit_code == 0 && json.ok() && json->is_object()) {
        const Value* tasks = json->as_object().Find("tasks");
        if (tasks != nullptr && tasks->is_list() && tasks->as_list().size() == 1) {
          const Value& task = tasks->as_list()[0];
          const Value* status = task.as_object().Find("status");
          if (status != nullptr && *status == Value::String("IN_PROGRESS")) return task;
        }
      }
      std::this_thread::sleep_for(kPollStep);
    }
    ADD_FAILURE() << "execution " << id << " never showed its task IN_PROGRESS";
    return Value();
  }

  static std::string Str(const Value& object, std::string_view key) {
    const Value* v = object.is_object() ? object.as_object().Find(key) : nullptr;
    return v != nullptr && v->is_string() ? v->as_string() : "";
  }
};

TEST_F(DeliveryCliTest, StatusAndHistoryShowARunningTaskWithItsWorkerAndLease) {
  const std::string id = DeployAndStart();
  const std::string go = dir_.Sub("go");
  // The command waits until the test has looked, then answers.
  const pid_t work = Launch({"work", id, "--worker",
                             "side=while [ ! -e " + go + " ]; do sleep 0.02; done; echo 5"});
  const Value task = StatusWhenInProgress(id);
  EXPECT_THAT(Str(task, "worker_id"), HasSubstr("local-"));
  EXPECT_FALSE(Str(task, "started_at").empty());
  EXPECT_FALSE(Str(task, "lease_expires_at").empty());
  EXPECT_EQ(*task.as_object().Find("delivery"), Value::Int(1));

  ProcessOutput text = Weft({"status", id});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("side attempt 1 IN_PROGRESS (delivery 1) worker local-"));
  EXPECT_THAT(text.out, HasSubstr("lease until"));
  ProcessOutput history = Weft({"history", id});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr("TASK_STARTED"));
  EXPECT_THAT(history.out, HasSubstr("lease until"));
  EXPECT_THAT(history.out, ::testing::Not(HasSubstr("TASK_COMPLETED")));

  std::ofstream(go) << "go";
  int status = 0;
  ASSERT_EQ(waitpid(work, &status, 0), work);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  ProcessOutput done = Weft({"status", id});
  EXPECT_THAT(done.out, HasSubstr("COMPLETED"));
  EXPECT_THAT(done.out, ::testing::Not(HasSubstr("IN_PROGRESS")));
}

TEST_F(DeliveryCliTest, KillNineMidTaskIsRedeliveredAsDeliveryTwo) {
  const std::string id = DeployAndStart();
  const pid_t work = Launch({"work", id, "--worker", "side=exec sleep 600"});
  const Value task = StatusWhenInProgress(id);
  const std::string first_worker = Str(task, "worker_id");
  ASSERT_EQ(kill(work, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(work, &status, 0), work);

  // The store still says IN_PROGRESS: nothing ran after the kill.
  ProcessOutput after = Weft({"status", id});
  EXPECT_THAT(after.out, HasSubstr("IN_PROGRESS"));
  ProcessOutput finished = Weft({"work", id, "--worker", "side=echo 9"});
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(finished.out, "9\n");

  ProcessOutput history = Weft({"history", id, "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  absl::StatusOr<Value> events = Value::FromJson(history.out);
  ASSERT_TRUE(events.ok() && events->is_list()) << history.out;
  std::vector<std::string> types;
  Value redelivered;
  for (const Value& e : events->as_list()) {
    types.push_back(Str(e, "type"));
    if (Str(e, "type") == "TASK_REDELIVERED") redelivered = *e.as_object().Find("details");
  }
  EXPECT_THAT(types, ::testing::ElementsAre("EXECUTION_STARTED", "TASK_SCHEDULED", "TASK_STARTED",
                                            "TASK_REDELIVERED", "TASK_STARTED", "TASK_COMPLETED",
                                            "EXECUTION_COMPLETED"));
  EXPECT_EQ(Str(redelivered, "reason"), "engine restarted");
  EXPECT_EQ(Str(redelivered, "previous_worker"), first_worker);
  EXPECT_EQ(*redelivered.as_object().Find("delivery"), Value::Int(2));
  ProcessOutput text = Weft({"history", id});
  EXPECT_THAT(text.out, HasSubstr("engine restarted: worker " + first_worker));
}

}  // namespace
}  // namespace weft
