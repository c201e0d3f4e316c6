// The VM's entry points (vm.h), around the scheduler (scheduler.h) and the interpreter.
#include "vm/vm.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bytecode/lines.h"
#include "common/check.h"
#include "vm/errors.h"
#include "vm/scheduler.h"

namespace weft::vm {
namespace {

constexpr uint32_t kRootFiber = 1;

Fiber* WaitingFiber(ExecState& state, uint64_t wait_id) {
  for (auto& [id, f] : state.fibers) {
    if (f.wait_id == wait_id && f.wait != WaitKind::kNone && f.wait != WaitKind::kJoin) return &f;
  }
  return nullptr;
}

// The position of the instruction a blocked fiber waits in (its pc is just past it).
SourcePos WaitPosition(const bytecode::Program& program, const Fiber& f) {
  return PositionOf(program, f.pc == 0 ? 0 : f.pc - 1);
}

RunResult Ignored() {
  RunResult r;
  r.ignored = true;
  return r;
}

}  // namespace

ExecState NewExecState(const bytecode::Program& program, std::vector<Value> args, uint64_t seed) {
  WEFT_CHECK(args.size() == program.params.size());
  ExecState state;
  Fiber& root = state.fibers[kRootFiber];
  root.id = kRootFiber;
  root.locals = std::move(args);
  root.locals.resize(program.num_locals);
  state.rng_state = seed;
  return state;
}

RunResult Start(const bytecode::Program& program, ExecState& state, const RunContext& ctx) {
  WEFT_CHECK(!state.ended && state.fibers.size() == 1 && state.fibers.contains(kRootFiber));
  Scheduler scheduler(program, state, ctx);
  scheduler.MakeRunnable(kRootFiber);
  return scheduler.Drain();
}

RunResult Resume(const bytecode::Program& program, ExecState& state, uint64_t wait_id,
                 Outcome outcome, const RunContext& ctx) {
  if (state.ended || wait_id == 0) return Ignored();
  Scheduler scheduler(program, state, ctx);
  if (state.compensating) {
    if (wait_id != state.compensation_wait) return Ignored();
    scheduler.CompensationDone(std::move(outcome));
    return scheduler.Drain();
  }
  Fiber* f = WaitingFiber(state, wait_id);
  if (f == nullptr) return Ignored();
  if (!outcome.ok) {
    scheduler.RaiseIn(*f, WithPosition(std::move(outcome.value), WaitPosition(program, *f)));
    return scheduler.Drain();
  }
  const WaitKind kind = f->wait;
  f->wait = WaitKind::kNone;
  f->wait_id = 0;
  f->request = Value();
  if (kind != WaitKind::kTimer) f->stack.push_back(std::move(outcome.value));
  scheduler.MakeRunnable(f->id);
  return scheduler.Drain();
}

RunResult DeliverSignal(const bytecode::Program& program, ExecState& state, std::string name,
                        Value payload, const RunContext& ctx) {
  if (state.ended) return Ignored();
  for (auto& [id, f] : state.fibers) {
    if (f.wait != WaitKind::kSignal) continue;
    const Value* wanted = f.request.as_object().Find("name");
    if (wanted == nullptr || !wanted->is_string() || wanted->as_string() != name) continue;
    // The oldest waiter is the one with the smallest wait id, not the smallest fiber id.
    Fiber* oldest = &f;
    for (auto& [other_id, other] : state.fibers) {
      if (other.wait == WaitKind::kSignal && other.wait_id < oldest->wait_id &&
          *other.request.as_object().Find("name") == *wanted) {
        oldest = &other;
      }
    }
    const uint64_t woken = oldest->wait_id;
    RunResult r = Resume(program, state, woken, Outcome{true, std::move(payload)}, ctx);
    r.closed_wait = woken;
    return r;
  }
  std::vector<Object::Entry> entry;
  entry.emplace_back("name", Value::String(std::move(name)));
  entry.emplace_back("payload", std::move(payload));
  state.mailbox.push_back(Value::MakeObject(Object(std::move(entry))));
  return RunResult{};
}

RunResult Abort(const bytecode::Program& program, ExecState& state, Value error,
                const RunContext& ctx) {
  if (state.ended || state.compensating) return Ignored();
  Scheduler scheduler(program, state, ctx);
  scheduler.FailExecution(std::move(error));
  return scheduler.Drain();
}

std::vector<Request> CancelAll(ExecState& state) {
  std::vector<Request> cancels;
  for (const auto& [id, f] : state.fibers) {
    if (f.wait == WaitKind::kNone || f.wait == WaitKind::kJoin) continue;
    Request r;
    r.kind = Request::Kind::kCancel;
    r.wait_id = f.wait_id;
    cancels.push_back(std::move(r));
  }
  if (state.compensating && state.compensation_wait != 0) {
    Request r;
    r.kind = Request::Kind::kCancel;
    r.wait_id = state.compensation_wait;
    cancels.push_back(std::move(r));
  }
  state.fibers.clear();
  state.compensating = false;
  state.ended = true;
  return cancels;
}

std::vector<Request> OpenRequests(const ExecState& state) {
  std::vector<Request> out;
  auto field = [](const Value& v, const char* name) -> Value {
    const Value* f = v.as_object().Find(name);
    return f == nullptr ? Value() : *f;
  };
  for (const auto& [id, f] : state.fibers) {
    if (f.wait == WaitKind::kNone || f.wait == WaitKind::kJoin) continue;
    Request r;
    r.wait_id = f.wait_id;
    switch (f.wait) {
      case WaitKind::kTask:
        r.kind = Request::Kind::kTask;
        r.task_index = static_cast<uint32_t>(field(f.request, "task").as_int());
        r.input = field(f.request, "input");
        r.policy = field(f.request, "policy");
        break;
      case WaitKind::kTimer:
        r.kind = Request::Kind::kTimer;
        r.due_ms = field(f.request, "due_ms").as_int();
        break;
      case WaitKind::kSignal:
        r.kind = Request::Kind::kSignal;
        r.name = field(f.request, "name").as_string();
        r.due_ms = field(f.request, "due_ms").as_int();
        if (const Value t = field(f.request, "timeout_ms"); t.is_int()) r.timeout_ms = t.as_int();
        break;
      case WaitKind::kChild:
      case WaitKind::kStartChild:
        r.kind = f.wait == WaitKind::kChild ? Request::Kind::kChild : Request::Kind::kStartChild;
        r.name = field(f.request, "workflow").as_string();
        r.version = static_cast<uint32_t>(field(f.request, "version").as_int());
        r.input = field(f.request, "input");
        break;
      default:
        continue;
    }
    out.push_back(std::move(r));
  }
  if (state.compensating && !state.compensations.empty()) {
    const Object& undo = state.compensations.back().as_object();
    Request r;
    r.kind = Request::Kind::kTask;
    r.wait_id = state.compensation_wait;
    r.task_index = static_cast<uint32_t>(undo.Find("task")->as_int());
    r.input = *undo.Find("input");
    r.compensation = true;
    out.push_back(std::move(r));
  }
  return out;
}

SourcePos PositionOf(const bytecode::Program& program, uint32_t pc) {
  const bytecode::LineEntry* e = bytecode::FindLine(program, pc);
  if (e == nullptr) return {};
  return {e->line, e->column};
}

}  // namespace weft::vm
