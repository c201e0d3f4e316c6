// RunJq (jq.h): a jq program in a forked child process, with a time and a memory budget, and
// the legacy `jq` builtin (bytecode compiled before jq() became the system task `jq` still
// calls it inline; it now goes through the same bounded child).
//
// Why fork and not exec a helper: the child inherits the calling thread's cache of compiled
// programs (compiling costs ~40 ms in jq 1.6, running a cached program microseconds), needs
// no executable to be found on disk, and gets its input without serialising it. The child only
// runs libjq, encodes the result and _exit()s: it never touches the store, closes every
// descriptor but its result pipe first, and resets the signal state, so a terminal's Ctrl-C or
// a SIGTERM meant for the engine cannot reach the engine's handlers through it; it is killed
// if the thread that forked it dies (PR_SET_PDEATHSIG), so it never outlives a killed engine.
// glibc makes malloc safe to use after fork in a threaded process (and ForkGuard does the same
// for ASan's allocator in sanitizer builds); libjq keeps no lock.
//
// The budgets: the parent reads the result until the wall-clock deadline, then SIGKILLs the
// child (RLIMIT_CPU is set too, as a backstop). Memory: RLIMIT_AS is set to what the child
// inherited (it is a copy of the parent's address space, LMDB map included) plus the budget;
// an allocation past it fails, C++'s out-of-memory path exits with kExitNoMemory, and so does
// the fault that libjq's broken out-of-memory path ends in (OnFault). Address space is not
// resident memory, and malloc arenas the parent reserved before the fork count as inherited,
// so the budget is approximate.
//
// After a child ran a program that the parent's cache lacks, the parent compiles it into its
// cache (the child just proved the compile fits the budgets), so the next call's child
// inherits it.
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
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "common/check.h"
#include "common/fork_guard.h"
#include "stdlib/builtin_impls.h"
#include "stdlib/jq.h"
#include "value/value_codec.h"

#ifdef WEFT_ASAN_ALLOCATOR
#include <sanitizer/common_interface_defs.h>
#endif

