// Unit tests for the semantic checker (compiler/check): slot layout, resolutions, and one
// program per semantic diagnostic kind. The golden files show the messages; these pin the
// facts the code generator relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "stdlib/builtins.h"

namespace weft {
namespace {

using diag::DiagnosticKind;
using Kind = ast::Resolution::Kind;

compiler::CompileOutput CompileText(const std::string& source) {
  return compiler::Compile("test.wf", source);
}

std::vector<DiagnosticKind> KindsOf(const compiler::CompileOutput& out) {
  std::vector<DiagnosticKind> kinds;
  for (const diag::Diagnostic& d : out.diagnostics.all()) kinds.push_back(d.kind);
  return kinds;
}

std::string Rendered(const compiler::CompileOutput& out, const std::string& source) {
  return diag::RenderAll(out.diagnostics, "test.wf", source);
}

const std::vector<ast::StmtPtr>& Body(const compiler::CompileOutput& out, size_t wf = 0) {
  return out.module->workflows.at(wf).body.stmts;
}

TEST(CheckSlots, ParamsFirstThenLocalsInOrder) {
  const std::string src = "workflow w(a: int, b = 2) { let x = a\n var y = b\n return [x, y] }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  EXPECT_EQ(Body(out)[0]->slot, 2u);
  EXPECT_EQ(Body(out)[1]->slot, 3u);
  EXPECT_EQ(out.module->workflows[0].num_locals, 4u);
  // `a` in `let x = a` resolves to parameter slot 0.
  EXPECT_EQ(Body(out)[0]->value->resolution.kind, Kind::kLocal);
  EXPECT_EQ(Body(out)[0]->value->resolution.index, 0u);
}

TEST(CheckSlots, SiblingBlocksReuseSlotsAndNumLocalsIsTheHighWaterMark) {
  const std::string src =
      "workflow w() { { let a = 1\n let b = 2 } { let c = 3 } let d = 4\n return d }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const auto& first = Body(out)[0]->then_block->stmts;
  const auto& second = Body(out)[1]->then_block->stmts;
  EXPECT_EQ(first[0]->slot, 0u);
  EXPECT_EQ(first[1]->slot, 1u);
  EXPECT_EQ(second[0]->slot, 0u);
  EXPECT_EQ(Body(out)[2]->slot, 0u);
  EXPECT_EQ(out.module->workflows[0].num_locals, 2u);
}

TEST(CheckSlots, ShadowingTakesANewSlot) {
  const std::string src = "workflow w() { let x = 1\n { let x = x + 1\n return x } }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Stmt& inner = *Body(out)[1]->then_block->stmts[0];
  EXPECT_EQ(inner.slot, 1u);
  // The initialiser reads the outer x (slot 0): the new x is declared after it.
  EXPECT_EQ(inner.value->lhs->resolution.index, 0u);
  const ast::Stmt& ret = *Body(out)[1]->then_block->stmts[1];
  EXPECT_EQ(ret.value->resolution.index, 1u);
}

TEST(CheckSlots, ForTakesTwoHiddenSlotsThenItsItem) {
  const std::string src = "workflow w(l: list) { for item in l { let y = item } return 1 }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Stmt& loop = *Body(out)[0];
  EXPECT_EQ(loop.hidden_slot, 1u);  // 1 and 2
  EXPECT_EQ(loop.slot, 3u);
  EXPECT_EQ(loop.then_block->stmts[0]->slot, 4u);
  EXPECT_EQ(out.module->workflows[0].num_locals, 5u);
}

TEST(CheckSlots, SwitchStatementTakesOneHiddenSubjectSlot) {
  const std::string src =
      "workflow w(s: string) { switch s { case \"a\" => { let z = 1 } default => {} } return 1 }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Stmt& sw = *Body(out)[0];
  EXPECT_EQ(sw.hidden_slot, 1u);
  EXPECT_EQ(sw.arms[0].block->stmts[0]->slot, 2u);
  EXPECT_EQ(out.module->workflows[0].num_locals, 3u);
}

TEST(CheckResolution, TaskIndicesFollowFirstUseAndBuiltinsUseTheirIds) {
  const std::string src =
      "task a, b, c\n"
      "workflow w() { let x = c(n: 1)\n let y = a(m: b())\n return [c(), len([x, y]), now()] }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Expr& call_c = *Body(out)[0]->value;
  const ast::Expr& call_a = *Body(out)[1]->value;
  const ast::Expr& call_b = *call_a.args[0].value;
  EXPECT_EQ(call_c.resolution.kind, Kind::kTask);
  EXPECT_EQ(call_c.resolution.index, 0u);
  EXPECT_EQ(call_a.resolution.index, 1u);
  EXPECT_EQ(call_b.resolution.index, 2u);
  const ast::Expr& list = *Body(out)[2]->value;
  EXPECT_EQ(list.items[0]->resolution.index, 0u);  // c again
  EXPECT_EQ(list.items[1]->resolution.kind, Kind::kBuiltin);
  EXPECT_EQ(list.items[1]->resolution.index, static_cast<uint32_t>(stdlib::BuiltinId::k_len));
  EXPECT_EQ(list.items[2]->resolution.index, static_cast<uint32_t>(stdlib::BuiltinId::k_now));
}

// jq(q, v) is checked as the builtin it looks like, then becomes a call of the system task
// `jq` with named arguments; a malformed call keeps the builtin's diagnostics, and a declared
// task named jq takes the name over.
TEST(CheckResolution, JqBecomesACallOfTheSystemTaskJq) {
  const std::string src = "task t\nworkflow w() { let x = t(n: 1)\n return jq(\".a\", x) }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Expr& call = *Body(out)[1]->value;
  EXPECT_EQ(call.resolution.kind, Kind::kTask);
  EXPECT_EQ(call.resolution.index, 1u);
  ASSERT_EQ(call.args.size(), 2u);
  EXPECT_EQ(call.args[0].name, "query");
  EXPECT_EQ(call.args[1].name, "input");

  EXPECT_EQ(KindsOf(CompileText("workflow w() { return jq(\".\") }")),
            std::vector<DiagnosticKind>{DiagnosticKind::kBuiltinArity});
  EXPECT_EQ(KindsOf(CompileText("workflow w() { return jq(query: \".\", input: 1) }")),
            (std::vector<DiagnosticKind>{DiagnosticKind::kNamedBuiltinArg,
                                         DiagnosticKind::kNamedBuiltinArg}));
  EXPECT_EQ(KindsOf(CompileText("workflow w() { return jq(\".\", 1) with { retries: 1 } }")),
            std::vector<DiagnosticKind>{DiagnosticKind::kWithOnNonTask});
  const auto declared = CompileText("task jq\nworkflow w() { return jq(q: 1) }");
  EXPECT_EQ(Body(declared)[0]->value->resolution.kind, Kind::kTask);
  EXPECT_EQ(Body(declared)[0]->value->args[0].name, "q");
}

TEST(CheckResolution, AVariableShadowsATaskNameInValuePosition) {
  const std::string src = "task t\nworkflow w() { let t = 1\n return t + 1 }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
}

TEST(CheckFlow, DefiniteAssignmentThroughBranches) {
  const std::string ok =
      "workflow w(f: bool, k: string) { var a\n if f { a = 1 } else { a = 2 }\n"
      " var b\n switch k { case \"x\" => b = 1\n default => b = 2 }\n"
      " var c\n if f { c = 1 } else { return 0 }\n return [a, b, c] }";
  const auto good = CompileText(ok);
  EXPECT_TRUE(good.ok()) << Rendered(good, ok);

  const std::string loop = "workflow w(f: bool) { var a\n while f { a = 1\n break }\n return a }";
  EXPECT_EQ(KindsOf(CompileText(loop)), std::vector{DiagnosticKind::kReadBeforeAssign});
}

TEST(CheckFlow, OnlyTheFirstUnreachableStatementOfABlockIsReported) {
  const std::string src = "workflow w() { return 1\n let a = 2\n let b = 3 }";
  EXPECT_EQ(KindsOf(CompileText(src)), std::vector{DiagnosticKind::kUnreachableCode});
}

TEST(CheckFlow, BreakInsideASwitchInsideALoopIsFine) {
  const std::string src =
      "workflow w(l: list) { for x in l { switch x { case 1 => break\n default => continue } } "
      "return 0 }";
  const auto out = CompileText(src);
  EXPECT_TRUE(out.ok()) << Rendered(out, src);
}

// One minimal program per semantic diagnostic kind.
struct KindCase {
  DiagnosticKind kind;
  const char* source;
};

const KindCase kKindCases[] = {
    {DiagnosticKind::kUnknownVariable, "workflow w() { return nope }"},
    {DiagnosticKind::kUnknownCallee, "workflow w() { return nope(a: 1) }"},
    {DiagnosticKind::kDuplicateTask, "task t, t\nworkflow w() { return 1 }"},
    {DiagnosticKind::kDuplicateWorkflow, "workflow w() { return 1 }\nworkflow w() { return 2 }"},
    {DiagnosticKind::kDuplicateParam, "workflow w(a, a) { return 1 }"},
    {DiagnosticKind::kDuplicateVariable, "workflow w() { let a = 1\n let a = 2\n return a }"},
    {DiagnosticKind::kTaskWorkflowClash, "task w\nworkflow w() { return 1 }"},
    {DiagnosticKind::kBuiltinNameTaken, "task len\nworkflow w() { return 1 }"},
    {DiagnosticKind::kAssignToImmutable, "workflow w(a) { a = 1\n return a }"},
    {DiagnosticKind::kAssignToUnknown, "workflow w() { b = 1\n return 1 }"},
    {DiagnosticKind::kCallableAsValue, "task t\nworkflow w() { return t }"},
    {DiagnosticKind::kCallToVariable, "workflow w(a) { return a(x: 1) }"},
    {DiagnosticKind::kBreakOutsideLoop, "workflow w() { break }"},
    {DiagnosticKind::kContinueOutsideLoop, "workflow w() { continue }"},
    {DiagnosticKind::kUnreachableCode, "workflow w() { return 1\n return 2 }"},
    {DiagnosticKind::kReadBeforeAssign, "workflow w() { var a\n return a }"},
    {DiagnosticKind::kSwitchExprNoDefault, "workflow w(a) { return switch a { case 1 => 2 } }"},
    {DiagnosticKind::kDuplicateCaseValue,
     "workflow w(a) { switch a { case 1 => {} case 1.0 => {} } return 1 }"},
    {DiagnosticKind::kDuplicateDefault,
     "workflow w(a) { switch a { default => {} default => {} } return 1 }"},
    {DiagnosticKind::kBuiltinArity, "workflow w() { return len() }"},
    {DiagnosticKind::kPositionalTaskArg, "task t\nworkflow w(a) { return t(a) }"},
    {DiagnosticKind::kNamedBuiltinArg, "workflow w(a) { return len(x: a) }"},
    {DiagnosticKind::kDuplicateArgument, "task t\nworkflow w() { return t(a: 1, a: 2) }"},
    {DiagnosticKind::kDuplicateObjectKey, "workflow w() { return {a: 1, \"a\": 2} }"},
    {DiagnosticKind::kUnknownType, "workflow w(a: text) { return a }"},
    {DiagnosticKind::kDefaultNotLiteral, "workflow w(a = len([])) { return a }"},
    {DiagnosticKind::kDefaultTypeMismatch, "workflow w(a: int = \"x\") { return a }"},
    {DiagnosticKind::kUnknownWorkflow, "workflow w() { return start v() }"},
    {DiagnosticKind::kNameTooLong,  // a 129-byte signal name
     "workflow w() { return await signal(\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\") }"},
    {DiagnosticKind::kParallelWriteConflict,
     "task t\nworkflow w() { var a = 1\n parallel { a = t(x: 1)\n a = 2 }\n return a }"},
    {DiagnosticKind::kParallelReadWriteConflict,
     "task t\nworkflow w() { var a = 1\n parallel { a = 2\n t(x: a) }\n return a }"},
    {DiagnosticKind::kParallelForAssignsOuter,
     "workflow w(xs) { var n = 0\n parallel for x in xs { n = x }\n return n }"},
    {DiagnosticKind::kReturnInBranch, "workflow w() { parallel { return 1 } }"},
    {DiagnosticKind::kLoopControlLeavesBranch,
     "workflow w(xs) { for x in xs { parallel { break } }\n return 1 }"},
    {DiagnosticKind::kYieldOutsideParallelFor, "workflow w() { yield 1 }"},
    {DiagnosticKind::kUnknownOptionKey, "task t with { retry: 1 }\nworkflow w() { return 1 }"},
    {DiagnosticKind::kBadOptionValue, "task t with { retries: -1 }\nworkflow w() { return 1 }"},
    {DiagnosticKind::kWithOnNonTask, "workflow w(a) { return len(a) with { retries: 1 } }"},
    {DiagnosticKind::kCompensateMisuse,
     "task t\nworkflow w(a) { return t(a: a) compensate len(a) }"},
    {DiagnosticKind::kUnknownWorkflowArg,
     "workflow w() { return v(b: 1) }\nworkflow v(a = 1) { return a }"},
    {DiagnosticKind::kMissingWorkflowArg,
     "workflow w() { return v() }\nworkflow v(a) { return a }"},
    {DiagnosticKind::kBadVersionSuffix, "task t\nworkflow w() { return t@2(a: 1) }"},
    {DiagnosticKind::kBadCallLabel, "workflow w(a) { return len(a) as \"l\" }"},
    {DiagnosticKind::kBadMigrateEntry, "workflow w() { return 1 }\nmigrate w { x = 1 }"},
    {DiagnosticKind::kMigrateValueNotPure,
     "task t\nworkflow w(a) { return a }\nmigrate w { a = t(b: 1) }"},
};

class CheckKind : public ::testing::TestWithParam<KindCase> {};

TEST_P(CheckKind, MinimalProgramReportsExactlyThatKind) {
  const KindCase& c = GetParam();
  const auto out = CompileText(c.source);
  EXPECT_EQ(KindsOf(out), std::vector{c.kind}) << Rendered(out, c.source);
  ASSERT_FALSE(out.diagnostics.all().empty());
  const diag::Diagnostic& d = out.diagnostics.all()[0];
  EXPECT_NE(d.range.line, 0u) << "a diagnostic without a position";
  ASSERT_FALSE(d.message.empty());
  EXPECT_TRUE(std::islower(static_cast<unsigned char>(d.message[0])) || d.message[0] == '`')
      << d.message;
  EXPECT_NE(d.message.back(), '.') << d.message;
  if (diag::InfoOf(c.kind).severity == diag::Severity::kError) {
    EXPECT_TRUE(out.workflows.empty()) << "no code is generated for a file with errors";
  } else {
    EXPECT_FALSE(out.workflows.empty()) << "a warning does not stop code generation";
  }
}

INSTANTIATE_TEST_SUITE_P(EverySemanticKind, CheckKind, ::testing::ValuesIn(kKindCases),
                         [](const ::testing::TestParamInfo<KindCase>& info) {
                           return std::string(diag::InfoOf(info.param.kind).name);
                         });

TEST(CheckKind, TheTableCoversEverySemanticKind) {
  const std::vector<DiagnosticKind> kinds = {
#define DIAG(code, name, severity, summary) DiagnosticKind::k##name,
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
  };
  for (DiagnosticKind kind : kinds) {
    const std::string_view code = diag::InfoOf(kind).code;
    if (code.substr(0, 3) == "E00") continue;  // syntax: the parser's
    // a state map's, found between two versions (tests/golden/migrate)
    if (code >= "E0401" && code <= "E0405") continue;
    const bool covered = std::any_of(std::begin(kKindCases), std::end(kKindCases),
                                     [&](const KindCase& c) { return c.kind == kind; });
    EXPECT_TRUE(covered) << code << " " << diag::InfoOf(kind).name << " has no unit case";
  }
}

TEST(CheckAll, EveryErrorInAFileIsReportedInOneRun) {
  const std::string src =
      "task t, t\n"
      "workflow w(a: strng) { a = 1\n let x = nope\n break\n return len(1, 2)\n let dead = 1 }";
  const auto out = CompileText(src);
  EXPECT_EQ(KindsOf(out),
            (std::vector{DiagnosticKind::kDuplicateTask, DiagnosticKind::kUnknownType,
                         DiagnosticKind::kAssignToImmutable, DiagnosticKind::kUnknownVariable,
                         DiagnosticKind::kBreakOutsideLoop, DiagnosticKind::kBuiltinArity,
                         DiagnosticKind::kUnreachableCode}))
      << Rendered(out, src);
}

TEST(CheckAll, HintsSuggestTheClosestName) {
  const std::string src = "task ship_ups\nworkflow w(a) { return ship_usp(address: a) }";
  const auto out = CompileText(src);
  ASSERT_EQ(out.diagnostics.all().size(), 1u);
  const diag::Diagnostic& d = out.diagnostics.all()[0];
  EXPECT_EQ(d.message, "unknown task `ship_usp`");
  ASSERT_EQ(d.hints.size(), 1u);
  EXPECT_EQ(d.hints[0], "did you mean `ship_ups`?");
}

TEST(CheckAll, ToleratesAHandBuiltModuleWithMissingChildren) {
  ast::Module module;
  ast::WorkflowDecl wf;
  wf.name = "w";
  auto ret = std::make_unique<ast::Stmt>(ast::StmtKind::kReturn, diag::SourceRange{1, 1, 1, 7});
  auto iff = std::make_unique<ast::Stmt>(ast::StmtKind::kIf, diag::SourceRange{2, 1, 2, 3});
  wf.body.stmts.push_back(std::move(iff));  // no condition, no blocks
  wf.body.stmts.push_back(std::move(ret));  // no value
  module.workflows.push_back(std::move(wf));
  diag::DiagnosticList diags;
  check::Check(module, diags);
  EXPECT_FALSE(diags.has_errors());
}

// --- issue 3: fork/join, try, do-while, sub-workflows --------------------------------------

std::vector<DiagnosticKind> KindsFor(const std::string& src) { return KindsOf(CompileText(src)); }

TEST(CheckParallel, BranchesAndBodiesTakeSlotsFromTheirBase) {
  const std::string src =
      "task t\nworkflow w(xs: list) { let k = 1\n var a = 0\n"
      " parallel { a = t(x: k)\n { let b = t(x: k)\n t(x: b) } }\n"
      " let r = parallel for x in xs { let y = x\n yield y }\n return [a, r] }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  const ast::Stmt& par = *Body(out)[2];
  EXPECT_EQ(par.bases, (std::vector<uint32_t>{3, 3}));
  EXPECT_EQ(par.then_block->stmts[1]->then_block->stmts[0]->slot, 3u);  // b
  const ast::Expr& pfor = *Body(out)[3]->value;
  EXPECT_EQ(pfor.base, 3u);
  EXPECT_EQ(pfor.slot, 3u);                          // x
  EXPECT_EQ(pfor.body->stmts[0]->slot, 4u);          // y
  EXPECT_EQ(out.module->workflows[0].num_locals, 5u);
}

TEST(CheckParallel, BranchesMayShareReadsAndAssignTheirOwnVariables) {
  EXPECT_EQ(KindsFor("task t\nworkflow w() { let k = 1\n var a = 0\n var b = 0\n"
                     " parallel { a = t(x: k)\n b = t(x: k) }\n return [a, b] }"),
            std::vector<DiagnosticKind>{});
  // A branch's own locals, even assigned by a nested parallel of its own, are not outer.
  EXPECT_EQ(KindsFor("task t\nworkflow w() { parallel { { var c = 0\n parallel { c = t(x: 1) }\n"
                     " t(x: c) } } }"),
            std::vector<DiagnosticKind>{});
}

TEST(CheckParallel, NestedConflictsReachTheOuterBlock) {
  EXPECT_EQ(KindsFor("task t\nworkflow w() { var a = 0\n parallel { { parallel { a = t(x: 1) } }\n"
                     " a = 2 }\n return a }"),
            std::vector{DiagnosticKind::kParallelWriteConflict});
}

TEST(CheckParallel, EveryBranchAssignsBeforeTheJoin) {
  EXPECT_EQ(KindsFor("workflow w() { var a\n var b\n parallel { a = 1\n b = 2 }\n return [a, b] }"),
            std::vector<DiagnosticKind>{});
}

TEST(CheckParallel, YieldBelongsToTheInnermostParallelFor) {
  EXPECT_EQ(KindsFor("workflow w(xs) { return parallel for x in xs {\n"
                     " let r = parallel for y in x { yield y }\n yield r } }"),
            std::vector<DiagnosticKind>{});
}

TEST(CheckTry, TheCatchStartsFromBeforeTheTry) {
  EXPECT_EQ(KindsFor("workflow w() { var x\n try { x = 1 } catch { x = 2 }\n return x }"),
            std::vector<DiagnosticKind>{});
  EXPECT_EQ(KindsFor("workflow w() { var x\n try { x = 1 } catch e { }\n return x }"),
            std::vector{DiagnosticKind::kReadBeforeAssign});
  EXPECT_EQ(KindsFor("workflow w() { try { } catch e { e = 1 }\n return 1 }"),
            std::vector{DiagnosticKind::kAssignToImmutable});
  EXPECT_EQ(KindsFor("workflow w() { try { } catch e { }\n return e }"),
            std::vector{DiagnosticKind::kUnknownVariable});
}

TEST(CheckDoWhile, TheConditionSeesTheBodyAndEveryContinue) {
  EXPECT_EQ(KindsFor("workflow w() { var x\n do { x = 1 } while x < 1\n return x }"),
            std::vector<DiagnosticKind>{});
  EXPECT_EQ(KindsFor("workflow w(c) { var x\n do { if c { continue }\n x = 1 } while x > 0\n"
                     " return 1 }"),
            std::vector{DiagnosticKind::kReadBeforeAssign});
  EXPECT_EQ(KindsFor("workflow w(c) { var x\n do { if c { break }\n x = 1 } while false\n"
                     " return x }"),
            std::vector{DiagnosticKind::kReadBeforeAssign});
  // The body's names are not in scope in the condition.
  EXPECT_EQ(KindsFor("workflow w() { do { let y = 1 } while y < 1\n return 1 }"),
            std::vector{DiagnosticKind::kUnknownVariable});
}

TEST(CheckCalls, ResolutionOrderIsTaskWorkflowHttpBuiltin) {
  const std::string src =
      "workflow w() { let a = http(url: \"u\")\n let b = v(a: 1)\n return [a, b] }\n"
      "workflow v(a) { return a }";
  const auto out = CompileText(src);
  ASSERT_TRUE(out.ok()) << Rendered(out, src);
  EXPECT_EQ(Body(out)[0]->value->resolution.kind, Kind::kTask);
  EXPECT_EQ(Body(out)[1]->value->resolution.kind, Kind::kWorkflow);
  EXPECT_EQ(Body(out)[1]->value->resolution.index, 1u);
  // A workflow named http wins over the implicit task.
  const std::string shadow =
      "workflow w() { return http(url: 1) }\nworkflow http(url) { return url }";
  const auto out2 = CompileText(shadow);
  ASSERT_TRUE(out2.ok()) << Rendered(out2, shadow);
  EXPECT_EQ(Body(out2)[0]->value->resolution.kind, Kind::kWorkflow);
}

TEST(CheckCalls, ARecursiveWorkflowCallIsFine) {
  EXPECT_EQ(KindsFor("workflow w(n: int) { if n > 0 { return w(n: n - 1) }\n return 0 }"),
            std::vector<DiagnosticKind>{});
}

TEST(CheckAll, ToleratesHandBuiltIssue3NodesWithMissingChildren) {
  ast::Module module;
  ast::WorkflowDecl wf;
  wf.name = "w";
  const diag::SourceRange r{1, 1, 1, 2};
  for (ast::StmtKind kind : {ast::StmtKind::kParallel, ast::StmtKind::kTry,
                             ast::StmtKind::kSleep, ast::StmtKind::kDoWhile}) {
    wf.body.stmts.push_back(std::make_unique<ast::Stmt>(kind, r));
  }
  for (ast::ExprKind kind :
       {ast::ExprKind::kParallelFor, ast::ExprKind::kAwaitSignal, ast::ExprKind::kStart}) {
    auto stmt = std::make_unique<ast::Stmt>(ast::StmtKind::kExpr, r);
    stmt->value = std::make_unique<ast::Expr>(kind, r);
    wf.body.stmts.push_back(std::move(stmt));
  }
  module.workflows.push_back(std::move(wf));
  diag::DiagnosticList diags;
  check::Check(module, diags);
  EXPECT_FALSE(diags.has_errors());
}

}  // namespace
}  // namespace weft
