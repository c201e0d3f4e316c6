// The base of the tests of tests/storage/fixtures/formatN (a store written by an earlier
// release, see each README): each test works on a copy in a temporary directory, opens it
// with storage::Env (read-only unless told, logging what an upgrade says) or with the engine,
// and checks that `weft verify` finds nothing damaged.
#ifndef WEFT_TESTS_STORAGE_FIXTURE_STORE_H_
#define WEFT_TESTS_STORAGE_FIXTURE_STORE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/engine_impl.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {

class FixtureStoreTest : public ::testing::Test {
 protected:
  // `fixture`: the directory under tests/storage/fixtures, e.g. "format3".
  explicit FixtureStoreTest(std::string fixture) : fixture_(std::move(fixture)) {}

  void SetUp() override {
    std::filesystem::create_directory(store_);
    std::filesystem::copy_file("tests/storage/fixtures/" + fixture_ + "/data.mdb",
                               store_ + "/data.mdb");
  }

  std::unique_ptr<storage::Env> OpenEnv(bool read_only = true) {
    storage::Env::Options options;
    options.path = store_;
    options.read_only = read_only;
    options.map_size_bytes = 64 << 20;
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    auto env = storage::Env::Open(options);
    EXPECT_TRUE(env.ok()) << env.status();
    return env.ok() ? *std::move(env) : nullptr;
  }

  void ExpectNoDamage() {
    auto env = OpenEnv();
    ASSERT_NE(env, nullptr);
    auto report = storage::VerifyStore(*env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }

  // The store's format, once `weft verify` found nothing damaged in it.
  uint32_t Format() {
    ExpectNoDamage();
    auto env = OpenEnv();
    return env != nullptr ? env->format() : 0;
  }

  // With `clock_ms` (ms since the epoch), the engine's clock starts there instead of at the
  // real time: a fixture's timers were set relative to when it was written, so a test that
  // must not see them fall due runs at that time, however long ago it was. Without
  // virtual_time that clock stands still.
  std::unique_ptr<Engine> OpenEngine(bool read_only, bool virtual_time = false,
                                     int64_t clock_ms = 0) {
    EngineOptions options;
    options.path = store_;
    options.read_only = read_only;
    options.virtual_time = virtual_time;
    options.durability = Durability::kNoSync;
    options.map_size_bytes = 64 << 20;
    options.worker_threads = 2;
    absl::StatusOr<std::unique_ptr<Engine>> engine;
    if (clock_ms > 0) {
      auto clock = std::make_unique<engine::VirtualClock>(clock_ms);
      clock->Hold(!virtual_time);
      engine = engine::EngineImpl::Open(options, std::move(clock));
    } else {
      engine = Engine::Open(options);
    }
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? *std::move(engine) : nullptr;
  }

  const std::string fixture_;
  TempDir dir_;
  std::string store_ = dir_.path() + "/store";
  std::vector<std::string> log_;  // what storage::Env logged (the upgrade's lines)
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_STORAGE_FIXTURE_STORE_H_
