// See scheduler.h.
//
// Order: fibers run one at a time from a FIFO queue, each until it waits or ends. A fiber
// spawned by FORK runs after its parent blocks (in JOIN), in fork order; a fiber woken by an
// event runs in the entry point that delivered it. Nothing depends on threads or time, so the
// same events always give the same execution.
#include "vm/scheduler.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "vm/errors.h"
#include "vm/interpreter.h"

namespace weft::vm {
namespace {

constexpr uint32_t kRootFiber = 1;

Value Field(std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries;
  entries.reserve(fields.size());
  for (const auto& [k, v] : fields) entries.emplace_back(k, v);
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace

Scheduler::Scheduler(const bytecode::Program& program, ExecState& state, const RunContext& ctx)
    : program_(program), state_(state), ctx_(ctx), fuel_(ctx.max_steps) {}

void Scheduler::Block(Fiber& fiber, WaitKind kind, Request request, Value description) {
  fiber.wait = kind;
  fiber.request = std::move(description);
  if (kind == WaitKind::kJoin) {
    fiber.wait_id = 0;
    return;
  }
  fiber.wait_id = state_.next_wait_id++;
  request.wait_id = fiber.wait_id;
  emitted_[fiber.wait_id] = result_.requests.size();
  result_.requests.push_back(std::move(request));
}

void Scheduler::Spawn(Fiber& parent, uint32_t pc, uint32_t base, uint32_t result_index,
                      bool with_item, Value item) {
  WEFT_CHECK(base <= program_.num_locals);
  const uint32_t id = state_.next_fiber_id++;
  Fiber& child = state_.fibers[id];
  child.id = id;
  child.parent = parent.id;
  child.base = base;
  child.pc = pc;
  child.result_index = result_index;
  child.locals.resize(program_.num_locals - base);
  if (with_item) child.stack.push_back(std::move(item));
  ++parent.live_children;
  queue_.push_back(id);
}

void Scheduler::FeedItems(Fiber& parent) {
  if (parent.each_items.is_null()) return;
  const List& items = parent.each_items.as_list();
  while (parent.each_next < items.size() &&
         (parent.each_limit == 0 || parent.live_children < parent.each_limit)) {
    const uint64_t i = parent.each_next++;
    Spawn(parent, parent.each_pc, parent.each_base,
          parent.each_offset + static_cast<uint32_t>(i), /*with_item=*/true, items[i]);
  }
  if (parent.each_next >= items.size()) parent.each_items = Value();
}

Value& Scheduler::OuterSlot(const Fiber& fiber, uint32_t slot) {
  const Fiber* f = &fiber;
  while (slot < f->base) {
    auto it = state_.fibers.find(f->parent);
    WEFT_CHECK_MSG(it != state_.fibers.end(), "a branch outlived its parent");
    f = &it->second;
  }
  return const_cast<Fiber*>(f)->locals[slot - f->base];
}

bool Scheduler::Catch(Fiber& fiber, Value& error) {
  if (fiber.handlers.empty()) return false;
  const Handler h = fiber.handlers.back();
  fiber.handlers.pop_back();
  WEFT_CHECK(h.stack_depth <= fiber.stack.size());
  fiber.stack.resize(h.stack_depth);
  fiber.stack.push_back(std::move(error));
  fiber.pc = h.catch_pc;
  return true;
}

void Scheduler::RaiseIn(Fiber& fiber, Value error) {
  fiber.wait = WaitKind::kNone;
  fiber.wait_id = 0;
  fiber.request = Value();
  if (Catch(fiber, error)) {
    queue_.push_back(fiber.id);
    return;
  }
  OnFailed(fiber, std::move(error));
}

void Scheduler::CancelWait(const Fiber& fiber) {
  switch (fiber.wait) {
    case WaitKind::kNone:
    case WaitKind::kJoin:
      return;
    default:
      break;
  }
  if (auto it = emitted_.find(fiber.wait_id); it != emitted_.end()) {
    // Asked for and abandoned within this run: the engine never needs to hear of it.
    result_.requests[it->second].kind = Request::Kind::kCancel;
    result_.requests[it->second].wait_id = 0;
    emitted_.erase(it);
    return;
  }
  Request cancel;
  cancel.kind = Request::Kind::kCancel;
  cancel.wait_id = fiber.wait_id;
  result_.requests.push_back(std::move(cancel));
}

void Scheduler::CancelDescendants(uint32_t fiber_id) {
  // One pass builds the tree below fiber_id (children always have larger ids than their
  // parent, so ascending order sees a parent before its children).
  std::vector<uint32_t> doomed;
  absl::flat_hash_map<uint32_t, bool> in_subtree;
  in_subtree[fiber_id] = true;
  for (auto& [id, f] : state_.fibers) {
    if (id != fiber_id && in_subtree.contains(f.parent)) {
      in_subtree[id] = true;
      doomed.push_back(id);
    }
  }
  for (uint32_t id : doomed) {
    CancelWait(state_.fibers.at(id));
    state_.fibers.erase(id);
  }
  Fiber& f = state_.fibers.at(fiber_id);
  f.live_children = 0;
  f.each_items = Value();
}

void Scheduler::ChildDone(Fiber& parent) {
  WEFT_CHECK(parent.live_children > 0);
  --parent.live_children;
  if (parent.branch_error.is_null()) FeedItems(parent);
  if (parent.live_children > 0 || parent.wait != WaitKind::kJoin) return;
  parent.wait = WaitKind::kNone;
  if (!parent.branch_error.is_null()) {
    Value error = std::move(parent.branch_error);
    parent.branch_error = Value();
    parent.results.clear();
    RaiseIn(parent, std::move(error));
    return;
  }
  parent.stack.push_back(Value::MakeList(std::move(parent.results)));
  parent.results.clear();
  queue_.push_back(parent.id);
}

void Scheduler::OnEnded(Fiber& fiber, Value value, bool is_return) {
  if (fiber.id == kRootFiber || is_return) {
    Complete(std::move(value));
    return;
  }
  const uint32_t parent_id = fiber.parent;
  const uint32_t index = fiber.result_index;
  state_.fibers.erase(fiber.id);
  Fiber& parent = state_.fibers.at(parent_id);
  WEFT_CHECK(index < parent.results.size());
  parent.results[index] = std::move(value);
  ChildDone(parent);
}

void Scheduler::OnFailed(Fiber& fiber, Value error) {
  if (fiber.id == kRootFiber) {
    FailExecution(std::move(error));
    return;
  }
  // Fail fast: the first failing branch cancels its siblings; JOIN raises its error.
  const uint32_t parent_id = fiber.parent;
  CancelDescendants(fiber.id);
  state_.fibers.erase(fiber.id);
  Fiber& parent = state_.fibers.at(parent_id);
  if (parent.branch_error.is_null()) parent.branch_error = std::move(error);
  CancelDescendants(parent_id);
  parent.live_children = 1;  // the failed branch itself, accounted for by ChildDone
  ChildDone(parent);
}

void Scheduler::Complete(Value output) {
  CancelDescendants(kRootFiber);
  if (auto it = state_.fibers.find(kRootFiber); it != state_.fibers.end()) {
    CancelWait(it->second);
  }
  state_.fibers.clear();
  state_.compensations.clear();  // nothing failed: the undos are no longer needed
  state_.ended = true;
  queue_.clear();
  queue_head_ = 0;
  result_.status = RunStatus::kCompleted;
  result_.output = std::move(output);
}

void Scheduler::FailExecution(Value error) {
  if (state_.fibers.contains(kRootFiber)) {
    CancelDescendants(kRootFiber);
    CancelWait(state_.fibers.at(kRootFiber));
  }
  state_.fibers.clear();
  queue_.clear();
  queue_head_ = 0;
  if (state_.compensations.empty()) {
    state_.ended = true;
    result_.status = RunStatus::kFailed;
    result_.error = std::move(error);
    return;
  }
  state_.compensating = true;
  state_.failure = std::move(error);
  NextCompensation();
}

void Scheduler::NextCompensation() {
  if (state_.compensations.empty()) {
    state_.compensating = false;
    state_.ended = true;
    result_.status = RunStatus::kFailed;
    std::vector<Object::Entry> entries = state_.failure.is_object()
                                             ? state_.failure.as_object().entries()
                                             : std::vector<Object::Entry>{};
    entries.emplace_back("compensations", Value::MakeList(std::move(state_.compensation_log)));
    result_.error = Value::MakeObject(Object(std::move(entries)));
    state_.compensation_log.clear();
    state_.failure = Value();
    state_.compensation_wait = 0;
    return;
  }
  // The undo stays registered until it is done, so that OpenRequests can re-issue it.
  const Value undo = state_.compensations.back();
  Request r;
  r.kind = Request::Kind::kTask;
  r.wait_id = state_.compensation_wait = state_.next_wait_id++;
  r.task_index = static_cast<uint32_t>(undo.as_object().Find("task")->as_int());
  r.input = *undo.as_object().Find("input");
  r.compensation = true;
  emitted_[r.wait_id] = result_.requests.size();
  result_.requests.push_back(std::move(r));
  result_.status = RunStatus::kWaiting;
}

void Scheduler::CompensationDone(Outcome outcome) {
  WEFT_CHECK(state_.compensating && !state_.compensations.empty());
  const Value undo = std::move(state_.compensations.back());
  state_.compensations.pop_back();
  const uint32_t task = static_cast<uint32_t>(undo.as_object().Find("task")->as_int());
  state_.compensation_log.push_back(
      Field({{"task", Value::String(program_.tasks.at(task).name)},
             {"ok", Value::Bool(outcome.ok)},
             {outcome.ok ? "output" : "error", std::move(outcome.value)}}));
  NextCompensation();
}

RunResult Scheduler::Drain() {
  while (queue_head_ < queue_.size()) {
    const uint32_t id = queue_[queue_head_++];
    if (queue_head_ == queue_.size()) {  // taken the last: start over at the front
      queue_.clear();
      queue_head_ = 0;
    }
    auto it = state_.fibers.find(id);
    if (it == state_.fibers.end()) continue;  // cancelled while queued
    Fiber& fiber = it->second;
    FiberStop stop = Interpret(program_, state_, fiber, *this);
    switch (stop.exit) {
      case FiberExit::kBlocked:
        break;
      case FiberExit::kEnded:
        OnEnded(fiber, std::move(stop.value), /*is_return=*/false);
        break;
      case FiberExit::kReturned:
        OnEnded(fiber, std::move(stop.value), /*is_return=*/true);
        break;
      case FiberExit::kFailed:
        OnFailed(fiber, std::move(stop.value));
        break;
      case FiberExit::kOutOfFuel:
        FailExecution(std::move(stop.value));
        break;
    }
  }
  if (result_.status == RunStatus::kWaiting && state_.fibers.empty() && !state_.compensating &&
      !state_.ended) {
    // Only reachable through bytecode that ends its root fiber with BRANCH_END.
    Complete(Value());
  }
  // Drop the requests that were opened and cancelled within this run.
  std::erase_if(result_.requests, [](const Request& r) {
    return r.kind == Request::Kind::kCancel && r.wait_id == 0;
  });
  return std::move(result_);
}

}  // namespace weft::vm
