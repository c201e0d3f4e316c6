// Unit tests for the code generator (compiler/codegen): every program it emits for the golden
// inputs passes the bytecode verifier, max_stack is exactly the deepest stack, no instruction
// is dead, constants are stored once, and the task table, params and line table say what the
// source says.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "bytecode/instruction.h"
#include "bytecode/verifier.h"
#include "compiler/codegen/constant_pool.h"
#include "compiler/codegen/emitter.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

using bytecode::Op;
using bytecode::Program;

std::vector<Program> CompileOk(const std::string& source) {
  compiler::CompileOutput out = compiler::Compile("test.wf", source);
  EXPECT_TRUE(out.ok()) << diag::RenderAll(out.diagnostics, "test.wf", source);
  return std::move(out.workflows);
}

Program CompileOne(const std::string& source) {
  std::vector<Program> programs = CompileOk(source);
  if (programs.size() != 1) {
    ADD_FAILURE() << "expected one workflow, got " << programs.size();
    return Program();
  }
  return std::move(programs[0]);
}

std::vector<bytecode::Instruction> Decode(const Program& p) {
  std::vector<bytecode::Instruction> out;
  for (uint32_t pc = 0; pc < p.code.size();) {
    auto ins = bytecode::DecodeAt(p.code, pc);
    if (!ins) {
      ADD_FAILURE() << "undecodable code at pc " << pc;
      break;
    }
    out.push_back(*ins);
    pc += ins->size;
  }
  return out;
}

std::vector<Op> OpsOf(const Program& p) {
  std::vector<Op> ops;
  for (const auto& ins : Decode(p)) ops.push_back(ins.op);
  return ops;
}

// Every program the golden inputs and the examples compile to.
std::vector<std::pair<std::string, Program>> AllGoldenPrograms() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"tests/golden/disasm", "tests/golden/check", "examples"}) {
    for (auto& f : golden::ListWfFiles(dir)) {
      if (!golden::IsFailCase(f)) files.push_back(f);
    }
  }
  std::vector<std::pair<std::string, Program>> all;
  for (const auto& f : files) {
    const std::string source = golden::ReadFile(f);
    compiler::CompileOutput out = compiler::Compile(f.filename().string(), source);
    EXPECT_TRUE(out.ok()) << f << "\n"
                          << diag::RenderAll(out.diagnostics, f.filename().string(), source);
    for (Program& p : out.workflows) {
      all.emplace_back(f.filename().string() + ":" + p.workflow_name, std::move(p));
    }
  }
  return all;
}

TEST(CodegenPrograms, ThereAreEnoughGoldenProgramsToMeanSomething) {
  EXPECT_GE(AllGoldenPrograms().size(), 15u);
}

TEST(CodegenPrograms, EveryProgramPassesTheVerifier) {
  for (const auto& [name, p] : AllGoldenPrograms()) {
    const absl::Status s = bytecode::VerifyProgram(p);
    EXPECT_TRUE(s.ok()) << name << ": " << s;
  }
}

TEST(CodegenPrograms, MaxStackIsTheDeepestStackAndNoInstructionIsDead) {
  for (const auto& [name, p] : AllGoldenPrograms()) {
    std::vector<int32_t> depths;
    ASSERT_TRUE(bytecode::VerifyProgram(p, &depths).ok()) << name;
    int64_t deepest = 0;
    uint32_t pc = 0;
    for (const auto& ins : Decode(p)) {
      ASSERT_GE(depths[pc], 0) << name << ": dead instruction at pc " << pc;
      const auto effect = bytecode::StackEffectOf(ins.op, ins.a, ins.b);
      deepest = std::max(deepest, depths[pc] - effect.pops + effect.pushes);
      pc += ins.size;
    }
    EXPECT_EQ(p.max_stack, deepest) << name;
  }
}

TEST(CodegenPrograms, ConstantsAreStoredOnce) {
  for (const auto& [name, p] : AllGoldenPrograms()) {
    std::set<std::pair<int, std::string>> seen;
    for (const Value& v : p.constants) {
      EXPECT_TRUE(seen.emplace(static_cast<int>(v.kind()), v.ToJson()).second)
          << name << ": constant " << v.ToJson() << " appears twice";
    }
  }
}

TEST(CodegenPrograms, LineTableIsSortedAndCoversTheFirstInstruction) {
  for (const auto& [name, p] : AllGoldenPrograms()) {
    ASSERT_FALSE(p.lines.empty()) << name;
    EXPECT_EQ(p.lines.front().pc, 0u) << name;
    for (size_t i = 1; i < p.lines.size(); ++i) {
      EXPECT_LT(p.lines[i - 1].pc, p.lines[i].pc) << name;
    }
  }
}

