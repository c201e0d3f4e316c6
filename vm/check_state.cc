// CheckStateFits (vm.h): a state decoded from a stored checkpoint is untrusted, so before the
// VM runs it, every fiber is checked against the program the same way the verifier checks the
// code: only states the interpreter could itself have produced get through.
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "bytecode/verifier.h"
#include "common/check.h"
#include "vm/vm.h"

namespace weft::vm {
namespace {

using bytecode::Op;

absl::Status Mismatch(std::string message) {
  return absl::FailedPreconditionError(
      absl::StrCat("checkpoint does not fit its program: ", message));
}

// True when the instruction just before `pc` is `op` and is reachable.
bool Follows(const bytecode::Program& program, const std::vector<int32_t>& depths, uint32_t pc,
             Op op) {
  const uint32_t size = static_cast<uint32_t>(bytecode::InstructionSize(op));
  return pc >= size && depths[pc - size] >= 0 && program.code[pc - size] == static_cast<uint8_t>(op);
}

bool HasField(const Value& v, const char* name, Value::Kind kind) {
  if (!v.is_object()) return false;
  const Value* f = v.as_object().Find(name);
  return f != nullptr && f->kind() == kind;
}

// The waiting instruction before pc, whether resuming pushes a value, and the request shape.
absl::Status CheckWait(const bytecode::Program& program, const std::vector<int32_t>& depths,
                       const Fiber& f, bool* pushes) {
  *pushes = true;
  const uint32_t pc = f.pc;
  switch (f.wait) {
    case WaitKind::kTask: {
      if (!Follows(program, depths, pc, Op::CALL_TASK) &&
          !Follows(program, depths, pc, Op::CALL_TASK_WITH)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " waits on a task at pc ", pc,
                                     ", which does not follow a task call"));
      }
      if (!HasField(f.request, "task", Value::Kind::kInt) ||
          f.request.as_object().Find("task")->as_int() < 0 ||
          f.request.as_object().Find("task")->as_int() >= static_cast<int64_t>(program.tasks.size()) ||
          !HasField(f.request, "input", Value::Kind::kObject)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " has a malformed task request"));
      }
      return absl::OkStatus();
    }
    case WaitKind::kTimer:
      *pushes = false;
      if (!Follows(program, depths, pc, Op::SLEEP) && !Follows(program, depths, pc, Op::SLEEP_UNTIL)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " sleeps at pc ", pc, ", not after a sleep"));
      }
      if (!HasField(f.request, "due_ms", Value::Kind::kInt)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " has a malformed timer"));
      }
      return absl::OkStatus();
    case WaitKind::kSignal:
      if (!Follows(program, depths, pc, Op::AWAIT_SIGNAL)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " awaits a signal at pc ", pc,
                                     ", not after AWAIT_SIGNAL"));
      }
      if (!HasField(f.request, "name", Value::Kind::kString) ||
          !HasField(f.request, "due_ms", Value::Kind::kInt)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " has a malformed signal wait"));
      }
      return absl::OkStatus();
    case WaitKind::kChild:
    case WaitKind::kStartChild: {
      const Op op = f.wait == WaitKind::kChild ? Op::CALL_WORKFLOW : Op::START_WORKFLOW;
      if (!Follows(program, depths, pc, op)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " waits on a child at pc ", pc,
                                     ", not after a workflow call"));
      }
      if (!HasField(f.request, "workflow", Value::Kind::kString) ||
          !HasField(f.request, "version", Value::Kind::kInt) ||
          !HasField(f.request, "input", Value::Kind::kObject)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " has a malformed child request"));
      }
      return absl::OkStatus();
    }
    case WaitKind::kJoin:
      if (!Follows(program, depths, pc, Op::JOIN)) {
        return Mismatch(absl::StrCat("fiber ", f.id, " joins at pc ", pc, ", not after JOIN"));
      }
      return absl::OkStatus();
    case WaitKind::kNone:
      break;
  }
  return Mismatch(absl::StrCat("fiber ", f.id, " is not waiting on anything"));
}

