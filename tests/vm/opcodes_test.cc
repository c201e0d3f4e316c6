// The semantics of each opcode (LANGUAGE.md, "Runtime values"), and the runtime error each
// one raises, on hand-assembled programs.
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/vm/vm_test_util.h"

namespace weft::vm {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the test helpers

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(Opcodes, PushesConstantsAndLiterals) {
  EXPECT_EQ(Eval(Op::NOP, {Str("k")}), "\"k\"");
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::PUSH_TRUE).Emit(Op::PUSH_FALSE).Emit(Op::MAKE_LIST, 3);
  a.Emit(Op::RETURN);
  EXPECT_EQ(RunFresh(a.Build(0, 3)).output.ToJson(), "[null,true,false]");
}

TEST(Opcodes, PopAndDup) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::CONST, a.Const(Int(2))).Emit(Op::POP);
  a.Emit(Op::DUP).Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  EXPECT_EQ(RunFresh(a.Build(0, 2)).output.ToJson(), "[1,1]");
}

TEST(Opcodes, LocalsHoldParamsAndStores) {
  Assembler a;
  a.Param("x");
  a.Emit(Op::LOAD_LOCAL, 0).Emit(Op::STORE_LOCAL, 1).Emit(Op::CONST, a.Const(Int(5)));
  a.Emit(Op::STORE_LOCAL, 0).Emit(Op::LOAD_LOCAL, 0).Emit(Op::LOAD_LOCAL, 1);
  a.Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  EXPECT_EQ(RunFresh(a.Build(2, 2), {Str("in")}).output.ToJson(), "[5,\"in\"]");
}

TEST(Opcodes, AddNumbersStringsAndLists) {
  EXPECT_EQ(Eval(Op::ADD, {Int(2), Int(3)}), "5");
  EXPECT_EQ(Eval(Op::ADD, {Int(2), Dbl(0.5)}), "2.5");
  EXPECT_EQ(Eval(Op::ADD, {Str("ab"), Str("cd")}), "\"abcd\"");
  EXPECT_EQ(Eval(Op::ADD, {List({Int(1)}), List({Str("x")})}), "[1,\"x\"]");
  EXPECT_EQ(EvalError(Op::ADD, {Int(1), Str("x")}), "cannot apply `+` to int and string");
  EXPECT_EQ(EvalError(Op::ADD, {List({}), Str("x")}), "cannot apply `+` to list and string");
  EXPECT_EQ(EvalError(Op::ADD, {Int(kMax), Int(1)}), "integer overflow in `+`");
}

TEST(Opcodes, SubAndMul) {
  EXPECT_EQ(Eval(Op::SUB, {Int(2), Int(5)}), "-3");
  EXPECT_EQ(Eval(Op::MUL, {Int(-4), Int(5)}), "-20");
  EXPECT_EQ(Eval(Op::MUL, {Dbl(1.5), Int(2)}), Value::Double(3.0).ToJson());
  EXPECT_EQ(EvalError(Op::SUB, {Int(kMin), Int(1)}), "integer overflow in `-`");
  EXPECT_EQ(EvalError(Op::MUL, {Int(kMax), Int(2)}), "integer overflow in `*`");
  EXPECT_EQ(EvalError(Op::SUB, {Str("a"), Str("b")}), "cannot apply `-` to string and string");
  EXPECT_EQ(EvalError(Op::MUL, {Dbl(1e308), Int(10)}), "result of `*` is not a finite number");
}

TEST(Opcodes, DivisionTruncatesAndRejectsZero) {
  EXPECT_EQ(Eval(Op::DIV, {Int(7), Int(2)}), "3");
  EXPECT_EQ(Eval(Op::DIV, {Int(-7), Int(2)}), "-3");
  EXPECT_EQ(Eval(Op::DIV, {Dbl(7), Int(2)}), "3.5");
  EXPECT_EQ(EvalError(Op::DIV, {Int(1), Int(0)}), "division by zero");
  EXPECT_EQ(EvalError(Op::DIV, {Dbl(1), Dbl(0)}), "division by zero");
  EXPECT_EQ(EvalError(Op::DIV, {Int(kMin), Int(-1)}), "integer overflow in `/`");
}

