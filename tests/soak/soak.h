// The kill soak's parts, shared by the `weft_soak` driver program (run by scripts/soak.sh) and
// by tests/soak/soak_test.cc: the mixed workload, a driver that runs it in one engine process
// with in-process workers appending every task side effect to a ledger file (fsynced), a
// progress probe that reads the store without a writer, and the checker that compares the
// final histories with the ledger and counts what was lost and what was applied twice.
#ifndef WEFT_TESTS_SOAK_SOAK_H_
#define WEFT_TESTS_SOAK_SOAK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "weft/engine.h"

namespace weft::soak {

// Top-level execution n runs `rich` when n is even (a parallel block with a child workflow, a
// timer, a signal, a parallel for) and `calc` when n is odd (straight-line tasks and a loop).
std::string_view Source();
std::string_view WorkflowFor(int64_t n);
int64_t ExpectedResult(int64_t n);
// The task completions each top-level workflow's own history holds.
size_t TasksPerExecution(int64_t n);

// One line of the ledger: the driver incarnation (`run`) whose worker performed the side
// effect of attempt `attempt` of task `task_id`.
struct LedgerEntry {
  int run = 0;
  std::string task_id;
  uint32_t attempt = 0;
};
// Reads a ledger file; a line that does not parse is counted in *malformed.
std::vector<LedgerEntry> ReadLedger(const std::string& path, size_t* malformed);

// Runs the workload in this process until no execution is RUNNING: opens `store` (waiting for
// a killed predecessor's lock), starts the executions of 0..executions-1 that are missing,
// re-sends the signal of every `rich` execution whose history has no SIGNAL_RECEIVED, and
// appends "run task_id attempt" to `ledger` (fsynced) each time a worker performs a task.
// Returns the process exit code (0 when all work is done).
int RunDriver(const std::string& store, const std::string& ledger, int executions, int run);

// Top-level executions started and completed, read without a writer ({0,0} if unreadable).
struct Progress {
  size_t started = 0;
  size_t completed = 0;
};
Progress ReadProgress(const std::string& store);

// Everything the checker reads of one execution.
struct ExecutionRecord {
  ExecutionInfo info;
  std::vector<HistoryEvent> history;
};

struct Report {
  size_t executions = 0;        // top-level executions found
  size_t completed = 0;         // ... of them COMPLETED with the right output
  size_t children = 0;          // child executions found
  size_t tasks_completed = 0;   // TASK_COMPLETED events in all histories
  size_t ledger_entries = 0;
  size_t redone_after_kill = 0; // ledger keys performed again by a later incarnation
  size_t lost = 0;
  size_t doubled = 0;
  std::vector<std::string> problems;  // the first few, for people
};

// Pure: checks `records` (every execution of the store) against `ledger` for a run of
// `executions` top-level executions.
Report Check(const std::vector<ExecutionRecord>& records, const std::vector<LedgerEntry>& ledger,
             int executions);
// Reads the store (without a writer) and the ledger file, then Check. An unreadable store is
// reported as everything lost.
Report CheckStore(const std::string& store, const std::string& ledger, int executions);

std::string Format(const Report& report);

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_SOAK_H_
