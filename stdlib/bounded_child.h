// RunBoundedChild: a piece of work run in a forked child process within a
// wall-clock and a memory budget, for the programs the engine must never run in
// its own process (jq(), stdlib/jq.h; the `js` system task, stdlib/js.h).
//
// Why fork and not exec a helper: the child inherits the caller's state (jq's
// cache of compiled programs; the input, without serialising it), and needs no
// executable on disk. The child only runs `body`, writes the message it returns
// to a pipe and _exit()s: it never touches the store, closes every descriptor
// but its pipe first (stderr goes to /dev/null), and resets the signal state,
// so a terminal's Ctrl-C or a SIGTERM meant for the engine cannot reach the
// engine's handlers through it; it is killed if the thread that forked it dies
// (PR_SET_PDEATHSIG), so it never outlives a killed engine. glibc makes malloc
// safe to use after fork in a threaded process (ForkGuard does the same for
// ASan's allocator).
//
// The budgets: the parent reads the message until the deadline, then SIGKILLs
// the child (RLIMIT_CPU is set too, as a backstop), and reaps it. Memory, when
// `address_space_bytes` is set: RLIMIT_AS is what the child inherited (a copy
// of the parent's address space, LMDB map included) plus the budget; an
// allocation past it fails, and C++'s out-of-memory path exits with a status
// that says so. A child that dies of SIGSEGV, SIGBUS or SIGABRT after growing
// by more than a quarter of its budget is taken to have run out of memory too
// (libjq 1.6's out-of-memory path is broken and ends in such a fault); one that
// dies earlier crashed. Address space is not resident memory, so the budget is
// approximate.
#ifndef WEFT_STDLIB_BOUNDED_CHILD_H_
#define WEFT_STDLIB_BOUNDED_CHILD_H_

#include <cstddef>
#include <limits>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"

namespace weft::stdlib {

struct ChildBudget {
  absl::Duration time = absl::Seconds(1);                  // wall clock, fork to the last byte
  size_t output_cap = std::numeric_limits<size_t>::max();  // bytes of message the parent takes
  size_t address_space_bytes = 0;                          // 0: no RLIMIT_AS
};

enum class ChildEnd {
  kOk,          // exited with status 0 after writing its whole message
  kTooLarge,    // its message passed output_cap
  kNoMemory,    // ran out of its memory budget
  kTime,        // ran past its time budget (killed)
  kCrash,       // died otherwise; `detail` says how
  kNotStarted,  // fork or pipe failed; `detail` says why
};

struct ChildOutcome {
  ChildEnd end = ChildEnd::kNotStarted;
  std::string data;    // the message, when kOk
  std::string detail;  // kCrash: "was killed by signal ...", "exited with status
                       // N"; kNotStarted
};

// Runs `body` in a forked child prepared as above and returns what became of
// it. `body` runs only in the child and returns the message to send. Never
// throws.
ChildOutcome RunBoundedChild(const ChildBudget& budget, absl::FunctionRef<std::string()> body);

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_BOUNDED_CHILD_H_
