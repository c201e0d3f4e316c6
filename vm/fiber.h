// Fibers: the threads of one execution. `parallel` branches and `parallel for` items each run
// in a fiber of their own, inside the one execution and its one checkpoint. Fibers are plain
// data like the rest of ExecState: a pc, an operand stack, try handlers, private locals and
// what the fiber waits on, so a checkpoint holds every branch exactly where it stopped.
//
// Locals are shared down the tree: a branch's locals below its `base` are its parent's slots,
// read and written in place (the parent is blocked in JOIN meanwhile, and the compiler proves
// sibling branches never touch a slot another one writes). Slots from `base` up are private,
// so a thousand iterations of one `parallel for` body each get their own variables while the
// list they iterate over is stored once, in the parent.
#ifndef WEFT_VM_FIBER_H_
#define WEFT_VM_FIBER_H_

#include <cstdint>
#include <vector>

#include "weft/value.h"

namespace weft::vm {

// What a blocked fiber waits for. Stored in checkpoints: append only.
enum class WaitKind : uint8_t {
  kNone = 0,        // runnable (only during a run) or ended
  kTask = 1,        // a task's final outcome (after the engine's retries)
  kTimer = 2,       // `sleep`
  kSignal = 3,      // `await signal(...)`
  kChild = 4,       // a child workflow's outcome
  kStartChild = 5,  // the id of a detached child the engine starts
  kJoin = 6,        // every branch this fiber forked
};

// A `try` block the fiber is inside: where to go and how deep the stack was.
struct Handler {
  uint32_t catch_pc = 0;
  uint32_t stack_depth = 0;
};

struct Fiber {
  uint32_t id = 0;
  uint32_t parent = 0;        // 0 for the root fiber (ids start at 1)
  uint32_t base = 0;          // first private local slot
  uint32_t pc = 0;            // next instruction (after the waiting one while blocked)
  uint32_t result_index = 0;  // this branch's place in the parent's results
  std::vector<Value> locals;  // private slots [base, num_locals)
  std::vector<Value> stack;   // the live operand stack
  std::vector<Handler> handlers;

  WaitKind wait = WaitKind::kNone;
  uint64_t wait_id = 0;       // names the wait to the engine; unique per execution
  Value request;              // what was asked, to re-issue it (retry) and to inspect it

  // Branches: results by fork order, how many still run, and for FORK_EACH the items not yet
  // started (`limit` bounds how many run at once; 0 means no bound).
  std::vector<Value> results;
  uint32_t live_children = 0;
  Value each_items;           // the list being fanned out, or null
  uint64_t each_next = 0;     // next item to start
  uint64_t each_limit = 0;
  uint32_t each_pc = 0;
  uint32_t each_base = 0;
  uint32_t each_offset = 0;   // results index of item 0
  Value branch_error;         // the first branch failure, raised at JOIN; null when none
};

}  // namespace weft::vm

#endif  // WEFT_VM_FIBER_H_
