// Disk full, for real: the `weft` CLI runs with tests/faults/enospc_shim.c preloaded, which
// makes every write (or every sync) of data.mdb fail with ENOSPC while a control file exists,
// as a full disk does. The tests show what docs/reliability.md promises ("Disk full"):
//   - a new execution is refused at once with a message naming the full disk, and nothing is
//     written;
//   - while a task result cannot be committed the writer retries with a doubling backoff, each
//     attempt counted and logged (the shim logs every failed call: one per attempt, no hot loop),
//     and the workers take no new task;
//   - executions committed before stay readable and byte-for-byte the same;
//   - once space returns (the control file removed) the in-flight executions finish, and the
//     workers' ledger shows no (task, attempt) run twice.
//   - `weft prune`, which needs to commit to free anything, stops at once too.
// Each case runs in three modes of the shim: writes fail, writes come back short (LMDB says
// EIO, which the store must still report as a full disk), and fdatasync fails.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/run_binary.h"
#include "weft/value.h"

extern char** environ;

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDir;

// Bounds for waiting on a condition; reached only when the code under test is broken.
constexpr auto kPatience = std::chrono::seconds(60);
constexpr auto kPollStep = std::chrono::milliseconds(10);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Lines of `text` that contain `part`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& part) {
  std::vector<std::string> out;
  for (std::string& l : Lines(text)) {
    if (l.find(part) != std::string::npos) out.push_back(std::move(l));
  }
  return out;
}

// The writer's backoff after the n-th failure in a row (engine/writer.cc).
int64_t BackoffMs(int n) {
  int64_t ms = 10;
  for (int i = 1; i < n && ms < 5000; ++i) ms *= 2;
  return ms < 5000 ? ms : 5000;
}

constexpr char kChainWf[] = R"(task step

workflow chain(n: int) {
    let a = step(n: n)
    let b = step(n: a.n + 1)
    return b.n
}
)";

// The worker: appends `RUN TASK_ID ATTEMPT` to the ledger (its side effect), fills the disk
// (creates the control file) when that line is the ledger's TRIGGER-th, and echoes its input.
constexpr char kWorkerSh[] = R"SH(ledger="$1"; trigger="$2"; control="$3"
input=$(cat)
echo "RUN $WEFT_TASK_ID $WEFT_ATTEMPT" >> "$ledger"
if [ "$(wc -l < "$ledger")" -eq "$trigger" ]; then : > "$control"; fi
n=$(printf '%s' "$input" | tr -cd '0-9')
echo "{\"n\": $n}"
)SH";

struct Process {
  pid_t pid = -1;
  std::string out, err;  // files
};

class DiskFullTest : public ::testing::TestWithParam<const char*> {
 protected:
  // Runs `weft --store STORE ARGS...` with the shim preloaded; stdout and stderr go to files
  // named after `tag`. `fault_log` names the shim's log of failed calls ("" = none).
  Process Launch(const std::string& tag, std::vector<std::string> args,
                 const std::string& fault_log = "") {
    std::vector<std::string> argv = {WEFT_CLI_PATH, "--store", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view v(*e);
      if (v.rfind("LD_PRELOAD=", 0) == 0 || v.rfind("WEFT_FAULT_", 0) == 0 ||
          v.rfind("ASAN_OPTIONS=", 0) == 0) {
        continue;
      }
      env.emplace_back(v);
    }
    env.push_back(absl::StrCat("LD_PRELOAD=", WEFT_ENOSPC_SHIM));
    env.push_back(absl::StrCat("WEFT_FAULT_DISK_FULL=", control_));
    env.push_back(absl::StrCat("WEFT_FAULT_MODE=", GetParam()));
    if (!fault_log.empty()) env.push_back(absl::StrCat("WEFT_FAULT_LOG=", fault_log));
    // A sanitizer build would refuse a library preloaded ahead of its runtime.
    env.push_back("ASAN_OPTIONS=verify_asan_link_order=0");
    std::vector<char*> c_argv, c_env;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    for (std::string& e : env) c_env.push_back(e.data());
    c_env.push_back(nullptr);
    Process p{-1, dir_.Sub(tag + ".out"), dir_.Sub(tag + ".err")};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, p.out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, p.err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_EQ(posix_spawn(&p.pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data()),
              0);
    posix_spawn_file_actions_destroy(&actions);
    return p;
  }

