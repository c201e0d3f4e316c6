// The scheduler behind every VM entry point (vm.h): runs the runnable fibers of one
// execution, in a deterministic order, until each of them waits or the execution ends, and
// collects the Requests they make. It owns the lifecycle of fibers: spawning branches,
// handing results to the JOIN, failing fast (cancelling the siblings of a failed branch),
// catching errors in `try` handlers, and after an uncaught failure running the registered
// compensations. Internal to vm/.
#ifndef WEFT_VM_SCHEDULER_H_
#define WEFT_VM_SCHEDULER_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "bytecode/program.h"
#include "vm/fiber.h"
#include "vm/vm.h"

namespace weft::vm {

class Scheduler {
 public:
  Scheduler(const bytecode::Program& program, ExecState& state, const RunContext& ctx);

  // --- Used by the interpreter while a fiber runs.
  // Blocks `fiber` on a new wait and emits the request for it (kJoin emits nothing).
  void Block(Fiber& fiber, WaitKind kind, Request request, Value description);
  // Starts a branch of `parent` at `pc` with private locals from `base`; `item` is pushed
  // on its stack unless null-and-not-`with_item`.
  void Spawn(Fiber& parent, uint32_t pc, uint32_t base, uint32_t result_index, bool with_item,
             Value item);
  // Starts as many FORK_EACH items of `parent` as its limit allows.
  void FeedItems(Fiber& parent);
  // The parent's slot a branch refers to: REQUIRES slot < fiber.base.
  Value& OuterSlot(const Fiber& fiber, uint32_t slot);
  const RunContext& ctx() const { return ctx_; }
  uint64_t& fuel() { return fuel_; }

  // --- Used by the entry points.
  void MakeRunnable(uint32_t fiber_id) { queue_.push_back(fiber_id); }
  // Raises `error` in a blocked fiber (its wait ended badly): caught by its innermost handler,
  // or failing the fiber.
  void RaiseIn(Fiber& fiber, Value error);
  // Fails the whole execution (uncaught root error, deadline): cancels every fiber, then runs
  // the compensations, if any.
  void FailExecution(Value error);
  // A compensation's wait ended: logs it and starts the next one, or ends the execution.
  void CompensationDone(Outcome outcome);
  // Runs every runnable fiber until none is left; returns what happened.
  RunResult Drain();

 private:
  // What happened to a fiber that stopped running.
  void OnEnded(Fiber& fiber, Value value, bool is_return);
  void OnFailed(Fiber& fiber, Value error);
  // Removes every descendant of `fiber_id` (not the fiber itself), cancelling their waits.
  void CancelDescendants(uint32_t fiber_id);
  void CancelWait(const Fiber& fiber);
  void ChildDone(Fiber& parent);
  void Complete(Value output);
  void NextCompensation();
  bool Catch(Fiber& fiber, Value& error);

  const bytecode::Program& program_;
  ExecState& state_;
  const RunContext& ctx_;
  uint64_t fuel_;
  // The runnable fibers, first in first out: [queue_head_, end). Inline for the usual few, so
  // a run (one per transition) allocates nothing for it, as a std::deque would.
  absl::InlinedVector<uint32_t, 8> queue_;
  size_t queue_head_ = 0;
  RunResult result_;
  // Requests emitted in this run by wait id, so that a wait opened and cancelled within one
  // run costs the engine nothing.
  absl::flat_hash_map<uint64_t, size_t> emitted_;
};

}  // namespace weft::vm

#endif  // WEFT_VM_SCHEDULER_H_