absl::Status CheckFiber(const bytecode::Program& program, const std::vector<int32_t>& depths,
                        const ExecState& state, const Fiber& f) {
  if (f.id == 1) {
    if (f.parent != 0 || f.base != 0) return Mismatch("the root fiber has a parent");
  } else {
    auto parent = state.fibers.find(f.parent);
    if (f.parent == 0 || f.parent >= f.id || parent == state.fibers.end()) {
      return Mismatch(absl::StrCat("fiber ", f.id, " has no parent"));
    }
    if (f.result_index >= parent->second.results.size()) {
      return Mismatch(absl::StrCat("fiber ", f.id, "'s result index is out of range"));
    }
  }
  if (f.base > program.num_locals || f.locals.size() != program.num_locals - f.base) {
    return Mismatch(absl::StrCat("fiber ", f.id, " holds ", f.locals.size(),
                                 " locals where its base needs ", program.num_locals - f.base));
  }
  if (f.pc >= program.code.size() || depths[f.pc] < 0) {
    return Mismatch(absl::StrCat("pc ", f.pc, " of fiber ", f.id, " is not a reachable instruction"));
  }
  bool pushes = true;
  if (absl::Status s = CheckWait(program, depths, f, &pushes); !s.ok()) return s;
  const int64_t expected = depths[f.pc] - (pushes ? 1 : 0);
  if (static_cast<int64_t>(f.stack.size()) != expected) {
    return Mismatch(absl::StrCat("fiber ", f.id, " holds ", f.stack.size(),
                                 " stack values where pc ", f.pc, " needs ", expected));
  }
  for (const Handler& h : f.handlers) {
    if (h.catch_pc >= program.code.size() || depths[h.catch_pc] < 0 ||
        depths[h.catch_pc] != static_cast<int64_t>(h.stack_depth) + 1 ||
        h.stack_depth > f.stack.size()) {
      return Mismatch(absl::StrCat("fiber ", f.id, " has a handler that is not a catch target"));
    }
  }
  if (!f.each_items.is_null()) {
    if (!f.each_items.is_list() || f.each_next > f.each_items.as_list().size() ||
        uint64_t{f.each_offset} + f.each_items.as_list().size() > f.results.size() ||
        f.each_pc >= program.code.size() || depths[f.each_pc] != 1 ||
        f.each_base > program.num_locals) {
      return Mismatch(absl::StrCat("fiber ", f.id, " has a malformed `parallel for`"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckStateFits(const bytecode::Program& program, const ExecState& state) {
  std::vector<int32_t> depths;
  if (absl::Status s = bytecode::VerifyProgram(program, &depths); !s.ok()) return s;
  return CheckStateFits(program, depths, state);
}

absl::Status CheckStateFits(const bytecode::Program& program, const std::vector<int32_t>& depths,
                            const ExecState& state) {
  WEFT_CHECK(depths.size() == program.code.size());
  // An ended state is checked too: its compensations and mailbox are read (OpenRequests,
  // inspection) like any other state's.
  if (state.ended) {
    if (!state.fibers.empty() || state.compensating) {
      return Mismatch("an ended execution still has fibers or runs compensations");
    }
  } else if (state.compensating) {
    if (!state.fibers.empty() || state.compensations.empty() || state.compensation_wait == 0) {
      return Mismatch("a compensating execution is malformed");
    }
  } else if (!state.fibers.contains(1)) {
    return Mismatch("the root fiber is missing");
  }
  for (const Value& undo : state.compensations) {
    if (!HasField(undo, "task", Value::Kind::kInt) || !HasField(undo, "input", Value::Kind::kObject) ||
        undo.as_object().Find("task")->as_int() < 0 ||
        undo.as_object().Find("task")->as_int() >= static_cast<int64_t>(program.tasks.size())) {
      return Mismatch("a registered compensation is malformed");
    }
  }
  for (const Value& signal : state.mailbox) {
    if (!HasField(signal, "name", Value::Kind::kString) || signal.as_object().Find("payload") == nullptr) {
      return Mismatch("a buffered signal is malformed");
    }
  }
  absl::flat_hash_map<uint32_t, uint32_t> children;
  for (const auto& [id, f] : state.fibers) {
    if (id != f.id || id >= state.next_fiber_id) return Mismatch("fiber ids are inconsistent");
    if (f.wait_id >= state.next_wait_id) return Mismatch("a wait id is from the future");
    if (absl::Status s = CheckFiber(program, depths, state, f); !s.ok()) return s;
    if (f.parent != 0) ++children[f.parent];
  }
  for (const auto& [id, f] : state.fibers) {
    auto it = children.find(id);
    if (f.live_children != (it == children.end() ? 0 : it->second)) {
      return Mismatch(absl::StrCat("fiber ", id, " counts ", f.live_children, " branches"));
    }
  }
  return absl::OkStatus();
}

}  // namespace weft::vm
