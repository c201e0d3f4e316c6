// The asynchronous API: StartAsync and StartBatch call their callback exactly once per started
// execution, on the engine's completion thread, with the execution's end; also when the engine
// closes first (Unavailable), when the execution is pruned before its end is read (NotFound),
// and after a Retry that came between the end and the read (the later end). Thousands of
// executions need no thread of their own; a batch refuses a bad input alone and shares one
// commit; a callback may start the next execution.
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kFlows = R"(
task noop
task flaky

workflow one_step(i: int) {
    let a = noop(i: i)
    return { i: i }
}

workflow instant(i: int) {
    return { i: i }
}

workflow retried() {
    let a = flaky(x: 1)
    return a
}
)";

// What each callback was called with, by execution id; waits for a number of calls.
class Recorder {
 public:
  ExecutionCallback Callback() {
    return [this](std::string_view id, absl::StatusOr<ExecutionInfo> result) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_[std::string(id)].push_back(std::move(result));
      ++total_;
      cv_.notify_all();
    };
  }
  // False when fewer than `n` calls came within a minute (a hang guard, not a timing check).
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return total_ >= n; });
  }
  std::vector<absl::StatusOr<ExecutionInfo>> Calls(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(id);
    return it == calls_.end() ? std::vector<absl::StatusOr<ExecutionInfo>>{} : it->second;
  }
  size_t total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  size_t ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  absl::flat_hash_map<std::string, std::vector<absl::StatusOr<ExecutionInfo>>> calls_;
  size_t total_ = 0;
};

Value Input(int i) { return Value::MakeObject(Object({{"i", Value::Int(i)}})); }