TEST(Opcodes, Modulo) {
  EXPECT_EQ(Eval(Op::MOD, {Int(7), Int(3)}), "1");
  EXPECT_EQ(Eval(Op::MOD, {Int(-7), Int(3)}), "-1");
  EXPECT_EQ(Eval(Op::MOD, {Int(kMin), Int(-1)}), "0");
  EXPECT_EQ(Eval(Op::MOD, {Dbl(7.5), Int(2)}), "1.5");
  EXPECT_EQ(EvalError(Op::MOD, {Int(1), Int(0)}), "division by zero in `%`");
}

TEST(Opcodes, Negate) {
  EXPECT_EQ(Eval(Op::NEG, {Int(3)}), "-3");
  EXPECT_EQ(Eval(Op::NEG, {Dbl(2.5)}), "-2.5");
  EXPECT_EQ(EvalError(Op::NEG, {Int(kMin)}), "integer overflow in unary `-`");
  EXPECT_EQ(EvalError(Op::NEG, {Str("x")}), "cannot apply unary `-` to string");
}

TEST(Opcodes, NotRequiresABool) {
  EXPECT_EQ(Eval(Op::NOT, {Bool(false)}), "true");
  EXPECT_EQ(EvalError(Op::NOT, {Int(0)}), "operand of `not` must be a bool, got int");
  EXPECT_EQ(EvalError(Op::NOT, {Value()}), "operand of `not` must be a bool, got null");
}

TEST(Opcodes, EqualityIsDeep) {
  EXPECT_EQ(Eval(Op::EQ, {Int(1), Dbl(1.0)}), "true");
  EXPECT_EQ(Eval(Op::EQ, {Str("1"), Int(1)}), "false");
  EXPECT_EQ(Eval(Op::EQ, {List({Int(1), Obj({{"a", Value()}})}), List({Dbl(1), Obj({{"a", Value()}})})}),
            "true");
  EXPECT_EQ(Eval(Op::EQ, {Obj({{"a", Int(1)}, {"b", Int(2)}}), Obj({{"b", Int(2)}, {"a", Int(1)}})}),
            "true");
  EXPECT_EQ(Eval(Op::NE, {Value(), Bool(false)}), "true");
  EXPECT_EQ(Eval(Op::NE, {List({Int(2)}), List({Int(2)})}), "false");
}

TEST(Opcodes, ComparisonsOnNumbersAndStrings) {
  EXPECT_EQ(Eval(Op::LT, {Int(1), Int(2)}), "true");
  EXPECT_EQ(Eval(Op::LE, {Int(2), Dbl(2.0)}), "true");
  EXPECT_EQ(Eval(Op::GT, {Dbl(2.5), Int(2)}), "true");
  EXPECT_EQ(Eval(Op::GE, {Int(1), Int(2)}), "false");
  EXPECT_EQ(Eval(Op::LT, {Str("B"), Str("a")}), "true");          // bytewise
  EXPECT_EQ(Eval(Op::GT, {Str("\xc3\xa9"), Str("z")}), "true");    // UTF-8 bytes are unsigned
  EXPECT_EQ(Eval(Op::LT, {Str("ab"), Str("abc")}), "true");
  EXPECT_EQ(EvalError(Op::LT, {Int(1), Str("2")}), "cannot compare int and string with `<`");
  EXPECT_EQ(EvalError(Op::GE, {Value(), Value()}), "cannot compare null and null with `>=`");
}

