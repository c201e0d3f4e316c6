// Shared set-up for engine tests: a temporary store, an engine over it, and helpers to deploy
// source text and run executions to the end.
#ifndef WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_
#define WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

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

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(EngineOptions options = {}) {
    engine_.reset();
    options.path = dir_.path() + "/store";
    options.durability = Durability::kNoSync;  // tests do not need fsync; crash tests use kill -9
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

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_ENGINE_ENGINE_FIXTURE_H_
