// ForkGuard (common/fork_guard.h): a child forked from a process whose other threads are busy
// allocating can allocate. With glibc's malloc this holds by itself; in the sanitizer build,
// without the guard, ASan's allocator deadlocks the child within the first few forks.
#include "common/fork_guard.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace weft {
namespace {

// Waits up to `limit` for `pid`; SIGKILLs it and returns -1 if it is still running then.
int WaitWithin(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(ForkGuardTest, AChildAllocatesWhileOtherThreadsAllocate) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> busy;
  for (int t = 0; t < 3; ++t) {
    busy.emplace_back([&stop, t] {
      std::vector<std::unique_ptr<std::string>> keep(64);
      for (size_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        keep[i % keep.size()] = std::make_unique<std::string>(16 + (i * 37 + t) % 4000, 'x');
      }
    });
  }
  int stuck = 0;
  int failed = 0;
  for (int round = 0; round < 100 && stuck == 0; ++round) {
    ForkGuard guard;
    const pid_t pid = fork();
    guard.Release();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::vector<std::unique_ptr<std::string>> blocks;
      for (size_t i = 0; i < 2000; ++i) {
        blocks.push_back(std::make_unique<std::string>(16 + (i * 53) % 4000, 'y'));
      }
      _exit(blocks.size() == 2000 ? 0 : 1);
    }
    const int status = WaitWithin(pid, std::chrono::seconds(10));
    if (status < 0) {
      ++stuck;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ++failed;
    }
  }
  stop = true;
  for (std::thread& t : busy) t.join();
  EXPECT_EQ(stuck, 0) << "a forked child never finished its allocations";
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace weft