namespace weft::stdlib {
namespace {

constexpr int kExitNoMemory = 90;  // the child's exit status when an allocation failed
constexpr char kOk = 'O';         // result message: kOk + encoded value, or
constexpr char kFailed = 'F';     // kFailed + one byte JqFailure + message text

[[noreturn]] void ExitNoMemoryNew() { _exit(kExitNoMemory); }

// The child's address space and resident set in bytes (the first two fields of
// /proc/self/statm, in pages); zeros when unknown. Async-signal-safe: the fault handler calls it.
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

// libjq 1.6's out-of-memory path is broken: it calls a handler pointer it reads from a block
// too small for it (gdb shows the jump landing in malloc's arena), so an allocation that fails
// past RLIMIT_AS ends in SIGSEGV, or SIGABRT. A child that dies of SIGSEGV, SIGBUS or SIGABRT
// after growing by more than a quarter of its budget (in address space, or in resident memory:
// a worker thread's malloc arena grows inside address space it reserved before the fork) is
// taken to have run out of memory; one that dies earlier is a crash.
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
  // In a sanitizer build, an mmap that RLIMIT_AS refuses to ASan's own bookkeeping (its stack
  // depot, a large chunk's mapping) ends the process through the runtime's Die() with status
  // 1, not through a signal; the same rule tells it from a crash.
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

// Everything the child does before libjq runs: no descriptor but `out` (and stdin/stdout;
// stderr goes to /dev/null, where libjq's own complaints belong), default signal handling,
// no core dump, and the budgets. Returns the descriptor to write the result to (moved above
// stderr if a process with closed standard descriptors got its pipe there).
int PrepareChild(int out, pid_t parent, const JqBudget& budget) {
  // Dies with the thread that forked it, should that thread's process die first.
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
  g_page_size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  g_inherited = ReadMemoryUse(g_page_size);
  g_budget_bytes = budget.memory_bytes;
  if (g_inherited.address_space > 0) {
    SetLimit(RLIMIT_AS, static_cast<rlim_t>(g_inherited.address_space + budget.memory_bytes));
    CatchFaults();
  }
  std::set_new_handler(ExitNoMemoryNew);
  return out;
}

[[noreturn]] void ChildMain(int out, pid_t parent, const Value& query, const Value& input,
                            const JqBudget& budget) {
  out = PrepareChild(out, parent, budget);
  JqResult result = RunJqInProcess(query, input);
  std::string message;
  if (result.ok) {
    std::vector<uint8_t> bytes = EncodeValue(result.value);
    message.reserve(bytes.size() + 1);
    message.push_back(kOk);
    message.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else {
    message.push_back(kFailed);
    message.push_back(static_cast<char>(result.failure));
    message += result.message;
  }
  _exit(WriteAll(out, message.data(), message.size()) ? 0 : 1);
}

// Reads from `fd` until EOF, the deadline, or more than `cap` bytes. False unless EOF came.
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

JqResult Failure(JqFailure failure, std::string message) {
  return JqResult{false, Value(), failure, std::move(message)};
}

std::string Mib(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

JqResult TimeFailure(const JqBudget& budget) {
  return Failure(JqFailure::kTime,
                 "jq() ran past its time budget of " + absl::FormatDuration(budget.time));
}

JqResult MemoryFailure(const JqBudget& budget) {
  return Failure(JqFailure::kMemory,
                 "jq() ran past its memory budget of " + Mib(budget.memory_bytes));
}

// The child's message, given that it exited normally with status 0.
JqResult Decode(const std::string& data) {
  if (data.size() >= 1 && data[0] == kOk) {
    auto value = DecodeValue(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1);
    if (value.ok()) return JqResult{true, *std::move(value), {}, {}};
  }
  if (data.size() >= 2 && data[0] == kFailed) {
    const auto failure = static_cast<unsigned char>(data[1]);
    if (failure <= static_cast<unsigned char>(JqFailure::kLimit)) {
      return Failure(static_cast<JqFailure>(failure), data.substr(2));
    }
  }
  return Failure(JqFailure::kCrash, "jq() child process sent a malformed result");
}

}  // namespace

JqResult RunJq(const Value& query, const Value& input, const JqBudget& budget) {
  int fds[2];
  WEFT_CHECK_MSG(pipe2(fds, O_CLOEXEC) == 0, "jq(): pipe2 failed");
  const absl::Time deadline = absl::Now() + budget.time;
  const pid_t parent = getpid();
  ForkGuard guard;
  const pid_t pid = fork();
  guard.Release();
  if (pid == 0) {
    close(fds[0]);
    ChildMain(fds[1], parent, query, input, budget);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return Failure(JqFailure::kCrash,
                   std::string("jq() could not start its process: ") + std::strerror(errno));
  }
  std::string data;
  bool too_large = false;
  const bool complete = ReadUntil(fds[0], deadline, budget.memory_bytes, data, too_large);
  close(fds[0]);
  if (!complete) kill(pid, SIGKILL);
  const int status = Reap(pid);
  if (too_large) return MemoryFailure(budget);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoMemory) return MemoryFailure(budget);
  if (!complete || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)) {
    return TimeFailure(budget);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFSIGNALED(status)
                                ? std::string("was killed by signal ") + strsignal(WTERMSIG(status))
                                : "exited with status " + std::to_string(WEXITSTATUS(status));
    return Failure(JqFailure::kCrash, "jq() crashed: its process " + how);
  }
  JqResult result = Decode(data);
  // The program compiled in the child within the budgets; keep it compiled here for the next
  // child to inherit.
  if ((result.ok || result.failure == JqFailure::kRuntime) && query.is_string() &&
      !JqProgramCached(query.as_string())) {
    CacheJqProgram(query.as_string());
  }
  return result;
}

absl::StatusOr<Value> Builtin_jq(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  ctx.work += args[1].total_size();
  JqResult result = RunJq(args[0], args[1], JqBudget{});
  if (!result.ok) {
    // Past a value limit or out of memory: LIMIT_EXCEEDED, as for any builtin.
    const bool limit = result.failure == JqFailure::kLimit || result.failure == JqFailure::kMemory;
    return limit ? absl::ResourceExhaustedError(result.message)
                 : absl::InvalidArgumentError(result.message);
  }
  ctx.work += result.value.total_size();
  return std::move(result.value);
}

}  // namespace weft::stdlib
