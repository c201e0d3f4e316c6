// Targeted parser tests: literal values (integer limits, durations, floats, escapes),
// interpolation nesting, source positions, precedence, friendly errors building the intended
// AST, and the token dump.
#include <gtest/gtest.h>

#include "compiler/ast/ast_dump.h"
#include "compiler/parser/parser.h"

namespace weft::parser {
namespace {

using ast::ExprKind;

// Parses `workflow w() { let v = <expr> }` and returns the initialiser.
struct Parsed {
  std::unique_ptr<ast::Module> module;
  diag::DiagnosticList diags;
  std::string source;

  const ast::Expr& Value() const { return *module->workflows.at(0).body.stmts.at(0)->value; }
  std::string Rendered() const { return diag::RenderAll(diags, "t.wf", source); }
  bool HasKind(diag::DiagnosticKind kind) const {
    for (const auto& d : diags.all()) {
      if (d.kind == kind) return true;
    }
    return false;
  }
};

std::unique_ptr<Parsed> ParseText(std::string source) {
  auto p = std::make_unique<Parsed>();
  p->source = std::move(source);
  p->module = Parse("t.wf", p->source, p->diags);
  return p;
}

std::unique_ptr<Parsed> ParseExpr(const std::string& expr) {
  return ParseText("workflow w() { let v = " + expr + " }");
}

TEST(ParserLiterals, IntegersAreExact64Bit) {
  EXPECT_EQ(ParseExpr("9223372036854775807")->Value().int_value, INT64_MAX);
  auto min = ParseExpr("-9223372036854775808");
  EXPECT_FALSE(min->diags.has_errors()) << min->Rendered();
  EXPECT_EQ(min->Value().kind, ExprKind::kInt);
  EXPECT_EQ(min->Value().int_value, INT64_MIN);
  EXPECT_EQ(ParseExpr("-5")->Value().int_value, -5);
  EXPECT_EQ(ParseExpr("007")->Value().int_value, 7);
}

TEST(ParserLiterals, IntegerOverflowIsADiagnostic) {
  for (const char* text : {"9223372036854775808", "-9223372036854775809",
                           "99999999999999999999999999"}) {
    auto p = ParseExpr(text);
    EXPECT_TRUE(p->HasKind(diag::DiagnosticKind::kNumberOutOfRange)) << text;
    EXPECT_EQ(p->diags.error_count(), 1u) << p->Rendered();
  }
}

TEST(ParserLiterals, DurationsAreMilliseconds) {
  const std::pair<const char*, int64_t> cases[] = {
      {"250ms", 250}, {"30s", 30000}, {"5m", 300000}, {"2h", 7200000}, {"1d", 86400000},
      {"0s", 0}, {"106751991167d", 106751991167LL * 86400000}};
  for (const auto& [text, ms] : cases) {
    auto p = ParseExpr(text);
    EXPECT_FALSE(p->diags.has_errors()) << text << p->Rendered();
    EXPECT_EQ(p->Value().kind, ExprKind::kDuration) << text;
    EXPECT_EQ(p->Value().int_value, ms) << text;
  }
  EXPECT_TRUE(ParseExpr("106751991168d")->HasKind(diag::DiagnosticKind::kNumberOutOfRange));
}

TEST(ParserLiterals, Floats) {
  EXPECT_DOUBLE_EQ(ParseExpr("1.5")->Value().double_value, 1.5);
  EXPECT_DOUBLE_EQ(ParseExpr("2e10")->Value().double_value, 2e10);
  EXPECT_DOUBLE_EQ(ParseExpr("1.5e-3")->Value().double_value, 1.5e-3);
  EXPECT_DOUBLE_EQ(ParseExpr("-0.25")->Value().double_value, -0.25);
  EXPECT_EQ(ParseExpr("2.0")->Value().kind, ExprKind::kDouble);
  EXPECT_TRUE(ParseExpr("1e400")->HasKind(diag::DiagnosticKind::kNumberOutOfRange));
}

TEST(ParserLiterals, Escapes) {
  auto p = ParseExpr(R"("q\" b\\ n\n t\t r\r d\$ {x} e\u{e9} g\u{1F600}")");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  ASSERT_EQ(p->Value().parts.size(), 1u);
  EXPECT_EQ(p->Value().parts[0].text, "q\" b\\ n\n t\t r\r d$ {x} e\xC3\xA9 g\xF0\x9F\x98\x80");
}

TEST(ParserLiterals, DollarEscapePreventsInterpolation) {
  auto p = ParseExpr(R"("\${not} $ alone")");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  ASSERT_EQ(p->Value().parts.size(), 1u);
  EXPECT_EQ(p->Value().parts[0].text, "${not} $ alone");
}

TEST(ParserLiterals, BadEscapesAreReportedAtTheEscape) {
  auto p = ParseText("workflow w() {\n  let v = \"ab\\qc\"\n}");
  ASSERT_EQ(p->diags.all().size(), 1u);
  const diag::Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.kind, diag::DiagnosticKind::kInvalidEscape);
  EXPECT_EQ(d.range.line, 2u);
  EXPECT_EQ(d.range.column, 14u);
  EXPECT_EQ(d.range.end_column, 16u);
}

TEST(ParserStrings, PlainStringHasOneTextPart) {
  auto p = ParseExpr(R"("")");
  ASSERT_EQ(p->Value().parts.size(), 1u);
  EXPECT_EQ(p->Value().parts[0].text, "");
  EXPECT_EQ(p->Value().parts[0].expr, nullptr);
}

TEST(ParserStrings, InterpolationNestsStrings) {
  auto p = ParseExpr(R"("a ${x ?? "none"} b")");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Expr& s = p->Value();
  ASSERT_EQ(s.parts.size(), 3u);
  EXPECT_EQ(s.parts[0].text, "a ");
  ASSERT_NE(s.parts[1].expr, nullptr);
  const ast::Expr& coalesce = *s.parts[1].expr;
  EXPECT_EQ(coalesce.binary_op, ast::BinaryOp::kCoalesce);
  EXPECT_EQ(coalesce.rhs->kind, ExprKind::kString);
  EXPECT_EQ(coalesce.rhs->parts[0].text, "none");
  EXPECT_EQ(s.parts[2].text, " b");
}

TEST(ParserStrings, InterpolationNestsDeeplyAndHoldsObjects) {
  auto p = ParseExpr(R"("1 ${"2 ${"3 ${ {k: "}"}.k } 3"} 2"} 1")");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Expr& level1 = p->Value();
  ASSERT_EQ(level1.parts.size(), 3u);
  const ast::Expr& level2 = *level1.parts[1].expr;
  ASSERT_EQ(level2.kind, ExprKind::kString);
  const ast::Expr& level3 = *level2.parts[1].expr;
  ASSERT_EQ(level3.kind, ExprKind::kString);
  const ast::Expr& field = *level3.parts[1].expr;
  ASSERT_EQ(field.kind, ExprKind::kField);
  EXPECT_EQ(field.object->entries.at(0).value->parts[0].text, "}");
}

TEST(ParserStrings, AStrayClosingBraceDoesNotBreakTheLexer) {
  auto p = ParseText("} } workflow w() { return \"x ${1}\" } }");
  EXPECT_TRUE(p->diags.has_errors());
  ASSERT_EQ(p->module->workflows.size(), 1u);
}

TEST(ParserPositions, LetAndVarAnnotationsHaveATypeRange) {
  auto p = ParseText("workflow w() {\n  let x: int = 1\n  var yy: string\n  let z = 2\n}\n");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Block& body = p->module->workflows.at(0).body;
  const ast::SourceRange& let_type = body.stmts.at(0)->type_range;
  EXPECT_EQ(let_type.line, 2u);
  EXPECT_EQ(let_type.column, 10u);
  EXPECT_EQ(let_type.end_column, 13u);
  const ast::SourceRange& var_type = body.stmts.at(1)->type_range;
  EXPECT_EQ(var_type.line, 3u);
  EXPECT_EQ(var_type.column, 11u);
  EXPECT_EQ(var_type.end_column, 17u);
  EXPECT_EQ(body.stmts.at(2)->type_range.line, 0u);  // no annotation: unset
}

TEST(ParserPositions, RangesAreOneBasedAndEndExclusive) {
  auto p = ParseText("task t\n\nworkflow  w(a: int) {\n\tlet x = t(k: a)\n}\n");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::TaskDecl& task = p->module->tasks.at(0);
  EXPECT_EQ(task.range.line, 1u);
  EXPECT_EQ(task.range.column, 6u);
  EXPECT_EQ(task.range.end_column, 7u);
  const ast::WorkflowDecl& w = p->module->workflows.at(0);
  EXPECT_EQ(w.name_range.line, 3u);
  EXPECT_EQ(w.name_range.column, 11u);
  EXPECT_EQ(w.params.at(0).type_range.column, 16u);
  EXPECT_EQ(w.params.at(0).type_range.end_column, 19u);
  const ast::Stmt& let = *w.body.stmts.at(0);
  EXPECT_EQ(let.range.line, 4u);
  EXPECT_EQ(let.range.column, 2u);  // a tab is one character
  EXPECT_EQ(let.name_range.column, 6u);
  const ast::Expr& call = *let.value;
  EXPECT_EQ(call.name_range.column, 10u);
  EXPECT_EQ(call.range.end_column, 17u);
  EXPECT_EQ(call.args.at(0).name_range.column, 12u);
  EXPECT_EQ(w.body.range.line, 3u);
  EXPECT_EQ(w.body.range.end_line, 5u);
  EXPECT_EQ(w.body.range.end_column, 2u);
}

TEST(ParserPositions, ColumnsCountCharacters) {
  auto p = ParseText("workflow w() { let s = \"ééé\" let t = x }");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  EXPECT_EQ(p->module->workflows[0].body.stmts.at(1)->range.column, 30u);
}

TEST(ParserPositions, ByteOrderMarkIsSkipped) {
  auto p = ParseText("\xEF\xBB\xBFworkflow w() { return ^ }");
  ASSERT_EQ(p->diags.all().size(), 1u) << p->Rendered();
  EXPECT_EQ(p->diags.all()[0].range.column, 23u);
  EXPECT_EQ(p->Rendered(),
            "t.wf:1:23: error: unexpected character `^` [E0004]\n"
            " 1 | workflow w() { return ^ }\n"
            "   |                       ^\n"
            "1 error generated\n");
}

TEST(ParserPositions, InvalidBytesCountAsOneCharacterEach) {
  auto p = ParseText("workflow w() { let s = \"\xC0\xAF\" return ^ }");
  ASSERT_EQ(p->diags.all().size(), 2u) << p->Rendered();
  EXPECT_EQ(p->diags.all()[0].kind, diag::DiagnosticKind::kInvalidUtf8);
  EXPECT_EQ(p->diags.all()[0].range.column, 25u);
  EXPECT_EQ(p->diags.all()[1].range.column, 36u);
  EXPECT_NE(p->Rendered().find("                                   ^\n"), std::string::npos)
      << p->Rendered();
}

TEST(ParserExpressions, Precedence) {
  auto p = ParseExpr("a ?? b or c and not d == e + f * -g.h");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Expr& e = p->Value();
  ASSERT_EQ(e.binary_op, ast::BinaryOp::kCoalesce);
  const ast::Expr& orx = *e.rhs;
  ASSERT_EQ(orx.binary_op, ast::BinaryOp::kOr);
  const ast::Expr& andx = *orx.rhs;
  ASSERT_EQ(andx.binary_op, ast::BinaryOp::kAnd);
  const ast::Expr& notx = *andx.rhs;
  ASSERT_EQ(notx.kind, ExprKind::kUnary);
  ASSERT_EQ(notx.unary_op, ast::UnaryOp::kNot);
  const ast::Expr& eq = *notx.lhs;
  ASSERT_EQ(eq.binary_op, ast::BinaryOp::kEq);
  const ast::Expr& add = *eq.rhs;
  ASSERT_EQ(add.binary_op, ast::BinaryOp::kAdd);
  const ast::Expr& mul = *add.rhs;
  ASSERT_EQ(mul.binary_op, ast::BinaryOp::kMul);
  const ast::Expr& neg = *mul.rhs;
  ASSERT_EQ(neg.kind, ExprKind::kUnary);
  EXPECT_EQ(neg.lhs->kind, ExprKind::kField);
}

TEST(ParserExpressions, LeftAndRightAssociativity) {
  auto sub = ParseExpr("a - b - c");
  EXPECT_EQ(sub->Value().lhs->kind, ExprKind::kBinary);  // (a - b) - c
  auto coalesce = ParseExpr("a ?? b ?? c");
  EXPECT_EQ(coalesce->Value().rhs->kind, ExprKind::kBinary);  // a ?? (b ?? c)
}

TEST(ParserExpressions, OptionalAccess) {
  auto p = ParseExpr("a?.b?.[0].c");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Expr& c = p->Value();
  EXPECT_EQ(c.kind, ExprKind::kField);
  EXPECT_FALSE(c.optional);
  const ast::Expr& index = *c.object;
  EXPECT_EQ(index.kind, ExprKind::kIndex);
  EXPECT_TRUE(index.optional);
  EXPECT_TRUE(index.object->optional);
}

TEST(ParserFriendly, FriendlyErrorsBuildTheIntendedAst) {
  auto p = ParseText(
      "workflow w(a, b) {\n"
      "  if a = b { x += 1 } elif a && !b { } else return 2\n"
      "}\n");
  const ast::Stmt& s = *p->module->workflows.at(0).body.stmts.at(0);
  ASSERT_EQ(s.kind, ast::StmtKind::kIf);
  EXPECT_EQ(s.condition->binary_op, ast::BinaryOp::kEq);
  const ast::Stmt& assign = *s.then_block->stmts.at(0);
  EXPECT_EQ(assign.kind, ast::StmtKind::kAssign);
  EXPECT_EQ(assign.value->binary_op, ast::BinaryOp::kAdd);
  const ast::Stmt& elif = *s.else_block->stmts.at(0);
  ASSERT_EQ(elif.kind, ast::StmtKind::kIf);
  EXPECT_EQ(elif.condition->binary_op, ast::BinaryOp::kAnd);
  EXPECT_EQ(elif.condition->rhs->unary_op, ast::UnaryOp::kNot);
  EXPECT_EQ(elif.else_block->stmts.at(0)->kind, ast::StmtKind::kReturn);
  for (auto kind : {diag::DiagnosticKind::kAssignInCondition, diag::DiagnosticKind::kCompoundAssignment,
                    diag::DiagnosticKind::kElifKeyword, diag::DiagnosticKind::kCStyleOperator,
                    diag::DiagnosticKind::kElseWithoutBraces}) {
    EXPECT_TRUE(p->HasKind(kind)) << diag::InfoOf(kind).name << "\n" << p->Rendered();
  }
  EXPECT_FALSE(p->HasKind(diag::DiagnosticKind::kSyntaxError)) << p->Rendered();
}

TEST(ParserFriendly, ElifIsAnOrdinaryNameElsewhere) {
  auto p = ParseText("workflow w(elif) { let elsif = elif + 1 return elsif }");
  EXPECT_FALSE(p->diags.has_errors()) << p->Rendered();
}

TEST(ParserFriendly, KeywordsAreFineAsFieldsKeysAndArgumentNames) {
  auto p = ParseText("task t workflow w(o) { return t(if: o.default, in: {case: o?.for}) }");
  EXPECT_FALSE(p->diags.has_errors()) << p->Rendered();
}

TEST(ParserStatements, SwitchAtStatementLevelIsAStatement) {
  auto p = ParseText("workflow w(a) { switch a { case 1 => f() default => g() } }");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  const ast::Stmt& s = *p->module->workflows[0].body.stmts.at(0);
  EXPECT_EQ(s.kind, ast::StmtKind::kSwitch);
  ASSERT_EQ(s.arms.size(), 2u);
  EXPECT_TRUE(s.arms[1].is_default);
  EXPECT_EQ(s.arms[0].block->stmts.at(0)->kind, ast::StmtKind::kExpr);
}

TEST(ParserStatements, BraceAtStatementLevelIsABlock) {
  auto p = ParseText("workflow w() { { } { x } }");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  EXPECT_EQ(p->module->workflows[0].body.stmts.at(0)->kind, ast::StmtKind::kBlock);
  EXPECT_EQ(p->module->workflows[0].body.stmts.at(1)->kind, ast::StmtKind::kBlock);
}

TEST(ParserStatements, ReturnTakesTheNextExpressionEvenOnANewLine) {
  auto p = ParseText("workflow w() {\n  return\n}\nworkflow v() {\n  return\n  1\n}");
  ASSERT_FALSE(p->diags.has_errors()) << p->Rendered();
  EXPECT_EQ(p->module->workflows[0].body.stmts.at(0)->value, nullptr);
  EXPECT_NE(p->module->workflows[1].body.stmts.at(0)->value, nullptr);
}

TEST(ParserErrors, AllErrorsInAFileAreReported) {
  auto p = ParseText("workflow a() { let = 1 }\nworkflow b() { let x = (1 + }\nworkflow c() { }");
  EXPECT_GE(p->diags.error_count(), 2u) << p->Rendered();
  EXPECT_EQ(p->module->workflows.size(), 3u);
}

TEST(ParserErrors, MissingTokenAtEndOfLineIsShownThere) {
  auto p = ParseText("task t\nworkflow w() {\n  let x = t(a: 1\n  return x\n}");
  ASSERT_EQ(p->diags.all().size(), 1u) << p->Rendered();
  const diag::Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.message, "expected `)`, found keyword `return`");
  EXPECT_EQ(d.range.line, 3u);
  EXPECT_EQ(d.range.column, 17u);
}

