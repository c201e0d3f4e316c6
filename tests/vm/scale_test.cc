// Scale: a `parallel for` of 10,000 items works and its checkpoint grows linearly; a loop of
// 100,000 task calls keeps a checkpoint of constant size (no history, no continue-as-new).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/vm/fiber_programs.h"

namespace weft::vm {
namespace {

using namespace testing;  // NOLINT: the test helpers

std::vector<Value> Items(int n) {
  std::vector<Value> items;
  items.reserve(n);
  for (int i = 0; i < n; ++i) items.push_back(Int(i));
  return items;
}

// Starts a `parallel for` over n items (every item waiting on its task) and returns the size
// of the checkpoint at that point; answers every task and checks the results when `finish`.
size_t FanOutCheckpointSize(int n, Value limit, bool finish) {
  const Program p = ForEachProgram();
  ExecState s = NewExecState(p, {List(Items(n)), limit}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_EQ(r.status, RunStatus::kWaiting);
  const size_t size = EncodeCheckpoint(s).size();
  if (!finish) return size;
  std::vector<Request> open = r.requests;
  size_t answered = 0;
  while (answered < open.size()) {
    const Request& q = open[answered++];
    const int64_t x = q.input.as_object().Find("x")->as_int();
    r = Resume(p, s, q.wait_id, Ok(Int(x * 2)), {});
    open.insert(open.end(), r.requests.begin(), r.requests.end());
  }
  EXPECT_EQ(answered, static_cast<size_t>(n));
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  const weft::List& out = r.output.as_list();
  EXPECT_EQ(out.size(), static_cast<size_t>(n));
  for (int i = 0; i < n && i < static_cast<int>(out.size()); ++i) {
    if (out[i].as_int() != 2 * i) {
      ADD_FAILURE() << "result " << i << " is " << out[i].ToJson();
      break;
    }
  }
  return size;
}

TEST(Scale, TenThousandItemsWorkAndTheCheckpointGrowsLinearly) {
  const size_t small = FanOutCheckpointSize(1'000, Value(), /*finish=*/false);
  const size_t large = FanOutCheckpointSize(10'000, Value(), /*finish=*/true);
  const double ratio = static_cast<double>(large) / static_cast<double>(small);
  EXPECT_GT(ratio, 8.0) << small << " -> " << large;
  EXPECT_LT(ratio, 12.0) << small << " -> " << large;
  // A few hundred bytes per waiting item at most.
  EXPECT_LT(large / 10'000, 200u) << large;
}

TEST(Scale, TenThousandItemsWithALimitKeepTheListOnce) {
  const size_t small = FanOutCheckpointSize(1'000, Int(10), /*finish=*/false);
  const size_t large = FanOutCheckpointSize(10'000, Int(10), /*finish=*/true);
  const double ratio = static_cast<double>(large) / static_cast<double>(small);
  EXPECT_LT(ratio, 12.0) << small << " -> " << large;
  EXPECT_GT(ratio, 5.0) << small << " -> " << large;  // the items and results are stored
}

TEST(Scale, AHundredThousandIterationLoopKeepsAConstantCheckpoint) {
  constexpr int kIterations = 100'000;
  const Program p = LoopProgram();
  ExecState s = NewExecState(p, {Int(kIterations)}, 1);
  RunResult r = Start(p, s, {});
  size_t smallest = SIZE_MAX, largest = 0, first = 0;
  int calls = 0;
  while (r.status == RunStatus::kWaiting) {
    ASSERT_EQ(r.requests.size(), 1u);
    const size_t size = EncodeCheckpoint(s).size();
    if (calls == 0) first = size;
    smallest = std::min(smallest, size);
    largest = std::max(largest, size);
    ++calls;
    r = Resume(p, s, r.requests[0].wait_id, Ok(Obj({{"ok", Bool(true)}})), {});
  }
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), std::to_string(kIterations));
  EXPECT_EQ(calls, kIterations);
  // Only the widths of the counters vary (a few bytes), never with the history.
  EXPECT_LE(largest - smallest, 16u) << first << " " << smallest << " " << largest;
  EXPECT_LT(largest, 300u);
}

}  // namespace
}  // namespace weft::vm
