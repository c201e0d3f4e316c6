// RunSubprocess: runs a program with a given stdin, collects its stdout and the tail of its
// stderr, and reaps it. The building block of the command worker, also used by the CLI tests to
// drive the `weft` binary.
//
// It never deadlocks on large inputs or outputs (stdin, stdout and stderr are serviced together
// with poll()), never raises SIGPIPE in the caller (stdin is a socket written with
// MSG_NOSIGNAL), leaks no descriptor into other threads' children (everything is CLOEXEC) and
// always waits for the child. Safe to call from many threads at once.
//
// A child never outlives its caller: it runs in its own process group, is killed (SIGKILL, by
// the kernel: PR_SET_PDEATHSIG) when the thread that started it dies, and KillAllSubprocesses
// kills every running child's group at once for a process that is shutting down.
#ifndef WEFT_WORKERS_SUBPROCESS_H_
#define WEFT_WORKERS_SUBPROCESS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace weft::workers {

struct SubprocessOptions {
  std::vector<std::string> argv;        // argv[0] is the program's path (no PATH search)
  std::string stdin_data;               // written to the child's stdin, then EOF
  std::vector<std::string> extra_env;   // "NAME=value"; replaces inherited variables of that name
  absl::Duration timeout = absl::InfiniteDuration();
  size_t max_stdout_bytes = std::numeric_limits<size_t>::max();
  size_t stderr_tail_bytes = std::numeric_limits<size_t>::max();  // keep only the last N bytes
  // Called on the calling thread with each complete line of stdout (without its '\n') as it
  // arrives, while the child runs; the line stays in stdout_data too.
  std::function<void(std::string_view line)> on_stdout_line;
};

struct SubprocessResult {
  bool exited = false;         // true: exit_code is valid; false: killed by term_signal
  int exit_code = 0;
  int term_signal = 0;
  bool timed_out = false;      // the timeout passed; the process group was killed
  bool stdout_overflow = false;  // stdout exceeded max_stdout_bytes; the group was killed
  std::string stdout_data;
  std::string stderr_tail;
  bool stderr_truncated = false;  // stderr_tail lost its beginning
  bool interrupted = false;    // KillAllSubprocesses killed it, or refused to start it

  bool ok() const {
    return exited && exit_code == 0 && !timed_out && !stdout_overflow && !interrupted;
  }
};

// Errors (absl::Status) only when the process could not be started or the OS refused pipes;
// everything the child does (exit codes, signals, garbage) is reported in SubprocessResult.
// REQUIRES: !options.argv.empty().
absl::StatusOr<SubprocessResult> RunSubprocess(const SubprocessOptions& options);

// For a process that is shutting down (SIGINT, SIGTERM): kills the process group of every
// child RunSubprocess is running, in any thread, and makes later calls start nothing. Those
// calls return at once with `interrupted` set. Irreversible. Not async-signal-safe: call it
// from a normal thread, not from a signal handler.
void KillAllSubprocesses();

}  // namespace weft::workers

#endif  // WEFT_WORKERS_SUBPROCESS_H_