TEST(ParserErrors, ModuleIsNeverNull) {
  for (const char* text : {"", "}", "{{{{", "\"", "workflow", "task", "/*", "\xff\xfe"}) {
    diag::DiagnosticList diags;
    auto m = Parse("x.wf", text, diags);
    ASSERT_NE(m, nullptr) << text;
    EXPECT_EQ(m->path, "x.wf");
  }
}

TEST(ParserErrors, DeepNestingIsADiagnosticNotACrash) {
  // Brackets and prefix runs are caught before parsing; `??` and `else if` chains nest the
  // parser's recursion without brackets and are caught by its stack guard or the transformer.
  for (const std::string& open :
       {std::string("["), std::string("("), std::string("-"), std::string("not "),
        std::string("{a:"), std::string("\"${"), std::string("a ?? "),
        std::string("if a { } else ")}) {
    std::string text = "workflow w() { return ";
    for (int i = 0; i < 100000; ++i) text += open;
    diag::DiagnosticList diags;
    auto m = Parse("deep.wf", text, diags);
    ASSERT_NE(m, nullptr);
    bool too_deep = false;
    for (const auto& d : diags.all()) too_deep |= d.kind == diag::DiagnosticKind::kNestingTooDeep;
    EXPECT_TRUE(too_deep) << open;
  }
}

