// Running a jq program (libjq 1.6) on a value, in two ways:
//
//   RunJqInProcess  libjq in the calling thread. Fast (a cached compiled program runs in
//                   microseconds) but unbounded: libjq cannot be interrupted, a program that
//                   never ends never returns, and one that allocates without end aborts the
//                   process. Only the bounded runner's child calls it.
//   RunJq           the same program in a forked child process with a time budget (wall
//                   clock; the child is killed when it passes) and a memory budget (RLIMIT_AS
//                   raised by the budget above what the child inherited). Whatever the program
//                   does, the caller gets a result or a JqFailure, within about the time budget,
//                   and the calling process is untouched.
//
// The engine runs jq() as the system task `jq` on its worker pool (engine/system_tasks.cc),
// through RunJq, so that no jq program ever runs on the writer thread; docs/reliability.md
// ("Work bounds") gives the design and its reasons. Results and messages are those of the old
// in-VM builtin, documented in docs/stdlib.md ("jq(query, value)").
//
// Thread-safe: each thread keeps its own cache of compiled programs (a jq_state is not
// thread-safe), which forked children inherit.
#ifndef WEFT_STDLIB_JQ_H_
#define WEFT_STDLIB_JQ_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "weft/value.h"

namespace weft::stdlib {

// The budgets of one jq() call. EngineOptions::jq_time_budget / jq_memory_budget_bytes set
// them for an engine.
inline constexpr absl::Duration kDefaultJqTimeBudget = absl::Seconds(1);
inline constexpr size_t kDefaultJqMemoryBudgetBytes = size_t{256} << 20;  // 256 MiB

struct JqBudget {
  absl::Duration time = kDefaultJqTimeBudget;     // wall clock, from fork to the last byte
  size_t memory_bytes = kDefaultJqMemoryBudgetBytes;  // address space beyond the inherited
};

// Why a jq() call failed: the closed set of `details.error` values of a JQ_FAILED error.
#define WEFT_JQ_FAILURES(X)                                                              \
  X(kUsage, "usage")        /* the query is not a non-empty string */                    \
  X(kCompile, "compile")    /* the program does not compile */                           \
  X(kRuntime, "runtime")    /* error(), halt_error, too many outputs, too deep a result */ \
  X(kTime, "time")          /* the time budget passed; the child was killed */           \
  X(kMemory, "memory")      /* the memory budget was exhausted */                        \
  X(kCrash, "crash")        /* the child died otherwise (a libjq assertion, a signal) */  \
  X(kLimit, "limit")        /* the input or a result is past a value limit (depth, size) */
enum class JqFailure {
#define WEFT_JQ_ENUM(name, text) name,
  WEFT_JQ_FAILURES(WEFT_JQ_ENUM)
#undef WEFT_JQ_ENUM
};
std::string_view JqFailureName(JqFailure failure);

struct JqResult {
  bool ok = false;
  Value value;           // ok: one output as is, several as a list, none as null
  JqFailure failure{};   // !ok
  std::string message;   // !ok: "jq() error: ...", "jq() ran past its time budget of 1s", ...
};

JqResult RunJqInProcess(const Value& query, const Value& input);

// The calling thread's cache of compiled programs, which RunJq's children inherit: whether it
// holds `query`, and compiling it into the cache (a program that does not compile is not kept).
bool JqProgramCached(const std::string& query);
void CacheJqProgram(const std::string& query);
JqResult RunJq(const Value& query, const Value& input, const JqBudget& budget);

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_JQ_H_
