// RunBoundedChild (bounded_child.h): fork, prepare the child, read its message
// until the deadline, kill and reap.
#include "stdlib/bounded_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include "absl/time/clock.h"
#include "common/fork_guard.h"

#ifdef WEFT_ASAN_ALLOCATOR
#include <sanitizer/common_interface_defs.h>
#endif

namespace weft::stdlib {
namespace {

constexpr int kExitNoMemory = 90;  // the child's exit status when an allocation failed

[[noreturn]] void ExitNoMemoryNew() { _exit(kExitNoMemory); }

// The child's address space and resident set in bytes (the first two fields of
// /proc/self/statm, in pages); zeros when unknown. Async-signal-safe: the fault
// handler calls it.
struct MemoryUse {
  size_t address_space = 0;
  size_t resident = 0;
};

MemoryUse ReadMemoryUse(size_t page_size) {
  MemoryUse use;
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return use;
  char text[128] = {};
  const ssize_t n = read(fd, text, sizeof(text) - 1);
  close(fd);
  size_t fields[2] = {0, 0};
  int field = 0;
  for (ssize_t i = 0; i < n && field < 2; ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      fields[field] = fields[field] * 10 + static_cast<size_t>(text[i] - '0');
    } else {
      ++field;
    }
  }
  use.address_space = fields[0] * page_size;
  use.resident = fields[1] * page_size;
  return use;
}

// libjq 1.6's out-of-memory path is broken: it calls a handler pointer it reads
// from a block too small for it (gdb shows the jump landing in malloc's arena),
// so an allocation that fails past RLIMIT_AS ends in SIGSEGV, or SIGABRT. A
// child that dies of SIGSEGV, SIGBUS or SIGABRT after growing by more than a
// quarter of its budget (in address space, or in resident memory: a worker
// thread's malloc arena grows inside address space it reserved before the fork)
// is taken to have run out of memory; one that dies earlier is a crash.
size_t g_page_size = 0;
MemoryUse g_inherited;
size_t g_budget_bytes = 0;
char g_fault_stack[64 * 1024];

size_t Growth(size_t now, size_t before) { return now > before ? now - before : 0; }

void ExitIfPastTheBudget() {
  const MemoryUse now = ReadMemoryUse(g_page_size);
  if (Growth(now.address_space, g_inherited.address_space) >= g_budget_bytes / 4 ||
      Growth(now.resident, g_inherited.resident) >= g_budget_bytes / 4) {
    _exit(kExitNoMemory);
  }
}

void OnFault(int sig) {
  ExitIfPastTheBudget();
  raise(sig);  // SA_RESETHAND restored the default action
}

void CatchFaults() {
  stack_t stack = {};
  stack.ss_sp = g_fault_stack;
  stack.ss_size = sizeof(g_fault_stack);
  sigaltstack(&stack, nullptr);
  struct sigaction action = {};
  action.sa_handler = OnFault;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT}) sigaction(sig, &action, nullptr);
#ifdef WEFT_ASAN_ALLOCATOR
  // In a sanitizer build, an mmap that RLIMIT_AS refuses to ASan's own
  // bookkeeping (its stack depot, a large chunk's mapping) ends the process
  // through the runtime's Die() with status 1, not through a signal; the same
  // rule tells it from a crash.
  __sanitizer_set_death_callback(ExitIfPastTheBudget);
#endif
}

void SetLimit(int resource, rlim_t value) {
  struct rlimit limit = {value, value};
  (void)setrlimit(resource, &limit);
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Everything the child does before `body` runs: no descriptor but `out` (and
// stdin/stdout; stderr goes to /dev/null), default signal handling, no core
// dump, and the budgets. Returns the descriptor to write the message to (moved
// above stderr if a process with closed standard descriptors got its pipe
// there).
int PrepareChild(int out, pid_t parent, const ChildBudget& budget) {
  // Dies with the thread that forked it, should that thread's process die
  // first.
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  if (out <= STDERR_FILENO) out = fcntl(out, F_DUPFD, STDERR_FILENO + 1);
  if (out < 0) _exit(1);
  if (out > 3) (void)syscall(SYS_close_range, 3u, static_cast<unsigned>(out - 1), 0u);
  (void)syscall(SYS_close_range, static_cast<unsigned>(out + 1), ~0u, 0u);
  if (int null = open("/dev/null", O_WRONLY); null >= 0) {
    dup2(null, STDERR_FILENO);
    if (null != STDERR_FILENO) close(null);
  }
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  SetLimit(RLIMIT_CORE, 0);
  const double seconds = absl::ToDoubleSeconds(budget.time);
  SetLimit(RLIMIT_CPU, static_cast<rlim_t>(std::ceil(seconds)) + 1);
  if (budget.address_space_bytes > 0) {
    g_page_size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    g_inherited = ReadMemoryUse(g_page_size);
    g_budget_bytes = budget.address_space_bytes;
    if (g_inherited.address_space > 0) {
      SetLimit(RLIMIT_AS, static_cast<rlim_t>(g_inherited.address_space + budget.address_space_bytes));
      CatchFaults();
    }
  }
  std::set_new_handler(ExitNoMemoryNew);
  return out;
}

// Reads from `fd` until EOF, the deadline, or more than `cap` bytes. False
// unless EOF came.
bool ReadUntil(int fd, absl::Time deadline, size_t cap, std::string& data, bool& too_large) {
  char buffer[65536];
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    struct pollfd p = {fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) continue;  // the loop re-checks the deadline
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return n == 0;
    data.append(buffer, static_cast<size_t>(n));
    if (data.size() > cap) {
      too_large = true;
      return false;
    }
  }
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string HowItDied(int status) {
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

ChildOutcome RunBoundedChild(const ChildBudget& budget, absl::FunctionRef<std::string()> body) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    outcome.detail = std::string("pipe2: ") + std::strerror(errno);
    return outcome;
  }
  const absl::Time deadline = absl::Now() + budget.time;
  const pid_t parent = getpid();
  ForkGuard guard;
  const pid_t pid = fork();
  guard.Release();
  if (pid == 0) {
    close(fds[0]);
    const int out = PrepareChild(fds[1], parent, budget);
    const std::string message = body();
    _exit(WriteAll(out, message.data(), message.size()) ? 0 : 1);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    outcome.detail = std::strerror(errno);
    return outcome;
  }
  bool too_large = false;
  const bool complete = ReadUntil(fds[0], deadline, budget.output_cap, outcome.data, too_large);
  close(fds[0]);
  if (!complete) kill(pid, SIGKILL);
  const int status = Reap(pid);
  if (too_large) {
    outcome.end = ChildEnd::kTooLarge;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoMemory) {
    outcome.end = ChildEnd::kNoMemory;
  } else if (!complete || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)) {
    outcome.end = ChildEnd::kTime;
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    outcome.end = ChildEnd::kCrash;
    outcome.detail = HowItDied(status);
  } else {
    outcome.end = ChildEnd::kOk;
    return outcome;
  }
  outcome.data.clear();
  return outcome;
}

}  // namespace weft::stdlib