// Int against float is exact, so the order agrees with `==` even where the int has no double
// (2^53 + 1), beyond the int64 range, and for fractions of either sign.
TEST(Opcodes, IntFloatComparisonsAreExact) {
  const Value big = Int(9007199254740993);    // 2^53 + 1
  const Value near = Dbl(9007199254740992.0);  // 2^53
  EXPECT_EQ(Eval(Op::EQ, {big, near}), "false");
  EXPECT_EQ(Eval(Op::LT, {big, near}), "false");
  EXPECT_EQ(Eval(Op::GT, {big, near}), "true");
  EXPECT_EQ(Eval(Op::LE, {big, near}), "false");
  EXPECT_EQ(Eval(Op::GE, {big, near}), "true");
  EXPECT_EQ(Eval(Op::LT, {near, big}), "true");   // float on the left
  EXPECT_EQ(Eval(Op::GE, {near, big}), "false");
  EXPECT_EQ(Eval(Op::LT, {Int(kMax), Dbl(9223372036854775808.0)}), "true");  // 2^63
  EXPECT_EQ(Eval(Op::GT, {Int(kMin), Dbl(-1e19)}), "true");
  EXPECT_EQ(Eval(Op::LE, {Int(kMin), Dbl(-9223372036854775808.0)}), "true");
  EXPECT_EQ(Eval(Op::GE, {Int(kMin), Dbl(-9223372036854775808.0)}), "true");
  EXPECT_EQ(Eval(Op::LT, {Int(2), Dbl(2.5)}), "true");
  EXPECT_EQ(Eval(Op::GT, {Int(-2), Dbl(-2.5)}), "true");
  EXPECT_EQ(Eval(Op::LT, {Int(-3), Dbl(-2.5)}), "true");
  EXPECT_EQ(Eval(Op::GE, {Int(0), Dbl(-0.0)}), "true");
  const Value nan = Dbl(std::numeric_limits<double>::quiet_NaN());
  for (Op op : {Op::LT, Op::LE, Op::GT, Op::GE}) {
    EXPECT_EQ(Eval(op, {Int(1), nan}), "false");
    EXPECT_EQ(Eval(op, {nan, Int(1)}), "false");
    EXPECT_EQ(Eval(op, {nan, Dbl(1)}), "false");
  }
}

Program FieldProgram(Op op, Value x, std::string name) {
  Assembler a;
  const uint32_t k = a.Const(Str(std::move(name)));
  a.Emit(Op::CONST, a.Const(std::move(x))).At(4, 9).Emit(op, k).Emit(Op::RETURN);
  return a.Build(0, 1);
}

std::string FieldResult(Op op, Value x, std::string name) {
  RunResult r = RunFresh(FieldProgram(op, std::move(x), std::move(name)));
  if (r.status == RunStatus::kCompleted) return r.output.ToJson();
  return "error: " + r.error.as_object().Find("message")->as_string();
}

TEST(Opcodes, GetFieldFailsOnMissingFields) {
  const Value order = Obj({{"tracking", Str("T1")}});
  EXPECT_EQ(FieldResult(Op::GET_FIELD, order, "tracking"), "\"T1\"");
  EXPECT_EQ(FieldResult(Op::GET_FIELD, order, "carrier"), "error: no field `carrier` in object");
  EXPECT_EQ(FieldResult(Op::GET_FIELD, Value(), "x"), "error: cannot read field `x` of null");
  EXPECT_EQ(FieldResult(Op::GET_FIELD, Int(3), "x"), "error: cannot read field `x` of int");
}

TEST(Opcodes, GetFieldOptGivesNull) {
  const Value order = Obj({{"tracking", Str("T1")}});
  EXPECT_EQ(FieldResult(Op::GET_FIELD_OPT, order, "tracking"), "\"T1\"");
  EXPECT_EQ(FieldResult(Op::GET_FIELD_OPT, order, "carrier"), "null");
  EXPECT_EQ(FieldResult(Op::GET_FIELD_OPT, Value(), "x"), "null");
  EXPECT_EQ(FieldResult(Op::GET_FIELD_OPT, List({}), "x"), "error: cannot read field `x` of list");
}

TEST(Opcodes, GetFieldErrorCarriesThePosition) {
  RunResult r = RunFresh(FieldProgram(Op::GET_FIELD, Obj({}), "tracking"));
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"RUNTIME_ERROR","message":"no field `tracking` in object","line":4,"column":9})");
}

TEST(Opcodes, GetIndexOnListsAndObjects) {
  const Value list = List({Str("a"), Str("b"), Str("c")});
  EXPECT_EQ(Eval(Op::GET_INDEX, {list, Int(0)}), "\"a\"");
  EXPECT_EQ(Eval(Op::GET_INDEX, {list, Int(-1)}), "\"c\"");
  EXPECT_EQ(Eval(Op::GET_INDEX, {Obj({{"k", Int(1)}}), Str("k")}), "1");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {list, Int(3)}), "index 3 out of range for list of length 3");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {list, Int(-4)}), "index -4 out of range for list of length 3");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {list, Str("0")}), "list index must be an int, got string");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {Obj({}), Int(0)}), "object key must be a string, got int");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {Obj({}), Str("k")}), "no key `k` in object");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {Value(), Int(0)}), "cannot index null");
  EXPECT_EQ(EvalError(Op::GET_INDEX, {Str("abc"), Int(0)}), "cannot index string");
}