TEST(Codegen, RepeatedLiteralsAndFieldNamesShareOneConstant) {
  const Program p = CompileOne(
      "workflow w(o: object) { let a = \"x\"\n let b = \"x\"\n let c = o.x\n"
      " return [a, b, c, 1, 1, 1.0, {x: 1}] }");
  int strings_x = 0, ints_1 = 0, doubles_1 = 0;
  for (const Value& v : p.constants) {
    strings_x += v.is_string() && v.as_string() == "x";
    ints_1 += v.is_int() && v.as_int() == 1;
    doubles_1 += v.is_double() && v.as_double() == 1.0;
  }
  EXPECT_EQ(strings_x, 1);
  EXPECT_EQ(ints_1, 1);
  EXPECT_EQ(doubles_1, 1) << "the float 1.0 stays distinct from the int 1";
}

TEST(Codegen, TaskTableHoldsOnlyCalledTasksInFirstUseOrder) {
  const Program p = CompileOne(
      "task a, b, c, unused\n"
      "workflow w() { let x = c(n: 1)\n let y = a(m: b())\n return c(x: x, y: y) }");
  ASSERT_EQ(p.tasks.size(), 3u);
  EXPECT_EQ(p.tasks[0].name, "c");
  EXPECT_EQ(p.tasks[1].name, "a");
  EXPECT_EQ(p.tasks[2].name, "b");
}

TEST(Codegen, ParamsCarryTypesAndLiteralDefaults) {
  const Program p = CompileOne(
      "workflow w(a: string, b: int = -3, c = [1, {k: 30s}], d: float = 2) { return 1 }");
  ASSERT_EQ(p.params.size(), 4u);
  EXPECT_EQ(p.params[0].type, bytecode::ParamType::kString);
  EXPECT_FALSE(p.params[0].has_default);
  EXPECT_EQ(p.params[1].type, bytecode::ParamType::kInt);
  EXPECT_EQ(p.params[1].default_value.ToJson(), "-3");
  EXPECT_EQ(p.params[2].type, bytecode::ParamType::kAny);
  EXPECT_EQ(p.params[2].default_value.ToJson(), "[1,{\"k\":30000}]");
  EXPECT_EQ(p.params[3].type, bytecode::ParamType::kFloat);
  EXPECT_TRUE(p.params[3].default_value.is_int()) << "a default keeps the literal's own kind";
  EXPECT_EQ(p.num_locals, 4u);
}

TEST(Codegen, FallingOffTheEndReturnsNullButAnEndedBodyGetsNoExtraReturn) {
  const Program implicit = CompileOne("workflow w() { let x = 1 }");
  EXPECT_EQ(OpsOf(implicit),
            (std::vector{Op::CONST, Op::STORE_LOCAL, Op::PUSH_NULL, Op::RETURN}));
  const Program ended = CompileOne("workflow w(x: bool) { if x { return 1 } else { fail 2 } }");
  const std::vector<Op> ops = OpsOf(ended);
  EXPECT_EQ(ops.back(), Op::FAIL);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), Op::PUSH_NULL), 0);
}

TEST(Codegen, ATaskCallBuildsItsInputObjectInWrittenOrder) {
  const Program p = CompileOne("task t\nworkflow w(v: int) { return t(y: v, x: 2) }");
  EXPECT_EQ(OpsOf(p), (std::vector{Op::CONST, Op::LOAD_LOCAL, Op::CONST, Op::CONST,
                                   Op::MAKE_OBJECT, Op::CALL_TASK, Op::RETURN}));
  const auto ins = Decode(p);
  EXPECT_EQ(p.constants[ins[0].a].as_string(), "y");
  EXPECT_EQ(p.constants[ins[2].a].as_string(), "x");
  EXPECT_EQ(ins[4].a, 2u);
}

// The line table entry in force at `pc`.
bytecode::LineEntry LineAt(const Program& p, uint32_t pc) {
  bytecode::LineEntry found;
  for (const auto& e : p.lines) {
    if (e.pc <= pc) found = e;
  }
  return found;
}

TEST(Codegen, RuntimeErrorsPointAtTheFieldAndTheCall) {
  //                 1234567890123456789012345678901234
  const Program p = CompileOne(
      "task t\n"
      "workflow w(o: object) {\n"
      "    let a = o.inner.missing\n"
      "    let b = t(x: a)\n"
      "    return b }");
  uint32_t pc = 0;
  std::vector<std::pair<Op, bytecode::LineEntry>> seen;
  for (const auto& ins : Decode(p)) {
    if (ins.op == Op::GET_FIELD || ins.op == Op::CALL_TASK) seen.emplace_back(ins.op, LineAt(p, pc));
    pc += ins.size;
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].second.line, 3u);
  EXPECT_EQ(seen[0].second.column, 15u);  // `inner`
  EXPECT_EQ(seen[1].second.column, 21u);  // `missing`
  EXPECT_EQ(seen[2].first, Op::CALL_TASK);
  EXPECT_EQ(seen[2].second.line, 4u);
  EXPECT_EQ(seen[2].second.column, 13u);  // `t(`
}