// Opened once, waited on by any number of threads; opening it again does nothing.
class Latch {
 public:
  void Open() {
    if (!open_.exchange(true)) promise_.set_value();
  }
  void Wait() const { future_.wait(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
  std::atomic<bool> open_{false};
};

// Holds the completion thread inside one callback until released (at the latest by TearDown,
// so a failed test does not leave the engine unable to close).
class Blocker {
 public:
  ExecutionCallback Callback() {
    return [this](std::string_view, absl::StatusOr<ExecutionInfo>) {
      entered_.Open();
      release_.Wait();
    };
  }
  void WaitEntered() const { entered_.Wait(); }
  void Release() { release_.Open(); }

 private:
  Latch entered_;
  Latch release_;
};

// Callbacks outlive the test body when it stops early: what they touch belongs to the fixture,
// and the engine closes (calling what is left) before the fixture goes.
class AsyncTest : public EngineTest {
 protected:
  void TearDown() override {
    blocker_.Release();
    gate_.Open();
    engine_.reset();
  }
  void StartNoopWorker() {
    engine_->RegisterWorker("noop", [](const TaskContext&) {
      return TaskOutcome::Complete(Value::Bool(true));
    });
    ASSERT_TRUE(engine_->StartWorkers().ok());
  }

  Recorder recorder_;
  Recorder marker_;
  Blocker blocker_;
  Latch gate_;  // what the `flaky` worker's second call waits for
  std::atomic<int> flaky_calls_{0};
  // ACallbackStartsTheNextExecution: the chain's callback and what it saw.
  struct Chain {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> ended;
    std::vector<absl::Status> errors;
    ExecutionCallback next;
  } chain_;
};

TEST_F(AsyncTest, ThousandsOfAsyncStartsCompleteWithTwoClientThreads) {
  Deploy(kFlows);
  StartNoopWorker();
  constexpr int kPerClient = 2000;
  std::vector<std::string> started[2];
  auto client = [&](int c) {
    for (int i = 0; i < kPerClient; ++i) {
      auto id = engine_->StartAsync("one_step", Input(c * kPerClient + i), recorder_.Callback());
      ASSERT_TRUE(id.ok()) << id.status();
      started[c].push_back(*id);
    }
  };
  std::thread a(client, 0), b(client, 1);
  a.join();
  b.join();
  ASSERT_TRUE(recorder_.WaitFor(2 * kPerClient)) << recorder_.total() << " callbacks";
  for (int c = 0; c < 2; ++c) {
    for (int i = 0; i < kPerClient; ++i) {
      const auto calls = recorder_.Calls(started[c][i]);
      ASSERT_EQ(calls.size(), 1u) << started[c][i];
      ASSERT_TRUE(calls[0].ok()) << calls[0].status();
      EXPECT_EQ(calls[0]->id, started[c][i]);
      EXPECT_EQ(calls[0]->status, ExecutionStatus::kCompleted);
      EXPECT_EQ(Field(calls[0]->output, "i").as_int(), c * kPerClient + i);
    }
  }
  engine_.reset();  // closing calls nothing again
  EXPECT_EQ(recorder_.total(), 2u * kPerClient);
  EXPECT_EQ(recorder_.ids(), 2u * kPerClient);
}

TEST_F(AsyncTest, BatchRefusesABadInputAloneAndTheRestShareOneCommit) {
  EngineOptions options;
  options.limits.max_input_bytes = 1024;
  Reopen(options);
  Deploy(kFlows);
  std::vector<Value> inputs = {
      Input(1),
      Value::MakeObject(Object({{"i", Value::Int(2)}, {"pad", Value::String(std::string(5000, 'x'))}})),
      Value::Int(3),                                                // not an object
      Value::MakeObject(Object({{"i", Value::String("four")}})),  // not an int
      Input(5),
  };
  for (int i = 6; i < 1000; ++i) inputs.push_back(Input(i));
  const uint64_t commits = engine_->Stats().commits;
  auto ids = engine_->StartBatch("one_step", inputs, recorder_.Callback());
  ASSERT_EQ(ids.size(), inputs.size());
  EXPECT_TRUE(ids[0].ok()) << ids[0].status();
  ASSERT_FALSE(ids[1].ok());
  EXPECT_TRUE(absl::IsInvalidArgument(ids[1].status())) << ids[1].status();
  EXPECT_NE(ids[1].status().message().find("max_input_bytes"), std::string_view::npos);
  EXPECT_TRUE(absl::IsInvalidArgument(ids[2].status())) << ids[2].status();
  EXPECT_TRUE(absl::IsInvalidArgument(ids[3].status())) << ids[3].status();
  for (size_t i = 4; i < ids.size(); ++i) ASSERT_TRUE(ids[i].ok()) << i << ": " << ids[i].status();
  // Every good start is durable when StartBatch returns, all in one commit.
  EXPECT_EQ(engine_->Stats().commits, commits + 1);
  for (size_t i : {size_t{0}, size_t{4}, size_t{500}}) {
    auto info = engine_->GetExecution(*ids[i]);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->status, ExecutionStatus::kRunning);
  }

  StartNoopWorker();
  const size_t good = inputs.size() - 3;
  ASSERT_TRUE(recorder_.WaitFor(good));
  EXPECT_EQ(recorder_.ids(), good);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!ids[i].ok()) continue;
    const auto calls = recorder_.Calls(*ids[i]);
    ASSERT_EQ(calls.size(), 1u);
    ASSERT_TRUE(calls[0].ok()) << calls[0].status();
    EXPECT_EQ(calls[0]->status, ExecutionStatus::kCompleted);
  }
  // A batch of an unknown workflow fails every item; one without a callback just starts.
  auto unknown = engine_->StartBatch("nope", {Input(1), Input(2)});
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_TRUE(absl::IsNotFound(unknown[0].status()));
  EXPECT_TRUE(absl::IsNotFound(unknown[1].status()));
  auto plain = engine_->StartBatch("instant", {Input(7)});
  ASSERT_TRUE(plain[0].ok());
  EXPECT_EQ(Await(*plain[0]).status, ExecutionStatus::kCompleted);
  EXPECT_EQ(recorder_.total(), good);
}

