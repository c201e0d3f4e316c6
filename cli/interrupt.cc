// SIGINT and SIGTERM for `weft run` and `weft work` (see interrupt.h).
#include "cli/interrupt.h"

#include <signal.h>

#include <algorithm>
#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/cli_common.h"
#include "common/strings.h"
#include "weft/command_worker.h"

namespace weft::cli {
namespace {

// How often the main thread looks for a signal while it waits.
constexpr absl::Duration kCheckEvery = absl::Milliseconds(50);

std::atomic<int> received{0};

void OnSignal(int sig) { received.store(sig); }

}  // namespace

void CatchInterrupts() {
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int InterruptSignal() { return received.load(); }

absl::StatusOr<ExecutionInfo> AwaitUnlessInterrupted(Engine& engine, std::string_view id,
                                                     absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (InterruptSignal() != 0) return absl::CancelledError("interrupted");
    const absl::Duration left = std::max(deadline - absl::Now(), absl::ZeroDuration());
    absl::StatusOr<ExecutionInfo> done = engine.AwaitExecution(id, std::min(left, kCheckEvery));
    if (!absl::IsDeadlineExceeded(done.status()) || left <= kCheckEvery) return done;
  }
}

void SleepUntilInterrupted(absl::Time deadline) {
  while (InterruptSignal() == 0 && absl::Now() < deadline) {
    absl::SleepFor(std::min(kCheckEvery, deadline - absl::Now()));
  }
}

int StopOnInterrupt(std::unique_ptr<Engine>& engine) {
  const int sig = InterruptSignal();
  StopCommandWorkers();
  engine.reset();  // stops the pool (the killed commands' tasks are abandoned), commits, closes
  Fail(absl::StrCat("interrupted by ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                    ": worker commands killed, store closed; unfinished tasks run again at the "
                    "next `weft work`"));
  return 128 + sig;
}

}  // namespace weft::cli