TEST(Codegen, TheShippingExampleCompiles) {
  const std::string source = golden::ReadFile(golden::SourcePath("tests/golden/check/shipping.wf"));
  const Program p = CompileOne(source);
  EXPECT_EQ(p.workflow_name, "shipping");
  ASSERT_EQ(p.tasks.size(), 4u);
  EXPECT_EQ(p.tasks[0].name, "shipping_info");
  EXPECT_EQ(p.tasks[3].name, "ship_dhl");
  EXPECT_TRUE(bytecode::VerifyProgram(p).ok());
}

TEST(ConstantPool, DeduplicatesByKindAndValue) {
  codegen::ConstantPool pool;
  EXPECT_EQ(pool.Add(Value::String("a")), 0u);
  EXPECT_EQ(pool.Add(Value::Int(1)), 1u);
  EXPECT_EQ(pool.Add(Value::Double(1.0)), 2u);
  EXPECT_EQ(pool.Add(Value::String("a")), 0u);
  EXPECT_EQ(pool.Add(Value::Int(1)), 1u);
  EXPECT_EQ(pool.Add(Value::Double(-0.0)), 3u);
  EXPECT_EQ(pool.Add(Value::String("1")), 4u);
  EXPECT_EQ(pool.Take().size(), 5u);
}

TEST(Emitter, DropsCodeAfterATerminatorUntilAJumpTargetIsBound) {
  codegen::Emitter em;
  const diag::SourceRange at{1, 1, 1, 2};
  const auto target = em.NewLabel();
  const auto unused = em.NewLabel();
  em.Emit(Op::PUSH_TRUE, at);
  em.EmitJump(Op::JUMP_IF_TRUE, target, at);
  em.Emit(Op::PUSH_NULL, at);
  em.Emit(Op::RETURN, at);
  em.Emit(Op::PUSH_NULL, at);  // dropped: nothing jumps here
  em.Bind(unused);             // still dead: no jump targets it
  em.Emit(Op::POP, at);        // dropped
  EXPECT_FALSE(em.reachable());
  em.Bind(target);
  EXPECT_TRUE(em.reachable());
  em.Emit(Op::PUSH_FALSE, at);
  em.Emit(Op::RETURN, at);
  Program p;
  em.Finish(p);
  EXPECT_EQ(OpsOf(p), (std::vector{Op::PUSH_TRUE, Op::JUMP_IF_TRUE, Op::PUSH_NULL, Op::RETURN,
                                   Op::PUSH_FALSE, Op::RETURN}));
  EXPECT_EQ(p.max_stack, 1u);
  EXPECT_TRUE(bytecode::VerifyProgram(p).ok());
}

// Two paths into one label with different stack depths.
void EmitDisagreeingJoin() {
  codegen::Emitter em;
  const diag::SourceRange at{1, 1, 1, 2};
  const auto join = em.NewLabel();
  em.Emit(Op::PUSH_TRUE, at);
  em.EmitJump(Op::JUMP_IF_TRUE, join, at);  // arrives with depth 0
  em.Emit(Op::PUSH_NULL, at);
  em.Bind(join);                            // falls in with depth 1
}

TEST(EmitterDeathTest, StackDepthsThatDisagreeAtAJoinAreABug) {
  EXPECT_DEATH(EmitDisagreeingJoin(), "stack depths disagree");
}

// --- issue 3 ---------------------------------------------------------------------------------

