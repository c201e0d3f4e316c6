// RunBoundedChild (stdlib/bounded_child.h): each way a child can end, as the caller sees it.
#include "stdlib/bounded_child.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace weft::stdlib {
namespace {

ChildBudget Budget(absl::Duration time) {
  ChildBudget budget;
  budget.time = time;
  return budget;
}

TEST(BoundedChildTest, TheChildsMessageComesBack) {
  ChildOutcome out = RunBoundedChild(Budget(absl::Seconds(30)), [] { return std::string("hello"); });
  EXPECT_EQ(out.end, ChildEnd::kOk);
  EXPECT_EQ(out.data, "hello");
}

TEST(BoundedChildTest, AChildPastItsDeadlineIsKilled) {
  const absl::Time start = absl::Now();
  ChildOutcome out = RunBoundedChild(Budget(absl::Milliseconds(200)), [] {
    for (;;) pause();
    return std::string();
  });
  EXPECT_EQ(out.end, ChildEnd::kTime);
  EXPECT_TRUE(out.data.empty());
  EXPECT_LT(absl::Now() - start, absl::Seconds(60));  // killed, not waited for
}

TEST(BoundedChildTest, ACrashSaysHowTheChildDied) {
  ChildOutcome out = RunBoundedChild(Budget(absl::Seconds(30)), [] {
    raise(SIGSEGV);
    return std::string("never");
  });
  EXPECT_EQ(out.end, ChildEnd::kCrash);
  EXPECT_NE(out.detail.find("killed by signal"), std::string::npos) << out.detail;
}

TEST(BoundedChildTest, AMessagePastTheCapIsRefused) {
  ChildBudget budget = Budget(absl::Seconds(30));
  budget.output_cap = 1000;
  ChildOutcome out = RunBoundedChild(budget, [] { return std::string(1 << 20, 'x'); });
  EXPECT_EQ(out.end, ChildEnd::kTooLarge);
  EXPECT_TRUE(out.data.empty());
}

TEST(BoundedChildTest, AnAllocationPastTheMemoryBudgetIsNoMemory) {
  ChildBudget budget = Budget(absl::Seconds(30));
  budget.address_space_bytes = size_t{64} << 20;
  ChildOutcome out = RunBoundedChild(budget, [] {
    std::vector<std::string> hog;
    for (;;) hog.emplace_back(size_t{8} << 20, 'x');
    return std::string();
  });
  EXPECT_EQ(out.end, ChildEnd::kNoMemory);
}

// The child resets the signal state: a SIGTERM handler of the caller's process does not run in
// it (the engine's shutdown handler must never run in a child), so SIGTERM kills it.
TEST(BoundedChildTest, TheCallersSignalHandlersDoNotRunInTheChild) {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old = {};
  sigaction(SIGTERM, &ignore, &old);
  ChildOutcome out = RunBoundedChild(Budget(absl::Seconds(30)), [] {
    raise(SIGTERM);
    return std::string("survived");
  });
  sigaction(SIGTERM, &old, nullptr);
  EXPECT_EQ(out.end, ChildEnd::kCrash);
  EXPECT_NE(out.detail.find("Terminated"), std::string::npos) << out.detail;
}

}  // namespace
}  // namespace weft::stdlib