TEST(ParserErrors, LongFlatChainsAreBoundedToo) {
  std::string text = "workflow w() { return 1";
  for (int i = 0; i < 50000; ++i) text += " + 1";
  text += " }";
  diag::DiagnosticList diags;
  auto m = Parse("long.wf", text, diags);
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.all().at(0).kind, diag::DiagnosticKind::kNestingTooDeep);
}

TEST(DumpTokens, OneTokenPerLine) {
  EXPECT_EQ(DumpTokens("let x = \"a${b}\" // c\n  5m ^"),
            "1:1 KW_LET \"let\"\n"
            "1:5 IDENT \"x\"\n"
            "1:7 ASSIGN \"=\"\n"
            "1:9 STRING_OPEN \"\\\"\"\n"
            "1:10 STR_TEXT \"a\"\n"
            "1:11 STR_INTERP \"${\"\n"
            "1:13 IDENT \"b\"\n"
            "1:14 RBRACE \"}\"\n"
            "1:15 STRING_CLOSE \"\\\"\"\n"
            "2:3 DURATION \"5m\"\n"
            "2:6 ERROR_CHAR \"^\" (errors)\n"
            "2:7 EOF\n");
}

TEST(GrammarHash, IsAHexSha256) {
  EXPECT_EQ(GrammarHash().size(), 64u);
  EXPECT_EQ(GrammarHash().find_first_not_of("0123456789abcdef"), std::string_view::npos);
}

}  // namespace
}  // namespace weft::parser
