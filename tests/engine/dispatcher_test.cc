// The dispatcher's in-process take (TakeAny): types take turns, so one type that always has
// tasks ready cannot starve another of the pool's workers; a type at its concurrency limit is
// passed over until a lease is released.
#include "engine/dispatcher.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace weft::engine {
namespace {

std::vector<ReadyTask> Tasks(const std::string& type, int n) {
  std::vector<ReadyTask> tasks;
  for (int i = 0; i < n; ++i) {
    ReadyTask t;
    t.task_id = absl::StrCat(type, "-", i);
    t.execution_id = "exec";
    t.type = type;
    tasks.push_back(std::move(t));
  }
  return tasks;
}

TEST(DispatcherTest, TakeAnyServesEveryTypeInTurn) {
  Dispatcher dispatcher;
  VirtualClock clock(1'000);
  dispatcher.Enqueue(Tasks("a", 100));
  dispatcher.Enqueue(Tasks("b", 100));
  dispatcher.Enqueue(Tasks("c", 100));
  const absl::flat_hash_map<std::string, int> limits = {{"a", 0}, {"b", 0}, {"c", 0}};
  std::map<std::string, int> taken;
  for (int i = 0; i < 30; ++i) {
    std::optional<Lease> lease = dispatcher.TakeAny(limits, "pool", clock, 60'000, 0);
    ASSERT_TRUE(lease.has_value());
    ++taken[lease->task.type];
  }
  // Before the fix, the first type in the map's order got all 30.
  EXPECT_EQ(taken, (std::map<std::string, int>{{"a", 10}, {"b", 10}, {"c", 10}}));
}

TEST(DispatcherTest, TakeAnyPassesOverATypeAtItsLimitUntilALeaseIsReleased) {
  Dispatcher dispatcher;
  VirtualClock clock(1'000);
  dispatcher.Enqueue(Tasks("slow", 5));
  const absl::flat_hash_map<std::string, int> limits = {{"slow", 1}, {"fast", 0}};
  std::optional<Lease> first = dispatcher.TakeAny(limits, "pool", clock, 60'000, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(dispatcher.TakeAny(limits, "pool", clock, 60'000, 0).has_value());
  dispatcher.Enqueue(Tasks("fast", 1));
  std::optional<Lease> fast = dispatcher.TakeAny(limits, "pool", clock, 60'000, 0);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->task.type, "fast");
  ASSERT_TRUE(dispatcher.Release(first->task.task_id, "pool", first->task.delivery).has_value());
  std::optional<Lease> second = dispatcher.TakeAny(limits, "pool", clock, 60'000, 0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->task.type, "slow");
}

}  // namespace
}  // namespace weft::engine