TEST(Opcodes, GetIndexOptGivesNull) {
  const Value list = List({Str("a")});
  EXPECT_EQ(Eval(Op::GET_INDEX_OPT, {list, Int(5)}), "null");
  EXPECT_EQ(Eval(Op::GET_INDEX_OPT, {list, Int(-1)}), "\"a\"");
  EXPECT_EQ(Eval(Op::GET_INDEX_OPT, {Obj({}), Str("k")}), "null");
  EXPECT_EQ(Eval(Op::GET_INDEX_OPT, {Value(), Int(0)}), "null");
  EXPECT_EQ(EvalError(Op::GET_INDEX_OPT, {list, Bool(true)}), "list index must be an int, got bool");
}

TEST(Opcodes, MakeListKeepsOrder) {
  EXPECT_EQ(Eval(Op::MAKE_LIST, {Int(1), Str("two"), Value()}, 3), "[1,\"two\",null]");
  EXPECT_EQ(Eval(Op::MAKE_LIST, {}, 0), "[]");
}

TEST(Opcodes, MakeObjectKeepsInsertionOrder) {
  EXPECT_EQ(Eval(Op::MAKE_OBJECT, {Str("z"), Int(1), Str("a"), Int(2)}, 2), R"({"z":1,"a":2})");
  EXPECT_EQ(Eval(Op::MAKE_OBJECT, {}, 0), "{}");
  EXPECT_EQ(EvalError(Op::MAKE_OBJECT, {Int(1), Int(2)}, 1), "object key must be a string, got int");
}

TEST(Opcodes, ConcatUsesDisplayStrings) {
  EXPECT_EQ(Eval(Op::CONCAT, {Str("n="), Int(1), Str(" "), Value(), List({Int(1)}),
                              Obj({{"a", Bool(true)}})},
                 6),
            R"("n=1 null[1]{\"a\":true}")");
}

// if cond { return "yes" } return "no"
Program Branch(Op jump, Value cond) {
  Assembler a;
  auto other = a.NewLabel();
  a.Emit(Op::CONST, a.Const(std::move(cond))).At(2, 4).Jump(jump, other);
  a.Emit(Op::CONST, a.Const(Str("fell through"))).Emit(Op::RETURN);
  a.Bind(other).Emit(Op::CONST, a.Const(Str("jumped"))).Emit(Op::RETURN);
  return a.Build(0, 1);
}

TEST(Opcodes, ConditionalJumps) {
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_FALSE, Bool(false))).output.ToJson(), "\"jumped\"");
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_FALSE, Bool(true))).output.ToJson(), "\"fell through\"");
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_TRUE, Bool(true))).output.ToJson(), "\"jumped\"");
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_TRUE, Bool(false))).output.ToJson(), "\"fell through\"");
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_NOT_NULL, Int(0))).output.ToJson(), "\"jumped\"");
  EXPECT_EQ(RunFresh(Branch(Op::JUMP_IF_NOT_NULL, Value())).output.ToJson(), "\"fell through\"");
}

TEST(Opcodes, ConditionsMustBeBools) {
  RunResult r = RunFresh(Branch(Op::JUMP_IF_FALSE, Int(1)));
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"RUNTIME_ERROR","message":"condition must be a bool, got int","line":2,"column":4})");
  EXPECT_EQ(ErrorField(RunFresh(Branch(Op::JUMP_IF_TRUE, Str(""))), "message"),
            "\"condition must be a bool, got string\"");
}

