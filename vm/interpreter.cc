// The interpreter: one dispatch function over verified bytecode, clox style. Dispatch is a
// computed goto under GCC/Clang (one indirect jump per instruction, a table expanded from
// opcodes.def) and a switch elsewhere or with -DWEFT_VM_NO_COMPUTED_GOTO; the same CASE bodies
// serve both.
//
// Trust: the verifier guaranteed well-formed instructions, operands in range and stack depths,
// so no CASE checks those. What every CASE does check is the dynamic type of the values, since
// the language is dynamically typed.
//
// The stack: for the duration of a run the fiber's stack vector is sized max_stack, `sp`
// points one past the top, and on exit the vector is cut back to the live depth, so a
// checkpoint only ever holds live values. Popped values are moved out or reset so they do not
// pin memory. Locals from the fiber's base up are its own; lower ones are its parent's
// (fiber.h), reached through the scheduler.
//
// Errors: a runtime error, a `fail` or a failed wait becomes an error object that the fiber's
// innermost `try` handler catches (the stack is cut back to the TRY's depth, the error pushed
// and the catch block runs); with no handler the fiber fails and the scheduler decides what
// that means (fail fast for a branch, failure or compensation for the root).
//
// Waits (tasks, timers, signals, children): their operand checks and the requests they hand
// the scheduler are in wait_requests.cc, out of the dispatch loop's hot path.
#include "vm/interpreter.h"

#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <utility>

#include "common/strings.h"
#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "stdlib/builtins.h"
#include "vm/errors.h"
#include "vm/operators.h"
#include "vm/scheduler.h"
#include "vm/wait_requests.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(WEFT_VM_NO_COMPUTED_GOTO)
#define WEFT_VM_COMPUTED_GOTO 1
#else
#define WEFT_VM_COMPUTED_GOTO 0
#endif