TEST(Emitter, SpawnedAndCatchTargetsStartAtTheirOwnDepths) {
  codegen::Emitter em;
  const diag::SourceRange at{1, 1, 1, 2};
  const auto branch = em.NewLabel();
  const auto each = em.NewLabel();
  const auto handler = em.NewLabel();
  const auto after = em.NewLabel();
  em.Emit(Op::PUSH_NULL, at);  // depth 1 around the fork: the branch still starts at 0
  em.EmitJump(Op::FORK, branch, at, 0);
  em.Emit(Op::MAKE_LIST, at, 0);
  em.Emit(Op::PUSH_NULL, at);
  em.EmitJump(Op::FORK_EACH, each, at, 0);
  em.EmitJump(Op::TRY, handler, at);  // depth 1: the catch target is reached with 2
  em.Emit(Op::JOIN, at);
  em.Emit(Op::END_TRY, at);
  em.EmitJump(Op::JUMP, after, at);
  em.Bind(branch);
  EXPECT_EQ(em.depth(), 0);
  em.Emit(Op::PUSH_NULL, at);
  em.Emit(Op::BRANCH_END, at);
  em.Bind(each);
  EXPECT_EQ(em.depth(), 1);
  em.Emit(Op::BRANCH_END, at);
  em.Bind(handler);
  EXPECT_EQ(em.depth(), 2);
  em.Emit(Op::POP, at);
  em.Emit(Op::RETURN, at);
  em.Bind(after);
  EXPECT_EQ(em.depth(), 2);
  em.Emit(Op::POP, at);
  em.Emit(Op::RETURN, at);
  Program p;
  em.Finish(p);
  EXPECT_EQ(p.max_stack, 3u);
  const absl::Status verified = bytecode::VerifyProgram(p);
  EXPECT_TRUE(verified.ok()) << verified;
}

TEST(Codegen, DeclaredPoliciesGoToTheTaskTableAndCallSitePoliciesToConstants) {
  const Program p = CompileOne(
      "task a with { retries: 2, delay: 1s, jitter: 0.5 }, b\n"
      "workflow w() { let x = a(i: 1) with { timeout: 2m }\n return b(i: x) }");
  ASSERT_EQ(p.tasks.size(), 2u);
  EXPECT_EQ(p.tasks[0].policy.ToJson(), R"({"retries":2,"delay":1000,"jitter":0.5})");
  EXPECT_TRUE(p.tasks[1].policy.is_null());
  const auto ins = Decode(p);
  auto with = std::find_if(ins.begin(), ins.end(),
                           [](const auto& i) { return i.op == Op::CALL_TASK_WITH; });
  ASSERT_NE(with, ins.end());
  EXPECT_EQ(with->a, 0u);
  EXPECT_EQ(p.constants.at(with->b).ToJson(), R"({"timeout":120000})");
}

TEST(Codegen, HttpIsAnImplicitTaskUnlessDeclared) {
  const Program implicit = CompileOne("workflow w() { return http(url: \"u\") }");
  ASSERT_EQ(implicit.tasks.size(), 1u);
  EXPECT_EQ(implicit.tasks[0].name, "http");
  EXPECT_TRUE(implicit.tasks[0].policy.is_null());
  const Program declared =
      CompileOne("task http with { retries: 4 }\nworkflow w() { return http(url: \"u\") }");
  ASSERT_EQ(declared.tasks.size(), 1u);
  EXPECT_EQ(declared.tasks[0].policy.ToJson(), R"({"retries":4})");
}

TEST(Codegen, WorkflowOptionsFillTheProgram) {
  std::vector<Program> programs = CompileOk(
      "workflow w() with { timeout: 2h, on_failure: \"f\" } { return 1 }\n"
      "workflow f() { return 2 }");
  ASSERT_EQ(programs.size(), 2u);
  EXPECT_EQ(programs[0].timeout_ms, 7200000);
  EXPECT_EQ(programs[0].failure_workflow, "f");
  EXPECT_EQ(programs[1].timeout_ms, 0);
  EXPECT_EQ(programs[1].failure_workflow, "");
}

TEST(Codegen, CompensationRegistersAfterTheCallAndKeepsItsResult) {
  const Program p = CompileOne(
      "task ship, cancel\nworkflow w() { let s = ship(o: 1) compensate cancel(o: 2)\n return s }");
  EXPECT_EQ(OpsOf(p), (std::vector{Op::CONST, Op::CONST, Op::MAKE_OBJECT, Op::CALL_TASK, Op::CONST,
                                   Op::CONST, Op::MAKE_OBJECT, Op::COMPENSATE, Op::STORE_LOCAL,
                                   Op::LOAD_LOCAL, Op::RETURN}));
  ASSERT_EQ(p.tasks.size(), 2u);
  EXPECT_EQ(p.tasks[1].name, "cancel");
}

TEST(Codegen, BreakOutOfNestedTriesEndsEachHandlerItLeaves) {
  const Program p = CompileOne(
      "workflow w(xs: list) { while true { try { for x in xs { try { break } catch { } } }"
      " catch { }\n try { try { continue } catch { } } catch { } }\n return 1 }");
  int end_tries = 0;
  for (Op op : OpsOf(p)) end_tries += op == Op::END_TRY;
  // `break` (of the for) leaves the inner try: 1; `continue` (of the while) leaves both: 2;
  // the two outer try blocks complete: 1 each. The inner ones never complete: none.
  EXPECT_EQ(end_tries, 5);
  EXPECT_TRUE(bytecode::VerifyProgram(p).ok());
}

}  // namespace
}  // namespace weft