// for x in coll { out = out + [x] } return out   (locals: 0 coll, 1-2 iterator, 3 out)
Program Collect() {
  Assembler a;
  a.Param("coll");
  auto top = a.NewLabel(), done = a.NewLabel();
  a.Emit(Op::MAKE_LIST, 0).Emit(Op::STORE_LOCAL, 3);
  a.Emit(Op::LOAD_LOCAL, 0).At(3, 14).Emit(Op::ITER_INIT, 1);
  a.Bind(top).Emit(Op::ITER_HAS, 1).Jump(Op::JUMP_IF_FALSE, done);
  a.Emit(Op::LOAD_LOCAL, 3).Emit(Op::ITER_NEXT, 1).Emit(Op::MAKE_LIST, 1).Emit(Op::ADD);
  a.Emit(Op::STORE_LOCAL, 3).Jump(Op::JUMP, top);
  a.Bind(done).Emit(Op::LOAD_LOCAL, 3).Emit(Op::RETURN);
  return a.Build(4, 3);
}

TEST(Opcodes, IterateListItemsAndObjectKeys) {
  EXPECT_EQ(RunFresh(Collect(), {List({Int(1), Str("b")})}).output.ToJson(), "[1,\"b\"]");
  EXPECT_EQ(RunFresh(Collect(), {Obj({{"z", Int(1)}, {"a", Int(2)}})}).output.ToJson(),
            "[\"z\",\"a\"]");
  EXPECT_EQ(RunFresh(Collect(), {List({})}).output.ToJson(), "[]");
  RunResult r = RunFresh(Collect(), {Int(3)});
  EXPECT_EQ(ErrorField(r, "message"), "\"cannot iterate over int: `for` needs a list or an object\"");
  EXPECT_EQ(ErrorField(r, "line"), "3");
}

TEST(Opcodes, IterationOpsOnForeignSlotsFailCleanly) {
  Assembler a;  // ITER_NEXT without ITER_INIT: verified, but must not crash
  a.Emit(Op::ITER_NEXT, 0).Emit(Op::RETURN);
  EXPECT_THAT(ErrorField(RunFresh(a.Build(2, 1)), "message"), HasSubstr("internal error"));
  Assembler b;  // ITER_NEXT past the end
  b.Emit(Op::MAKE_LIST, 0).Emit(Op::ITER_INIT, 0).Emit(Op::ITER_NEXT, 0).Emit(Op::RETURN);
  EXPECT_THAT(ErrorField(RunFresh(b.Build(2, 1)), "message"), HasSubstr("past the end"));
}

uint32_t BuiltinId(const char* name) {
  uint32_t id = 0;
  EXPECT_NE(stdlib::FindBuiltin(name, &id), nullptr) << name;
  return id;
}

TEST(Opcodes, CallBuiltin) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(List({Int(1), Int(2)}))).Emit(Op::CALL_BUILTIN, BuiltinId("len"), 1);
  a.Emit(Op::RETURN);
  EXPECT_EQ(RunFresh(a.Build(0, 1)).output.ToJson(), "2");
}

TEST(Opcodes, BuiltinErrorsAreRuntimeErrors) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(Int(5))).At(9, 1).Emit(Op::CALL_BUILTIN, BuiltinId("len"), 1);
  a.Emit(Op::RETURN);
  RunResult r = RunFresh(a.Build(0, 1));
  EXPECT_EQ(ErrorField(r, "code"), "\"RUNTIME_ERROR\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("len"));
  EXPECT_EQ(ErrorField(r, "line"), "9");
}

// Bytecode stored before jq() became the system task `jq` calls it as an inline builtin: it
// still gives its result, and a program that never ends fails the call after the default time
// budget (1 s) instead of never returning.
TEST(Opcodes, OldInlineJqCallsAreBounded) {
  Assembler ok;
  ok.Emit(Op::CONST, ok.Const(Value::String(".[1]"))).Emit(Op::CONST, ok.Const(List({Int(1), Int(2)})));
  ok.Emit(Op::CALL_BUILTIN, BuiltinId("jq"), 2).Emit(Op::RETURN);
  EXPECT_EQ(RunFresh(ok.Build(0, 2)).output.ToJson(), "2");

  Assembler stuck;
  stuck.Emit(Op::CONST, stuck.Const(Value::String("def f: f; f"))).Emit(Op::PUSH_NULL);
  stuck.At(4, 2).Emit(Op::CALL_BUILTIN, BuiltinId("jq"), 2).Emit(Op::RETURN);
  RunResult r = RunFresh(stuck.Build(0, 2));
  EXPECT_EQ(ErrorField(r, "code"), "\"RUNTIME_ERROR\"");
  EXPECT_EQ(ErrorField(r, "message"), "\"jq() ran past its time budget of 1s\"");
}

