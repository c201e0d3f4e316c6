// Shared set-up for engine tests: a temporary store, an engine over it, and helpers to deploy
// source text and run executions to the end.
#ifndef WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_
#define WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {

// A file of the repository, by its path from the root (CTest runs tests from the root).
inline std::string ReadSourceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline Value Json(std::string_view text) {
  absl::StatusOr<Value> v = Value::FromJson(std::string(text));
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

// The value at a dotted path of objects ("details.status"); null when any step is missing.
inline Value Field(const Value& v, std::string_view path) {
  Value at = v;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (!at.is_object()) return Value();
    const Value* next = at.as_object().Find(key);
    if (next == nullptr) return Value();
    at = *next;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return at;
}

// Polls `done` until it holds or `timeout` passes; for states reached by engine threads.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class EngineTest : public ::testing::Test {
 protected:
  bool sync_ = false;  // Reopen with Durability::kSync (the writer's commit syncer runs)

  void SetUp() override { Reopen(); }

  void Reopen(EngineOptions options = {}) {
    engine_.reset();
    options.path = dir_.path() + "/store";
    // Tests do not need fsync (crash tests use kill -9); a test of the synced path sets sync_.
    options.durability = sync_ ? Durability::kSync : Durability::kNoSync;
    options.map_size_bytes = 256 << 20;
    options.worker_threads = options.worker_threads > 0 ? options.worker_threads : 2;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  std::vector<DeployedWorkflow> Deploy(std::string_view source) {
    auto r = engine_->Deploy("test.wf", source);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : std::vector<DeployedWorkflow>{};
  }

  ExecutionInfo Await(const std::string& id) {
    auto info = engine_->AwaitExecution(id, absl::Seconds(30));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : ExecutionInfo{};
  }

  std::vector<std::string> HistoryTypes(const std::string& id) {
    std::vector<std::string> types;
    auto history = engine_->History(id);
    EXPECT_TRUE(history.ok()) << history.status();
    if (history.ok()) {
      for (const HistoryEvent& e : *history) types.push_back(e.type);
    }
    return types;
  }

  // Starts `workflow` with the input given as JSON; "" when it could not start.
  std::string StartOk(std::string_view workflow, std::string_view input_json = "{}") {
    auto id = engine_->Start(workflow, Json(input_json));
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : std::string();
  }

  // Reopens over the same store with a simulated clock (timers jump when the engine is idle).
  void ReopenVirtual() {
    EngineOptions options;
    options.virtual_time = true;
    Reopen(options);
  }

  std::vector<HistoryEvent> HistoryOf(const std::string& id, std::string_view type) {
    std::vector<HistoryEvent> out;
    auto history = engine_->History(id);
    EXPECT_TRUE(history.ok()) << history.status();
    if (history.ok()) {
      for (const HistoryEvent& e : *history) {
        if (e.type == type) out.push_back(e);
      }
    }
    return out;
  }

  std::vector<TaskInfo> TasksOf(const std::string& id) {
    auto tasks = engine_->Tasks(id);
    EXPECT_TRUE(tasks.ok()) << tasks.status();
    return tasks.ok() ? *tasks : std::vector<TaskInfo>{};
  }

  // Takes a task of `type` as external worker `worker`, waiting up to `timeout` for one.
  std::optional<LeasedTask> PollWithin(std::string_view type, std::string_view worker = "ext",
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::optional<LeasedTask> got;
    Eventually([&] {
      auto polled = engine_->PollTask(type, worker);
      EXPECT_TRUE(polled.ok()) << polled.status();
      if (polled.ok() && polled->has_value()) got = **polled;
      return got.has_value() || !polled.ok();
    }, timeout);
    return got;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_