  // Waits for `p` to exit (killing it after kPatience); its exit code, -1 if it did not exit.
  int Wait(const Process& p) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    int status = 0;
    for (;;) {
      const pid_t rc = waitpid(p.pid, &status, WNOHANG);
      if (rc == p.pid) break;
      if (rc < 0 || std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "weft (" << p.err << ") did not end; stderr:\n" << ReadAll(p.err);
        kill(p.pid, SIGKILL);
        waitpid(p.pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(kPollStep);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  struct Result {
    int code;
    std::string out, err;
  };
  Result Weft(const std::string& tag, std::vector<std::string> args,
              const std::string& fault_log = "") {
    Process p = Launch(tag, std::move(args), fault_log);
    const int code = Wait(p);
    return Result{code, ReadAll(p.out), ReadAll(p.err)};
  }

  std::string Start(int n) {
    Result r = Weft("start", {"start", "chain", "--input", absl::StrCat("{\"n\": ", n, "}")});
    EXPECT_EQ(r.code, 0) << r.err;
    std::string id = r.out;
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  }

  std::string WorkerSpec(const std::string& ledger, int trigger) {
    return absl::StrCat("step=sh ", script_, " ", ledger, " ", trigger, " ", control_);
  }

  // `weft status ID --json`, parsed.
  Value Status(const std::string& id) {
    Result r = Weft("status", {"status", id, "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    absl::StatusOr<Value> v = Value::FromJson(r.out);
    EXPECT_TRUE(v.ok()) << r.out;
    return v.ok() ? *v : Value();
  }

  void SetUp() override {
    std::ofstream(script_) << kWorkerSh;
    dir_.Write("chain.wf", kChainWf);
    Result deployed = Weft("deploy", {"deploy", dir_.Sub("chain.wf")});
    ASSERT_EQ(deployed.code, 0) << deployed.err;
  }

  ScratchDir dir_;
  std::string store_ = dir_.Sub("store");
  std::string control_ = dir_.Sub("disk-full");  // exists = the disk is full
  std::string script_ = dir_.Sub("worker.sh");
};

TEST_P(DiskFullTest, NewExecutionIsRefusedAtOnceNamingTheDisk) {
  const std::string before = Start(1);
  std::ofstream(control_).flush();
  Result r = Weft("start-full", {"start", "chain", "--input", "{\"n\": 2}"},
                  dir_.Sub("faults-start"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("the disk holding the store is full"));
  EXPECT_THAT(r.err, HasSubstr(store_));
  EXPECT_THAT(r.err, Not(HasSubstr("Input/output error")));
  EXPECT_THAT(r.err, Not(HasSubstr("(EIO)")));
  // It tried to write once; nothing is retried for a command that was refused.
  EXPECT_EQ(Lines(ReadAll(dir_.Sub("faults-start"))).size(), 1u);
  std::filesystem::remove(control_);

  Result list = Weft("list", {"list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  absl::StatusOr<Value> rows = Value::FromJson(list.out);
  ASSERT_TRUE(rows.ok() && rows->is_list()) << list.out;
  ASSERT_EQ(rows->as_list().size(), 1u) << "the refused start left an execution behind";
  EXPECT_EQ(*rows->as_list()[0].as_object().Find("id"), Value::String(before));
  // Space is back: the same command works.
  EXPECT_FALSE(Start(2).empty());
}

// `weft prune` frees space only once it commits, which a full disk forbids: it must say so and
// stop, not retry forever (it used to hang), and delete nothing.
TEST_P(DiskFullTest, PruneOnAFullDiskStopsAtOnceAndDeletesNothing) {
  const std::string id = Start(5);
  Result done = Weft("work", {"work", id, "--worker", WorkerSpec(dir_.Sub("ledger"), 0)});
  ASSERT_EQ(done.code, 0) << done.err;
  std::ofstream(control_).flush();
  Result r = Weft("prune-full", {"prune", "--older-than", "1ms"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("the disk holding the store is full"));
  std::filesystem::remove(control_);
  EXPECT_EQ(*Status(id).as_object().Find("status"), Value::String("COMPLETED"));
  Result pruned = Weft("prune", {"prune", "--older-than", "1ms"});
  EXPECT_EQ(pruned.code, 0) << pruned.err;
  Result gone = Weft("status-gone", {"status", id});
  EXPECT_NE(gone.code, 0) << gone.out;
}

TEST_P(DiskFullTest, InFlightWorkWaitsForSpaceLosesNothingAndRunsNothingTwice) {
  // Executions finished before the disk fills.
  std::vector<std::string> done_before;
  for (int n : {10, 20, 30}) done_before.push_back(Start(n));
  std::vector<std::string> args = {"work"};
  args.insert(args.end(), done_before.begin(), done_before.end());
  for (const char* a : {"--concurrency", "1", "--timeout", "120s"}) args.push_back(a);
  args.push_back("--worker");
  args.push_back(WorkerSpec(dir_.Sub("ledger-before"), 0));
  Result first = Weft("work-before", args);
  ASSERT_EQ(first.code, 0) << first.err;
  std::map<std::string, std::string> histories;
  for (const std::string& id : done_before) {
    Result h = Weft("history", {"history", id, "--json"});
    ASSERT_EQ(h.code, 0) << h.err;
    histories[id] = h.out;
  }

  // Eight in flight; the third task run fills the disk, so its result cannot be committed.
  std::vector<std::string> in_flight;
  for (int n = 100; n < 108; ++n) in_flight.push_back(Start(n));
  const std::string ledger = dir_.Sub("ledger");
  const std::string fault_log = dir_.Sub("faults");
  args = {"work"};
  args.insert(args.end(), in_flight.begin(), in_flight.end());
  for (const char* a : {"--concurrency", "1", "--timeout", "120s"}) args.push_back(a);
  args.push_back("--worker");
  args.push_back(WorkerSpec(ledger, 3));
  Process work = Launch("work", args, fault_log);

  // Wait until the writer has failed six times in a row (10+20+40+80+160 ms of backoff).
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (LinesWith(ReadAll(work.err), "commit failed (").size() < 6 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPollStep);
  }
  ASSERT_GE(LinesWith(ReadAll(work.err), "commit failed (").size(), 6u) << ReadAll(work.err);
  // The workers took no new task once the store could not commit: the third run filled the
  // disk, and at most one more had been taken before the writer saw the failure.
  EXPECT_LE(Lines(ReadAll(ledger)).size(), 4u) << ReadAll(ledger);
  // Executions committed before are readable, by another process, while the disk is full.
  for (const std::string& id : done_before) {
    Result h = Weft("history-full", {"history", id, "--json"});
    EXPECT_EQ(h.code, 0) << h.err;
    EXPECT_EQ(h.out, histories[id]);
  }

  std::filesystem::remove(control_);  // space returns
  ASSERT_EQ(Wait(work), 0) << ReadAll(work.err);
  const std::string err = ReadAll(work.err);

  // Every attempt failed once in the shim, and each was counted and logged with its backoff.
  const std::vector<std::string> failed = LinesWith(err, "commit failed (");
  const size_t attempts = Lines(ReadAll(fault_log)).size();
  EXPECT_EQ(failed.size(), attempts) << err << ReadAll(fault_log);
  for (size_t i = 0; i < failed.size(); ++i) {
    const int n = static_cast<int>(i + 1);
    EXPECT_THAT(failed[i], HasSubstr(absl::StrCat("(", n, " in a row)")));
    EXPECT_THAT(failed[i], HasSubstr(absl::StrCat("retrying in ", BackoffMs(n), " ms")));
    EXPECT_THAT(failed[i], HasSubstr("the disk holding the store is full"));
    EXPECT_THAT(failed[i], HasSubstr(store_));
  }
  EXPECT_THAT(err, Not(HasSubstr("Input/output error")));
  EXPECT_EQ(LinesWith(err, "commits succeed again").size(), 1u) << err;

  // Nothing ran twice, nothing was lost: two tasks per execution, each (task, attempt) once.
  const std::vector<std::string> runs = Lines(ReadAll(ledger));
  EXPECT_EQ(runs.size(), 2 * in_flight.size()) << ReadAll(ledger);
  EXPECT_EQ(std::set<std::string>(runs.begin(), runs.end()).size(), runs.size())
      << ReadAll(ledger);
  for (size_t i = 0; i < in_flight.size(); ++i) {
    Value status = Status(in_flight[i]);
    ASSERT_TRUE(status.is_object());
    EXPECT_EQ(*status.as_object().Find("status"), Value::String("COMPLETED"));
    EXPECT_EQ(*status.as_object().Find("output"), Value::Int(100 + static_cast<int>(i) + 1));
  }
  // The executions committed before are untouched, and the store is clean.
  for (const std::string& id : done_before) {
    Result h = Weft("history-after", {"history", id, "--json"});
    EXPECT_EQ(h.out, histories[id]);
  }
  Result verify = Weft("verify", {"verify"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Modes, DiskFullTest, ::testing::Values("enospc", "short", "sync"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace weft