TEST(Opcodes, NowComesFromTheRunContext) {
  Assembler a;
  a.Emit(Op::CALL_BUILTIN, BuiltinId("now"), 0).Emit(Op::RETURN);
  RunContext ctx;
  ctx.now_ms = 1'700'000'000'123;
  EXPECT_EQ(RunFresh(a.Build(0, 1), {}, ctx).output.ToJson(), "1700000000123");
}

TEST(Opcodes, UuidDrawsFromTheCheckpointedGenerator) {
  Assembler a;
  a.Emit(Op::CALL_BUILTIN, BuiltinId("uuid"), 0).Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  ExecState s1 = NewExecState(p, {}, 99), s2 = NewExecState(p, {}, 99), s3 = NewExecState(p, {}, 7);
  const Value u1 = vm::Start(p, s1, {}).output, u2 = vm::Start(p, s2, {}).output,
              u3 = vm::Start(p, s3, {}).output;
  EXPECT_TRUE(u1.is_string());
  EXPECT_EQ(u1.ToJson(), u2.ToJson());
  EXPECT_NE(u1.ToJson(), u3.ToJson());
  EXPECT_NE(s1.rng_state, 99u);  // the draw advanced the checkpointed state
}

TEST(Opcodes, CallTaskSuspendsAndResumes) {
  Assembler a;
  const uint32_t t = a.Task("lookup");
  a.Emit(Op::CONST, a.Const(Str("kept")));  // lives on the stack across the call
  a.Emit(Op::CONST, a.Const(Str("id"))).Emit(Op::CONST, a.Const(Int(7))).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, t).Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  const Program p = a.Build(1, 3);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = vm::Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].kind, Request::Kind::kTask);
  EXPECT_EQ(r.requests[0].task_index, t);
  EXPECT_EQ(r.requests[0].input.ToJson(), R"({"id":7})");
  EXPECT_TRUE(r.requests[0].policy.is_null());
  EXPECT_FALSE(r.requests[0].compensation);
  const Fiber& root = s.fibers.at(1);
  EXPECT_EQ(root.wait, WaitKind::kTask);
  EXPECT_EQ(root.wait_id, r.requests[0].wait_id);
  EXPECT_EQ(root.pc, 25u);            // just after the CALL_TASK
  EXPECT_EQ(root.locals.size(), 1u);
  EXPECT_EQ(root.stack.size(), 1u);   // "kept"
  EXPECT_TRUE(CheckStateFits(p, s).ok());
  r = Resume(p, s, r.requests[0].wait_id, Ok(Obj({{"name", Str("x")}})), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_TRUE(r.requests.empty());
  EXPECT_EQ(r.output.ToJson(), R"(["kept",{"name":"x"}])");
  EXPECT_TRUE(s.ended);
}

TEST(Opcodes, TaskInputMustBeAnObject) {
  Assembler a;
  a.Task("t");
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::CALL_TASK, 0).Emit(Op::RETURN);
  EXPECT_EQ(ErrorField(RunFresh(a.Build(0, 1)), "message"),
            "\"task input must be an object, got int\"");
}

TEST(Opcodes, ReturnCompletes) {
  RunResult r = RunFresh(SingleOp(Op::NOP, {Obj({{"ok", Bool(true)}})}));
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), R"({"ok":true})");
}

TEST(Opcodes, FailWithAStringUsesItAsTheMessage) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(Str("unsupported vendor dhl"))).At(6, 20).Emit(Op::FAIL);
  RunResult r = RunFresh(a.Build(0, 1));
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"WORKFLOW_FAILED","message":"unsupported vendor dhl","line":6,"column":20})");
}

TEST(Opcodes, FailWithAValuePutsItInDetails) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(Obj({{"reason", Int(42)}}))).At(1, 1).Emit(Op::FAIL);
  EXPECT_EQ(RunFresh(a.Build(0, 1)).error.ToJson(),
            R"({"code":"WORKFLOW_FAILED","message":"workflow failed","details":{"reason":42},"line":1,"column":1})");
}

}  // namespace
}  // namespace weft::vm