namespace weft::vm {
namespace {

using bytecode::InstructionSize;
using bytecode::Op;
using bytecode::ReadU32;

// The length of the collection an ITER_* slot pair walks, or -1 when the slots do not hold an
// iteration (only possible with bytecode that runs ITER_HAS/ITER_NEXT before ITER_INIT).
int64_t IterationLength(const Value& collection, const Value& index) {
  if (!index.is_int() || index.as_int() < 0) return -1;
  if (collection.is_list()) return static_cast<int64_t>(collection.as_list().size());
  if (collection.is_object()) return static_cast<int64_t>(collection.as_object().size());
  return -1;
}

Value IterationItem(const Value& collection, int64_t i) {
  if (collection.is_list()) return collection.as_list()[i];
  return Value::String(collection.as_object().entries()[i].first);
}

// `fail e` with an error a catch block received re-throws it as it was.
bool IsErrorObject(const Value& v) {
  if (!v.is_object()) return false;
  const Value* code = v.as_object().Find("code");
  const Value* message = v.as_object().Find("message");
  return code != nullptr && code->is_string() && message != nullptr && message->is_string();
}

// Runs a builtin: its result, checked against the value limits, or the error to raise
// (LIMIT_EXCEEDED for a limit the builtin reported as ResourceExhausted, for a result past the
// limits and for running out of memory; RUNTIME_ERROR otherwise). `error` is set on failure.
absl::StatusOr<Value> CallBuiltin(const stdlib::BuiltinInfo& builtin, stdlib::BuiltinContext& ctx,
                                  std::span<const Value> args, OpError& error) {
  absl::StatusOr<Value> out = absl::UnknownError("");
  try {
    out = builtin.fn(ctx, args);
  } catch (const std::bad_alloc&) {
    error = OutOfMemory(absl::StrCat(ToAbsl(builtin.name), "()"));
    return absl::ResourceExhaustedError(error.message);
  }
  if (!out.ok()) {
    error.code = absl::IsResourceExhausted(out.status()) ? kLimitExceeded : kRuntimeError;
    error.message = std::string(out.status().message());
    return out.status();
  }
  if (!WithinLimits(*out, absl::StrCat("the result of ", ToAbsl(builtin.name), "()"), error)) {
    return absl::ResourceExhaustedError(error.message);
  }
  return out;
}

}  // namespace

FiberStop Interpret(const bytecode::Program& program, ExecState& state, Fiber& fiber,
                    Scheduler& scheduler) {
  const uint8_t* const code = program.code.data();
  const Value* const constants = program.constants.data();
  const stdlib::BuiltinInfo* const builtins = stdlib::AllBuiltins().data();
  const int64_t now_ms = scheduler.ctx().now_ms;
  const uint32_t base = fiber.base;
  const size_t depth = fiber.stack.size();
  fiber.stack.resize(std::max<size_t>(program.max_stack, depth));
  Value* const stack_base = fiber.stack.data();
  Value* const own = fiber.locals.data();
  Value* sp = stack_base + depth;
  const uint8_t* ip = code + fiber.pc;
  const uint64_t fuel_at_start = scheduler.fuel();
  uint64_t fuel = fuel_at_start;
  stdlib::BuiltinContext builtin_ctx{now_ms, &state.rng_state, 0};
  OpError error;      // the code and message of a runtime error
  Value raised;       // the error object being raised
  FiberStop stop;

#define OPERAND_A() ReadU32(ip + 1)
#define SLOT(a) ((a) >= base ? own[(a) - base] : scheduler.OuterSlot(fiber, (a)))
#define BLOCK(name, kind, request, description)                                   \
  do {                                                                            \
    ip += InstructionSize(Op::name);                                              \
    fiber.pc = static_cast<uint32_t>(ip - code);                                  \
    scheduler.Block(fiber, (kind), (request), (description));                     \
    goto blocked;                                                                 \
  } while (0)
#define OPERAND_B() ReadU32(ip + 5)
#define PUSH(value) (*sp++ = (value))
#define DROP() (*--sp = Value())
#define RAISE(message)                           \
  do {                                           \
    error = OpError{kRuntimeError, (message)};   \
    goto runtime_error;                          \
  } while (0)
  // Work beyond an instruction's fixed cost (operators.h, kUnitsPerFuel).
#define CHARGE(units)                                      \
  do {                                                     \
    const uint64_t cost = (units) / kUnitsPerFuel;         \
    if (cost > fuel) {                                     \
      fuel = 0;                                            \
      goto out_of_fuel;                                    \
    }                                                      \
    fuel -= cost;                                          \
  } while (0)
#define NEXT(name)                          \
  do {                                      \
    ip += InstructionSize(Op::name);        \
    DISPATCH();                             \
  } while (0)
#define JUMP_TO(target)    \
  do {                     \
    ip = code + (target);  \
    DISPATCH();            \
  } while (0)

#if WEFT_VM_COMPUTED_GOTO
  static const void* const kLabels[] = {
#define OP(name, a, b, pops, pushes, flags, doc) &&op_##name,
#include "bytecode/opcodes.def"
#undef OP
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == bytecode::kOpCount);
#define DISPATCH()                      \
  do {                                  \
    if (fuel == 0) goto out_of_fuel;    \
    --fuel;                             \
    goto* kLabels[*ip];                 \
  } while (0)
#define CASE(name) op_##name:
dispatch:
  DISPATCH();
#else
#define DISPATCH() goto dispatch
#define CASE(name) case Op::name:
dispatch:
  if (fuel == 0) goto out_of_fuel;
  --fuel;
  switch (static_cast<Op>(*ip)) {
#endif

  // Binary arithmetic: the int fast path inline, everything else in operators.cc.
#define ARITHMETIC(name, int_op)                                                      \
  CASE(name) {                                                                        \
    Value& x = sp[-2];                                                                \
    const Value& y = sp[-1];                                                          \
    int64_t r;                                                                        \
    if (x.is_int() && y.is_int() && !int_op(x.as_int(), y.as_int(), &r)) {            \
      x = Value::Int(r);                                                              \
    } else if (!Arithmetic(Op::name, x, y, x, error)) {                               \
      goto runtime_error;                                                             \
    } else {                                                                          \
      CHARGE(ShallowSize(x)); /* a joined string or list */                           \
    }                                                                                 \
    DROP();                                                                           \
    NEXT(name);                                                                       \
  }
#define COMPARISON(name, cmp)                                                         \
  CASE(name) {                                                                        \
    Value& x = sp[-2];                                                                \
    const Value& y = sp[-1];                                                          \
    if (x.is_int() && y.is_int()) {                                                   \
      x = Value::Bool(x.as_int() cmp y.as_int());                                     \
    } else if (!Compare(Op::name, x, y, x, error)) {                                  \
      goto runtime_error;                                                             \
    }                                                                                 \
    DROP();                                                                           \
    NEXT(name);                                                                       \
  }
#define CONDITIONAL_JUMP(name, jump_when)                                             \
  CASE(name) {                                                                        \
    const Value& c = sp[-1];                                                          \
    if (!c.is_bool()) RAISE(absl::StrCat("condition must be a bool, got ", KindOf(c))); \
    const bool taken = c.as_bool() == (jump_when);                                    \
    --sp; /* a bool holds no memory: no reset needed */                               \
    if (taken) JUMP_TO(OPERAND_A());                                                  \
    NEXT(name);                                                                       \
  }

  CASE(NOP) { NEXT(NOP); }
  CASE(CONST) {
    PUSH(constants[OPERAND_A()]);
    NEXT(CONST);
  }
  CASE(PUSH_NULL) {
    PUSH(Value());
    NEXT(PUSH_NULL);
  }
  CASE(PUSH_TRUE) {
    PUSH(Value::Bool(true));
    NEXT(PUSH_TRUE);
  }
  CASE(PUSH_FALSE) {
    PUSH(Value::Bool(false));
    NEXT(PUSH_FALSE);
  }
  CASE(POP) {
    DROP();
    NEXT(POP);
  }
  CASE(DUP) {
    *sp = sp[-1];
    ++sp;
    NEXT(DUP);
  }
  CASE(LOAD_LOCAL) {
    PUSH(SLOT(OPERAND_A()));
    NEXT(LOAD_LOCAL);
  }
  CASE(STORE_LOCAL) {
    SLOT(OPERAND_A()) = std::move(*--sp);
    NEXT(STORE_LOCAL);
  }
  ARITHMETIC(ADD, __builtin_add_overflow)
  ARITHMETIC(SUB, __builtin_sub_overflow)
  ARITHMETIC(MUL, __builtin_mul_overflow)
  CASE(DIV) {
    if (!Arithmetic(Op::DIV, sp[-2], sp[-1], sp[-2], error)) goto runtime_error;
    DROP();
    NEXT(DIV);
  }
  CASE(MOD) {
    if (!Arithmetic(Op::MOD, sp[-2], sp[-1], sp[-2], error)) goto runtime_error;
    DROP();
    NEXT(MOD);
  }
  CASE(NEG) {
    if (!Negate(sp[-1], sp[-1], error)) goto runtime_error;
    NEXT(NEG);
  }
  CASE(NOT) {
    Value& x = sp[-1];
    if (!x.is_bool()) RAISE(absl::StrCat("operand of `not` must be a bool, got ", KindOf(x)));
    x = Value::Bool(!x.as_bool());
    NEXT(NOT);
  }
  CASE(EQ) {
    CHARGE(EqualityWork(sp[-2], sp[-1]));
    const bool equal = sp[-2] == sp[-1];
    DROP();
    sp[-1] = Value::Bool(equal);
    NEXT(EQ);
  }
  CASE(NE) {
    CHARGE(EqualityWork(sp[-2], sp[-1]));
    const bool equal = sp[-2] == sp[-1];
    DROP();
    sp[-1] = Value::Bool(!equal);
    NEXT(NE);
  }
  COMPARISON(LT, <)
  COMPARISON(LE, <=)
  COMPARISON(GT, >)
  COMPARISON(GE, >=)
  CASE(GET_FIELD) {
    const std::string& name = constants[OPERAND_A()].as_string();
    if (!GetField(sp[-1], name, /*optional=*/false, sp[-1], error)) goto runtime_error;
    NEXT(GET_FIELD);
  }
  CASE(GET_FIELD_OPT) {
    const std::string& name = constants[OPERAND_A()].as_string();
    if (!GetField(sp[-1], name, /*optional=*/true, sp[-1], error)) goto runtime_error;
    NEXT(GET_FIELD_OPT);
  }
  CASE(GET_INDEX) {
    if (!GetIndex(sp[-2], sp[-1], /*optional=*/false, sp[-2], error)) goto runtime_error;
    DROP();
    NEXT(GET_INDEX);
  }
  CASE(GET_INDEX_OPT) {
    if (!GetIndex(sp[-2], sp[-1], /*optional=*/true, sp[-2], error)) goto runtime_error;
    DROP();
    NEXT(GET_INDEX_OPT);
  }
  CASE(MAKE_LIST) {
    const uint32_t n = OPERAND_A();
    Value* const first = sp - n;
    {  // scoped: an indirect goto (NEXT) may not leave the scope of a destructor
      Value made;
      if (!MakeList(std::span<Value>(first, n), made, error)) goto runtime_error;
      while (sp > first) DROP();
      PUSH(std::move(made));
    }
    NEXT(MAKE_LIST);
  }
  CASE(MAKE_OBJECT) {
    const uint32_t n = OPERAND_A();
    Value* const first = sp - 2 * size_t{n};
    {  // scoped, as in MAKE_LIST
      Value made;
      if (!MakeObject(std::span<Value>(first, 2 * size_t{n}), made, error)) goto runtime_error;
      while (sp > first) DROP();
      PUSH(std::move(made));
    }
    NEXT(MAKE_OBJECT);
  }
  CASE(CONCAT) {
    const uint32_t n = OPERAND_A();
    Value* const first = sp - n;
    {  // scoped, as in MAKE_LIST
      Value made;
      if (!Interpolate(std::span<Value>(first, n), made, error)) goto runtime_error;
      sp = first;
      CHARGE(ShallowSize(made));
      PUSH(std::move(made));
    }
    NEXT(CONCAT);
  }
  CASE(JUMP) { JUMP_TO(OPERAND_A()); }
  CONDITIONAL_JUMP(JUMP_IF_FALSE, false)
  CONDITIONAL_JUMP(JUMP_IF_TRUE, true)
  CASE(JUMP_IF_NOT_NULL) {
    const bool taken = !sp[-1].is_null();
    DROP();
    if (taken) JUMP_TO(OPERAND_A());
    NEXT(JUMP_IF_NOT_NULL);
  }
  CASE(ITER_INIT) {
    const uint32_t a = OPERAND_A();
    Value& x = sp[-1];
    if (!x.is_list() && !x.is_object()) {
      RAISE(absl::StrCat("cannot iterate over ", KindOf(x), ": `for` needs a list or an object"));
    }
    SLOT(a) = std::move(x);
    SLOT(a + 1) = Value::Int(0);
    --sp;
    NEXT(ITER_INIT);
  }
  CASE(ITER_HAS) {
    const uint32_t a = OPERAND_A();
    const Value& collection = SLOT(a);
    const Value& index = SLOT(a + 1);
    const int64_t length = IterationLength(collection, index);
    if (length < 0) RAISE("internal error: ITER_HAS on slots that hold no iteration");
    PUSH(Value::Bool(index.as_int() < length));
    NEXT(ITER_HAS);
  }
  CASE(ITER_NEXT) {
    const uint32_t a = OPERAND_A();
    const Value& collection = SLOT(a);
    Value& index = SLOT(a + 1);
    const int64_t length = IterationLength(collection, index);
    if (length < 0) RAISE("internal error: ITER_NEXT on slots that hold no iteration");
    const int64_t i = index.as_int();
    if (i >= length) RAISE("internal error: ITER_NEXT past the end of the iteration");
    PUSH(IterationItem(collection, i));
    index = Value::Int(i + 1);
    NEXT(ITER_NEXT);
  }
  CASE(CALL_BUILTIN) {
    const uint32_t argc = OPERAND_B();
    const stdlib::BuiltinInfo& builtin = builtins[OPERAND_A()];
    builtin_ctx.work = 0;
    {  // scoped, as in MAKE_LIST
      absl::StatusOr<Value> out = CallBuiltin(builtin, builtin_ctx,
                                              std::span<const Value>(sp - argc, argc), error);
      if (!out.ok()) goto runtime_error;
      CHARGE(builtin_ctx.work + ShallowSize(*out));
      for (uint32_t k = 0; k < argc; ++k) DROP();
      PUSH(*std::move(out));
    }
    NEXT(CALL_BUILTIN);
  }
  // The waits: their operands checked and their requests made in wait_requests.cc.
  CASE(CALL_TASK) {
    Wait w;
    if (!TaskWait(OPERAND_A(), nullptr, sp[-1], w, error)) goto runtime_error;
    --sp;  // its input moved into the request
    BLOCK(CALL_TASK, WaitKind::kTask, std::move(w.request), std::move(w.description));
  }
  CASE(CALL_TASK_WITH) {
    Wait w;
    if (!TaskWait(OPERAND_A(), &constants[OPERAND_B()], sp[-1], w, error)) goto runtime_error;
    --sp;
    BLOCK(CALL_TASK_WITH, WaitKind::kTask, std::move(w.request), std::move(w.description));
  }
  CASE(SLEEP) {
    int64_t due;
    if (!SleepDue(sp[-1], now_ms, &due, error)) goto runtime_error;
    DROP();
    if (due <= now_ms) NEXT(SLEEP);
    Wait w = TimerWait(due);
    BLOCK(SLEEP, WaitKind::kTimer, std::move(w.request), std::move(w.description));
  }
  CASE(SLEEP_UNTIL) {
    int64_t due;
    if (!ParseDueTime(sp[-1], &due, error.message)) goto runtime_error;
    DROP();
    if (due <= now_ms) NEXT(SLEEP_UNTIL);
    Wait w = TimerWait(due);
    BLOCK(SLEEP_UNTIL, WaitKind::kTimer, std::move(w.request), std::move(w.description));
  }
  CASE(AWAIT_SIGNAL) {
    const Value& timeout = sp[-1];
    const Value& name = sp[-2];
    if (!CheckSignalWait(name, timeout, error)) goto runtime_error;
    // A signal that arrived before anyone waited is in the mailbox, oldest first.
    bool from_mailbox = false;
    for (auto it = state.mailbox.begin(); it != state.mailbox.end(); ++it) {
      if (*it->as_object().Find("name") == name) {
        Value payload = *it->as_object().Find("payload");
        state.mailbox.erase(it);
        DROP();
        sp[-1] = std::move(payload);
        from_mailbox = true;
        break;
      }
    }
    if (from_mailbox) NEXT(AWAIT_SIGNAL);  // outside the loop: see MAKE_LIST
    Wait w;
    if (!SignalWait(name, timeout, now_ms, w, error)) goto runtime_error;  // TIMEOUT for 0
    DROP();
    DROP();
    BLOCK(AWAIT_SIGNAL, WaitKind::kSignal, std::move(w.request), std::move(w.description));
  }
  CASE(CALL_WORKFLOW) {
    Wait w;
    if (!ChildWait(Request::Kind::kChild, constants[OPERAND_A()].as_string(), OPERAND_B(), sp[-1],
                   w, error)) {
      goto runtime_error;
    }
    --sp;
    BLOCK(CALL_WORKFLOW, WaitKind::kChild, std::move(w.request), std::move(w.description));
  }
  CASE(START_WORKFLOW) {
    Wait w;
    if (!ChildWait(Request::Kind::kStartChild, constants[OPERAND_A()].as_string(), OPERAND_B(),
                   sp[-1], w, error)) {
      goto runtime_error;
    }
    --sp;
    BLOCK(START_WORKFLOW, WaitKind::kStartChild, std::move(w.request), std::move(w.description));
  }
  CASE(TRY) {
    fiber.handlers.push_back({OPERAND_A(), static_cast<uint32_t>(sp - stack_base)});
    NEXT(TRY);
  }
  CASE(END_TRY) {
    if (fiber.handlers.empty()) RAISE("internal error: END_TRY outside any try block");
    fiber.handlers.pop_back();
    NEXT(END_TRY);
  }
  CASE(COMPENSATE) {
    if (!sp[-1].is_object()) {
      RAISE(absl::StrCat("compensation input must be an object, got ", KindOf(sp[-1])));
    }
    state.compensations.push_back(
        Obj({{"task", Value::Int(OPERAND_A())}, {"input", std::move(*--sp)}}));
    *sp = Value();
    NEXT(COMPENSATE);
  }
  CASE(FORK) {
    const uint32_t index = static_cast<uint32_t>(fiber.results.size());
    fiber.results.emplace_back();
    scheduler.Spawn(fiber, OPERAND_A(), OPERAND_B(), index, /*with_item=*/false, Value());
    NEXT(FORK);
  }
  CASE(FORK_EACH) {
    const Value& limit = sp[-1];
    const Value& items = sp[-2];
    if (!CheckForkEach(items, limit, error)) goto runtime_error;
    if (!fiber.each_items.is_null()) RAISE("internal error: nested FORK_EACH before JOIN");
    fiber.each_offset = static_cast<uint32_t>(fiber.results.size());
    fiber.results.resize(fiber.results.size() + items.as_list().size());
    fiber.each_limit = limit.is_int() ? static_cast<uint64_t>(limit.as_int()) : 0;
    fiber.each_next = 0;
    fiber.each_pc = OPERAND_A();
    fiber.each_base = OPERAND_B();
    fiber.each_items = items.as_list().empty() ? Value() : items;
    DROP();
    DROP();
    scheduler.FeedItems(fiber);
    NEXT(FORK_EACH);
  }
  CASE(JOIN) {
    if (fiber.live_children == 0 && fiber.each_items.is_null()) {
      if (!fiber.branch_error.is_null()) {
        raised = std::move(fiber.branch_error);
        fiber.branch_error = Value();
        fiber.results.clear();
        goto raise;
      }
      PUSH(Value::MakeList(std::move(fiber.results)));
      fiber.results.clear();
      NEXT(JOIN);
    }
    BLOCK(JOIN, WaitKind::kJoin, Request(), Value());
  }
  CASE(BRANCH_END) {
    stop.exit = FiberExit::kEnded;
    stop.value = std::move(*--sp);
    goto finish;
  }
  CASE(RETURN) {
    stop.exit = FiberExit::kReturned;
    stop.value = std::move(*--sp);
    goto finish;
  }
  CASE(FAIL) {
    Value failed = std::move(*--sp);
    raised = IsErrorObject(failed)
                 ? std::move(failed)
                 : WorkflowFailedError(failed, PositionOf(program, ip - code));
    goto raise;
  }

#if !WEFT_VM_COMPUTED_GOTO
  }
  // Verified code holds only known opcodes, and every one of them has a CASE above.
  std::abort();
#endif

#undef ARITHMETIC
#undef COMPARISON
#undef CONDITIONAL_JUMP
#undef CASE
#undef DISPATCH
#undef JUMP_TO
#undef NEXT
#undef RAISE
#undef CHARGE
#undef DROP
#undef PUSH
#undef OPERAND_B
#undef OPERAND_A
#undef SLOT
#undef BLOCK

out_of_fuel:
  stop.exit = FiberExit::kOutOfFuel;
  stop.value = MakeError(kFuelExhausted,
                           absl::StrCat("the execution ran ", scheduler.ctx().max_steps,
                                        " instructions without waiting on a task; is it stuck "
                                        "in a loop?"),
                         PositionOf(program, ip - code));
  goto finish;

runtime_error:
  raised = MakeError(error.code, std::move(error.message), PositionOf(program, ip - code));
  error.code = kRuntimeError;

raise:
  // The innermost handler of this fiber catches it; otherwise the fiber fails.
  if (!fiber.handlers.empty()) {
    const Handler h = fiber.handlers.back();
    fiber.handlers.pop_back();
    while (sp > stack_base + h.stack_depth) *--sp = Value();
    *sp++ = std::move(raised);
    ip = code + h.catch_pc;
    goto dispatch;
  }
  stop.exit = FiberExit::kFailed;
  stop.value = std::move(raised);
  goto finish;

blocked:
  stop.exit = FiberExit::kBlocked;
  fiber.stack.resize(sp - stack_base);
  state.steps += fuel_at_start - fuel;
  scheduler.fuel() = fuel;
  return stop;

finish:
  fiber.pc = static_cast<uint32_t>(ip - code);
  fiber.stack.resize(sp - stack_base);
  state.steps += fuel_at_start - fuel;
  scheduler.fuel() = fuel;
  return stop;
}

}  // namespace weft::vm