TEST_F(AsyncTest, ClosingCallsEveryPendingCallbackOnceWithUnavailable) {
  Deploy(kFlows);  // no worker: every execution waits on its task
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = engine_->StartAsync("one_step", Input(i), recorder_.Callback());
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  auto batch = engine_->StartBatch("one_step", {Input(100), Input(101)}, recorder_.Callback());
  for (const auto& id : batch) {
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  engine_.reset();
  ASSERT_EQ(recorder_.total(), ids.size());
  for (const std::string& id : ids) {
    const auto calls = recorder_.Calls(id);
    ASSERT_EQ(calls.size(), 1u) << id;
    EXPECT_TRUE(absl::IsUnavailable(calls[0].status())) << calls[0].status();
  }
  // The executions were durable: reopened, they run to the end.
  Reopen();
  StartNoopWorker();
  for (const std::string& id : ids) EXPECT_EQ(Await(id).status, ExecutionStatus::kCompleted);
  EXPECT_EQ(recorder_.total(), ids.size());
}

TEST_F(AsyncTest, ACallbackStartsTheNextExecution) {
  Deploy(kFlows);
  StartNoopWorker();
  constexpr size_t kChain = 50;
  Chain& chain = chain_;
  chain.next = [this, &chain](std::string_view id, absl::StatusOr<ExecutionInfo> result) {
    std::lock_guard<std::mutex> lock(chain.mu);
    chain.ended.emplace_back(id);
    if (!result.ok()) chain.errors.push_back(result.status());
    if (chain.ended.size() < kChain) {
      // Alternate a workflow with a task and one that ends in its start transaction.
      const char* workflow = chain.ended.size() % 2 == 0 ? "one_step" : "instant";
      auto started = engine_->StartAsync(
          workflow, Input(static_cast<int>(chain.ended.size())), chain.next);
      if (!started.ok()) chain.errors.push_back(started.status());
    }
    chain.cv.notify_all();
  };
  ASSERT_TRUE(engine_->StartAsync("one_step", Input(0), chain.next).ok());
  {
    std::unique_lock<std::mutex> lock(chain.mu);
    ASSERT_TRUE(chain.cv.wait_for(lock, std::chrono::seconds(60),
                                  [&] { return chain.ended.size() >= kChain; }));
    EXPECT_TRUE(chain.errors.empty()) << chain.errors[0];
  }
  engine_.reset();
  EXPECT_EQ(chain.ended.size(), kChain);
}

TEST_F(AsyncTest, AnExecutionPrunedBeforeItsEndIsReadGetsNotFound) {
  Deploy(kFlows);
  ASSERT_TRUE(engine_->StartAsync("instant", Input(1), blocker_.Callback()).ok());
  blocker_.WaitEntered();
  // StartBatch returns once the start is durable, so it can be awaited at once.
  auto id = engine_->StartBatch("instant", {Input(2)}, recorder_.Callback())[0];
  ASSERT_TRUE(id.ok()) << id.status();
  const ExecutionInfo done = Await(*id);
  ASSERT_TRUE(Eventually([&] { return absl::ToUnixMillis(absl::Now()) > done.ended_ms; }));
  PruneOptions prune;
  prune.older_than = absl::ZeroDuration();
  ASSERT_TRUE(engine_->Prune(prune).ok());
  ASSERT_TRUE(absl::IsNotFound(engine_->GetExecution(*id).status()));
  EXPECT_EQ(recorder_.total(), 0u);
  blocker_.Release();
  ASSERT_TRUE(recorder_.WaitFor(1));
  const auto calls = recorder_.Calls(*id);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(calls[0].status())) << calls[0].status();
  EXPECT_NE(calls[0].status().message().find("pruned"), std::string_view::npos);
  engine_.reset();
  EXPECT_EQ(recorder_.total(), 1u);
}

TEST_F(AsyncTest, ARetryBetweenTheEndAndItsReadIsToldTheLaterEndOnce) {
  Deploy(kFlows);
  engine_->RegisterWorker("flaky", [this](const TaskContext&) {
    if (flaky_calls_++ == 0) return TaskOutcome::FailTerminal("first attempt fails");
    gate_.Wait();
    return TaskOutcome::Complete(Value::Int(42));
  });
  StartNoopWorker();

  ASSERT_TRUE(engine_->StartAsync("instant", Input(1), blocker_.Callback()).ok());
  blocker_.WaitEntered();
  auto id = engine_->StartBatch("retried", {Value()}, recorder_.Callback())[0];
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_EQ(Await(*id).status, ExecutionStatus::kFailed);
  ASSERT_TRUE(engine_->Retry(*id).ok());  // RUNNING again before its end is read
  // Queued after the retried one: when its callback runs, the retried one has been read.
  auto after = engine_->StartAsync("instant", Input(3), marker_.Callback());
  ASSERT_TRUE(after.ok());
  blocker_.Release();
  ASSERT_TRUE(marker_.WaitFor(1));
  EXPECT_EQ(recorder_.total(), 0u);  // read RUNNING: still watched, nothing called

  gate_.Open();
  ASSERT_TRUE(recorder_.WaitFor(1));
  const auto calls = recorder_.Calls(*id);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_TRUE(calls[0].ok()) << calls[0].status();
  EXPECT_EQ(calls[0]->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(calls[0]->output.as_int(), 42);
  engine_.reset();
  EXPECT_EQ(recorder_.total(), 1u);
}

TEST_F(AsyncTest, BadStartsReturnAnErrorAndNeverCallBack) {
  Deploy(kFlows);
  EXPECT_TRUE(absl::IsNotFound(engine_->StartAsync("nope", Input(1), recorder_.Callback()).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      engine_->StartAsync("one_step", Value::Int(1), recorder_.Callback()).status()));
  // Without a callback the start still happens (the id names nothing until it commits).
  auto id = engine_->StartAsync("instant", Input(4), nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_TRUE(Eventually([&] {
    auto info = engine_->GetExecution(*id);
    return info.ok() && info->status == ExecutionStatus::kCompleted;
  }));
  engine_.reset();
  EXPECT_EQ(recorder_.total(), 0u);
}

}  // namespace
}  // namespace weft::testing
