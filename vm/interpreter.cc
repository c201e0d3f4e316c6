// The interpreter: one dispatch function over verified bytecode, clox style. Dispatch is a
// computed goto under GCC/Clang (one indirect jump per instruction, a table expanded from
// opcodes.def) and a switch elsewhere or with -DWEFT_VM_NO_COMPUTED_GOTO; the same CASE bodies
// serve both.
//
// Trust: the verifier guaranteed well-formed instructions, operands in range and stack depths,
// so no CASE checks those. What every CASE does check is the dynamic type of the values, since
// the language is dynamically typed.
//
// The stack: for the duration of a run the slots vector is sized num_locals + max_stack (its
// capacity is reserved once per execution), `sp` points one past the top, and on exit the
// vector is cut back to the live depth, so ExecState only ever holds live values. Popped
// values are moved out or reset so they do not pin memory.
#include "vm/interpreter.h"

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "common/strings.h"
#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "stdlib/builtins.h"
#include "vm/errors.h"
#include "vm/operators.h"

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

absl::string_view KindOf(const Value& v) { return ToAbsl(Value::KindName(v.kind())); }

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

}  // namespace

RunResult Interpret(const bytecode::Program& program, ExecState& state, const RunContext& ctx) {
  const uint8_t* const code = program.code.data();
  const Value* const constants = program.constants.data();
  const stdlib::BuiltinInfo* const builtins = stdlib::AllBuiltins().data();
  const uint32_t num_locals = program.num_locals;
  const size_t depth = state.slots.size() - num_locals;
  state.slots.resize(size_t{num_locals} + program.max_stack);
  Value* const locals = state.slots.data();
  Value* sp = locals + num_locals + depth;
  const uint8_t* ip = code + state.pc;
  uint64_t fuel = ctx.max_steps;
  stdlib::BuiltinContext builtin_ctx{ctx.now_ms, &state.rng_state};
  std::string error;  // the message of a runtime error
  RunResult result;

#define OPERAND_A() ReadU32(ip + 1)
#define OPERAND_B() ReadU32(ip + 5)
#define PUSH(value) (*sp++ = (value))
#define DROP() (*--sp = Value())
#define RAISE(message)    \
  do {                    \
    error = (message);    \
    goto runtime_error;   \
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
    PUSH(locals[OPERAND_A()]);
    NEXT(LOAD_LOCAL);
  }
  CASE(STORE_LOCAL) {
    locals[OPERAND_A()] = std::move(*--sp);
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
    const bool equal = sp[-2] == sp[-1];
    DROP();
    sp[-1] = Value::Bool(equal);
    NEXT(EQ);
  }
  CASE(NE) {
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
    List items(std::make_move_iterator(first), std::make_move_iterator(sp));
    sp = first;
    PUSH(Value::MakeList(std::move(items)));
    NEXT(MAKE_LIST);
  }
  CASE(MAKE_OBJECT) {
    const uint32_t n = OPERAND_A();
    Value* const first = sp - 2 * size_t{n};
    std::vector<Object::Entry> entries;
    entries.reserve(n);
    for (Value* kv = first; kv < sp; kv += 2) {
      if (!kv->is_string()) {
        RAISE(absl::StrCat("object key must be a string, got ", KindOf(*kv)));
      }
      entries.emplace_back(kv->as_string(), std::move(kv[1]));
      *kv = Value();
    }
    sp = first;
    PUSH(Value::MakeObject(Object(std::move(entries))));
    NEXT(MAKE_OBJECT);
  }
  CASE(CONCAT) {
    const uint32_t n = OPERAND_A();
    Value* const first = sp - n;
    std::string text;
    for (Value* v = first; v < sp; ++v) {
      if (v->is_string()) {
        text += v->as_string();
      } else {
        text += v->ToDisplayString();
      }
      *v = Value();
    }
    sp = first;
    PUSH(Value::String(std::move(text)));
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
    locals[a] = std::move(x);
    locals[a + 1] = Value::Int(0);
    --sp;
    NEXT(ITER_INIT);
  }
  CASE(ITER_HAS) {
    const uint32_t a = OPERAND_A();
    const int64_t length = IterationLength(locals[a], locals[a + 1]);
    if (length < 0) RAISE("internal error: ITER_HAS on slots that hold no iteration");
    PUSH(Value::Bool(locals[a + 1].as_int() < length));
    NEXT(ITER_HAS);
  }
  CASE(ITER_NEXT) {
    const uint32_t a = OPERAND_A();
    const int64_t length = IterationLength(locals[a], locals[a + 1]);
    if (length < 0) RAISE("internal error: ITER_NEXT on slots that hold no iteration");
    const int64_t i = locals[a + 1].as_int();
    if (i >= length) RAISE("internal error: ITER_NEXT past the end of the iteration");
    PUSH(IterationItem(locals[a], i));
    locals[a + 1] = Value::Int(i + 1);
    NEXT(ITER_NEXT);
  }
  CASE(CALL_BUILTIN) {
    const uint32_t argc = OPERAND_B();
    absl::StatusOr<Value> out =
        builtins[OPERAND_A()].fn(builtin_ctx, std::span<const Value>(sp - argc, argc));
    if (!out.ok()) RAISE(std::string(out.status().message()));
    for (uint32_t k = 0; k < argc; ++k) DROP();
    PUSH(*std::move(out));
    NEXT(CALL_BUILTIN);
  }
  CASE(CALL_TASK) {
    Value& input = sp[-1];
    if (!input.is_object()) {
      RAISE(absl::StrCat("task input must be an object, got ", KindOf(input)));
    }
    result.status = RunStatus::kSuspended;
    result.task_index = OPERAND_A();
    result.task_input = std::move(input);
    --sp;
    ip += InstructionSize(Op::CALL_TASK);
    state.suspended = true;
    goto finish;
  }
  CASE(RETURN) {
    result.status = RunStatus::kCompleted;
    result.output = std::move(*--sp);
    goto finish;
  }
  CASE(FAIL) {
    const Value failed = std::move(*--sp);
    result.status = RunStatus::kFailed;
    result.error = WorkflowFailedError(failed, PositionOf(program, ip - code));
    goto finish;
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
#undef DROP
#undef PUSH
#undef OPERAND_B
#undef OPERAND_A

out_of_fuel:
  result.status = RunStatus::kFailed;
  result.error = MakeError(kFuelExhausted,
                           absl::StrCat("the execution ran ", ctx.max_steps,
                                        " instructions without waiting on a task; is it stuck "
                                        "in a loop?"),
                           PositionOf(program, ip - code));
  goto finish;

runtime_error:
  result.status = RunStatus::kFailed;
  result.error = MakeError(kRuntimeError, std::move(error), PositionOf(program, ip - code));

finish:
  state.pc = static_cast<uint32_t>(ip - code);
  state.slots.resize(sp - locals);
  state.steps += ctx.max_steps - fuel;
  return result;
}

}  // namespace weft::vm
