// The fixture of the live-migration engine tests (migrate_engine_test.cc, migrate_move_test.cc):
// an engine with helpers to complete tasks as an external worker, wait for a fiber's wait, and
// snapshot everything a migration could touch.
#ifndef WEFT_TESTS_ENGINE_MIGRATE_FIXTURE_H_
#define WEFT_TESTS_ENGINE_MIGRATE_FIXTURE_H_

#include <string>
#include <string_view>
#include <vector>

#include "tests/engine/engine_fixture.h"
#include "tests/engine/migrate_sources.h"  // kTaskV1, which WaitingForPay starts

namespace weft::testing {

class MigrateTest : public EngineTest {
 protected:
  // Completes the one pending task of `type` as an external worker.
  void Complete(std::string_view type, std::string_view output_json) {
    std::optional<LeasedTask> t = PollWithin(type);
    ASSERT_TRUE(t.has_value()) << "no " << type << " task";
    ASSERT_TRUE(engine_->CompleteTask(t->context.task_id, "ext", Json(output_json)).ok());
  }
  // Waits until `id`'s only fiber waits in a `wait`.
  void WaitsIn(const std::string& id, std::string_view wait) {
    ASSERT_TRUE(Eventually([&] {
      auto positions = engine_->FiberPositions(id);
      return positions.ok() && positions->size() == 1 && (*positions)[0].wait == wait;
    }));
  }
  // Waits until `id` has exactly these waits, fiber by fiber ("join,task,signal").
  void WaitsAs(const std::string& id, std::string_view waits) {
    std::string last;
    ASSERT_TRUE(Eventually([&] {
      auto positions = engine_->FiberPositions(id);
      if (!positions.ok()) return false;
      last.clear();
      for (const FiberPosition& p : *positions) last += (last.empty() ? "" : ",") + p.wait;
      return last == waits;
    })) << "waits: "
        << last;
  }
  // Fails the one pending task of `type` as an external worker.
  void FailOne(std::string_view type, std::string reason) {
    std::optional<LeasedTask> t = PollWithin(type);
    ASSERT_TRUE(t.has_value()) << "no " << type << " task";
    ASSERT_TRUE(
        engine_->FailTask(t->context.task_id, "ext", std::move(reason), Value(), /*terminal=*/true).ok());
  }
  // Migrates `id` to `version` and expects it to move; returns the points moved.
  std::vector<std::string> MovesTo(const std::string& id, uint32_t version) {
    auto r = engine_->MigrateExecution(id, version, false);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_TRUE(r->moved) << r->reason;
    return r->points;
  }
  // Migrates `id` to `version`, expects a refusal and nothing changed; returns the reason.
  std::string RefusedTo(const std::string& id, uint32_t version) {
    const std::string before = Snapshot(id);
    auto r = engine_->MigrateExecution(id, version, false);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    EXPECT_FALSE(r->moved);
    EXPECT_EQ(Snapshot(id), before);
    return r->reason;
  }
  // Everything a migration could touch: header, history, positions, tasks.
  std::string Snapshot(const std::string& id) {
    std::string out;
    auto info = engine_->GetExecution(id);
    EXPECT_TRUE(info.ok());
    if (info.ok()) out += absl::StrCat(info->version, " ", info->hash, " ", info->updated_ms, "\n");
    auto history = engine_->History(id);
    auto positions = engine_->FiberPositions(id);
    EXPECT_TRUE(history.ok() && positions.ok());
    if (!history.ok() || !positions.ok()) return out;
    for (const HistoryEvent& e : *history) {
      out += absl::StrCat(e.type, " ", e.details.ToJson(), "\n");
    }
    for (const FiberPosition& p : *positions) {
      out += absl::StrCat(p.fiber, " ", p.wait, " ", p.wait_id, " ", p.line, ":", p.column, "\n");
    }
    for (const TaskInfo& t : TasksOf(id)) out += absl::StrCat(t.id, " ", t.type, "\n");
    return out;
  }
  // An execution of kTaskV1 waiting for `pay`, with `a` = "A".
  std::string WaitingForPay() {
    std::string id = StartOk("order", R"({"id":"o1"})");
    Complete("first", R"("A")");
    EXPECT_TRUE(Eventually([&] {
      for (const TaskInfo& t : TasksOf(id)) {
        if (t.type == "pay") return true;
      }
      return false;
    }));
    return id;
  }
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_ENGINE_MIGRATE_FIXTURE_H_
