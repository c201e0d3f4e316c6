// The VM and the value limits: operators whose result would go past a limit raise
// LIMIT_EXCEEDED (caught by `try` like any runtime error) before building it; builtin results
// are checked too; and operators and builtins are charged fuel for the size of what they touch
// and build, so that one transition's work stays bounded.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/vm/vm_test_util.h"
#include "vm/operators.h"

namespace weft::vm::testing {
namespace {

using ::testing::HasSubstr;

Value Deep(int depth) {
  Value v = List({});
  for (int i = 1; i < depth; ++i) v = List({v});
  return v;
}

uint32_t BuiltinId(const char* name) {
  uint32_t id = 0;
  EXPECT_NE(stdlib::FindBuiltin(name, &id), nullptr) << name;
  return id;
}

TEST(Limits, AListLiteralOneLevelTooDeepIsALimitError) {
  ASSERT_EQ(Deep(256).depth(), 256);
  EXPECT_EQ(Eval(Op::MAKE_LIST, {Deep(255)}, 1).size(), 2u * 256);
  RunResult r = RunFresh(SingleOp(Op::MAKE_LIST, {Deep(256)}, 1));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_EQ(ErrorField(r, "message"), "\"the list: value nests deeper than 256 levels\"");
  EXPECT_EQ(ErrorField(r, "line"), "7");
  // An object literal too.
  EXPECT_EQ(ErrorField(RunFresh(SingleOp(Op::MAKE_OBJECT, {Str("k"), Deep(256)}, 1)), "code"),
            "\"LIMIT_EXCEEDED\"");
}

TEST(Limits, ALimitErrorIsCaughtByTry) {
  // try { [deep] } catch e { return e.code }
  Assembler a;
  auto caught = a.NewLabel();
  a.Jump(Op::TRY, caught).Emit(Op::CONST, a.Const(Deep(256))).Emit(Op::MAKE_LIST, 1);
  a.Emit(Op::END_TRY).Emit(Op::RETURN);
  a.Bind(caught).Emit(Op::GET_FIELD, a.Const(Str("code"))).Emit(Op::RETURN);
  RunResult r = RunFresh(a.Build(0, 2));
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "\"LIMIT_EXCEEDED\"");
}

TEST(Limits, PlusChecksTheResultBeforeBuildingIt) {
  const Value half = Str(std::string(Value::kMaxStringBytes / 2 + 1, 'x'));
  RunResult r = RunFresh(SingleOp(Op::ADD, {half, half}));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("the result of `+` would be a string of"));
  const Value items = List(std::vector<Value>(Value::kMaxListItems / 2 + 1));
  r = RunFresh(SingleOp(Op::ADD, {items, items}));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("the result of `+` would be a list of"));
  // Shared structure: two lists whose total sizes add past the limit.
  Value o = List({});
  for (int i = 0; i < 26; ++i) o = List({o, o});
  r = RunFresh(SingleOp(Op::ADD, {o, o}));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("total size"));
}

TEST(Limits, InterpolationStopsAtTheStringLimit) {
  const Value big = Str(std::string(40 << 20, 'x'));
  RunResult r = RunFresh(SingleOp(Op::CONCAT, {big, big}, 2));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  // A value that shares one list 2^40 times is not written out in full.
  Value o = List({});
  for (int i = 0; i < 40; ++i) o = List({o, o});
  r = RunFresh(SingleOp(Op::CONCAT, {Str("v="), o}, 2));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_EQ(Eval(Op::CONCAT, {Str("a"), Int(1), List({Int(2)})}, 3), "\"a1[2]\"");
}

TEST(Limits, BuiltinResultsAreChecked) {
  // zip() of two lists of deep values makes pairs one level deeper than the limit.
  Assembler a;
  a.Emit(Op::CONST, a.Const(List({Deep(256)}))).Emit(Op::CONST, a.Const(List({Int(1)})));
  a.At(2, 3).Emit(Op::CALL_BUILTIN, BuiltinId("zip"), 2).Emit(Op::RETURN);
  RunResult r = RunFresh(a.Build(0, 2));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_EQ(ErrorField(r, "message"), "\"the result of zip(): value nests deeper than 256 levels\"");
  // A builtin's own limit error has the same code.
  Assembler b;
  b.Emit(Op::CONST, b.Const(Str("ab"))).Emit(Op::CONST, b.Const(Int(int64_t{1} << 40)));
  b.Emit(Op::CALL_BUILTIN, BuiltinId("repeat"), 2).Emit(Op::RETURN);
  r = RunFresh(b.Build(0, 2));
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_EQ(ErrorField(r, "message"), "\"repeat() result is too large (over 64 MiB)\"");
}

// CONST s, CALL_BUILTIN upper, RETURN: three instructions, but upper() builds a string as long
// as s.
Program UpperOf(const Value& s) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(s)).Emit(Op::CALL_BUILTIN, BuiltinId("upper"), 1).Emit(Op::RETURN);
  return a.Build(0, 1);
}

TEST(Limits, BuiltinsAreChargedFuelForTheirSize) {
  RunContext ctx;
  ctx.max_steps = 10'000;
  EXPECT_EQ(RunFresh(UpperOf(Str("abc")), {}, ctx).status, RunStatus::kCompleted);
  // 1 MiB of output costs 65,536 instructions' worth of fuel.
  RunResult r = RunFresh(UpperOf(Str(std::string(1 << 20, 'a'))), {}, ctx);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "code"), "\"FUEL_EXHAUSTED\"");
  // The charge shows in the steps taken.
  ctx.max_steps = 1'000'000;
  ExecState state;
  r = RunFresh(UpperOf(Str(std::string(1 << 20, 'a'))), {}, ctx, &state);
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_GE(state.steps, (uint64_t{1} << 20) / kUnitsPerFuel);
}

TEST(Limits, PlusAndInterpolationAreChargedFuelForTheirSize) {
  RunContext ctx;
  ctx.max_steps = 10'000;
  const Value s = Str(std::string(1 << 19, 'a'));
  EXPECT_EQ(ErrorField(RunFresh(SingleOp(Op::ADD, {s, s}), {}, ctx), "code"),
            "\"FUEL_EXHAUSTED\"");
  EXPECT_EQ(ErrorField(RunFresh(SingleOp(Op::CONCAT, {s, s}, 2), {}, ctx), "code"),
            "\"FUEL_EXHAUSTED\"");
  const Value items = List(std::vector<Value>(1 << 16));
  EXPECT_EQ(ErrorField(RunFresh(SingleOp(Op::ADD, {items, items}), {}, ctx), "code"),
            "\"FUEL_EXHAUSTED\"");
}

TEST(Limits, EqualityOfBigDistinctValuesIsChargedFuel) {
  RunContext ctx;
  ctx.max_steps = 10'000;
  std::vector<Value> a(1 << 16), b(1 << 16);
  for (size_t i = 0; i < a.size(); ++i) a[i] = b[i] = Int(static_cast<int64_t>(i));
  const Value x = List(std::move(a));
  EXPECT_EQ(ErrorField(RunFresh(SingleOp(Op::EQ, {x, List(std::move(b))}), {}, ctx), "code"),
            "\"FUEL_EXHAUSTED\"");
  // The same value on both sides costs nothing extra.
  EXPECT_EQ(RunFresh(SingleOp(Op::EQ, {x, x}), {}, ctx).output.ToJson(), "true");
}

}  // namespace
}  // namespace weft::vm::testing
