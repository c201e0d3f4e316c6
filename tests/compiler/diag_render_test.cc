// Unit tests for compiler/diag: the kind table, the list, the renderer's layout (gutter,
// caret, underline, tabs, ranges at the end of a line and across lines, hints, summary) and
// ClosestMatch.
#include <gtest/gtest.h>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/display.h"

namespace weft::diag {
namespace {

Diagnostic Make(SourceRange r, std::string message = "bad thing") {
  return Diagnostic{DiagnosticKind::kSyntaxError, r, std::move(message), {}};
}

TEST(DiagnosticInfo, KindsHaveCodesAndNames) {
  EXPECT_EQ(InfoOf(DiagnosticKind::kSyntaxError).code, "E0001");
  EXPECT_EQ(InfoOf(DiagnosticKind::kSyntaxError).name, "SyntaxError");
  EXPECT_EQ(InfoOf(DiagnosticKind::kSyntaxError).severity, Severity::kError);
  EXPECT_EQ(InfoOf(DiagnosticKind::kNestingTooDeep).code, "E0029");
}

TEST(Render, HeaderSourceLineAndUnderline) {
  const std::string source = "task a\nworkflow w() {\n    let x = shp_ups(address: a)\n}\n";
  Diagnostic d = Make({3, 13, 3, 20}, "unknown task `shp_ups`");
  d.hints.push_back("did you mean `ship_ups`?");
  EXPECT_EQ(Render(d, "f.wf", source),
            "f.wf:3:13: error: unknown task `shp_ups` [E0001]\n"
            " 3 |     let x = shp_ups(address: a)\n"
            "   |             ^~~~~~~\n"
            "hint: did you mean `ship_ups`?\n");
}

TEST(Render, EmptyRangeIsASingleCaret) {
  EXPECT_EQ(Render(Make({1, 3, 1, 3}), "f.wf", "abcdef"),
            "f.wf:1:3: error: bad thing [E0001]\n"
            " 1 | abcdef\n"
            "   |   ^\n");
}

TEST(Render, RangeAtEndOfLinePointsJustPastTheText) {
  EXPECT_EQ(Render(Make({1, 7, 1, 7}), "f.wf", "abcdef\nnext\n"),
            "f.wf:1:7: error: bad thing [E0001]\n"
            " 1 | abcdef\n"
            "   |       ^\n");
}

TEST(Render, RangePastEndOfLineIsClamped) {
  EXPECT_EQ(Render(Make({1, 40, 1, 60}), "f.wf", "abc"),
            "f.wf:1:40: error: bad thing [E0001]\n"
            " 1 | abc\n"
            "   |    ^\n");
}

TEST(Render, TabsAreExpandedInBothLines) {
  EXPECT_EQ(Render(Make({1, 3, 1, 6}), "f.wf", "\t\tfoo = 1"),
            "f.wf:1:3: error: bad thing [E0001]\n"
            " 1 |         foo = 1\n"
            "   |         ^~~\n");
}

TEST(Render, TabInsideTheRangeWidensTheUnderline) {
  EXPECT_EQ(Render(Make({1, 1, 1, 4}), "f.wf", "a\tb c"),
            "f.wf:1:1: error: bad thing [E0001]\n"
            " 1 | a    b c\n"
            "   | ^~~~~~\n");
}

TEST(Render, MultiLineRangeIsUnderlinedToTheEndOfItsFirstLine) {
  EXPECT_EQ(Render(Make({2, 5, 4, 2}), "f.wf", "x\n    if a {\n  b\n}\n"),
            "f.wf:2:5: error: bad thing [E0001]\n"
            " 2 |     if a {\n"
            "   |     ^~~~~~\n");
}

TEST(Render, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(Render(Make({1, 8, 1, 9}), "f.wf", "\"café\" x"),
            "f.wf:1:8: error: bad thing [E0001]\n"
            " 1 | \"café\" x\n"
            "   |        ^\n");
}

TEST(Render, GutterWidensWithTheLineNumber) {
  std::string source;
  for (int i = 1; i <= 12; ++i) source += "line" + std::to_string(i) + "\n";
  EXPECT_EQ(Render(Make({12, 1, 12, 5}), "f.wf", source),
            "f.wf:12:1: error: bad thing [E0001]\n"
            " 12 | line12\n"
            "    | ^~~~\n");
}

TEST(Render, CarriageReturnsAreNotShown) {
  EXPECT_EQ(Render(Make({1, 1, 1, 2}), "f.wf", "ab\r\ncd\r\n"),
            "f.wf:1:1: error: bad thing [E0001]\n"
            " 1 | ab\n"
            "   | ^\n");
}

TEST(Render, EmptyLineHasNoTrailingSpace) {
  EXPECT_EQ(Render(Make({2, 1, 2, 1}), "f.wf", "a\n\nb"),
            "f.wf:2:1: error: bad thing [E0001]\n"
            " 2 |\n"
            "   | ^\n");
}

TEST(Render, NoPositionMeansNoSnippet) {
  EXPECT_EQ(Render(Make({}), "f.wf", "abc"), "f.wf: error: bad thing [E0001]\n");
}

TEST(Render, LineBeyondTheSourceShowsOnlyTheHeader) {
  EXPECT_EQ(Render(Make({9, 1, 9, 2}), "f.wf", "abc\n"), "f.wf:9:1: error: bad thing [E0001]\n");
}

TEST(RenderAll, SummaryCountsErrors) {
  DiagnosticList list;
  EXPECT_EQ(RenderAll(list, "f.wf", "abc"), "");
  list.Add(DiagnosticKind::kSyntaxError, {1, 1, 1, 2}, "one");
  EXPECT_EQ(RenderAll(list, "f.wf", "abc"),
            "f.wf:1:1: error: one [E0001]\n 1 | abc\n   | ^\n1 error generated\n");
  list.Add(DiagnosticKind::kSyntaxError, {1, 2, 1, 3}, "two");
  const std::string all = RenderAll(list, "f.wf", "abc");
  EXPECT_NE(all.find("two [E0001]"), std::string::npos);
  EXPECT_EQ(all.substr(all.size() - 19), "2 errors generated\n");
}

TEST(Render, ControlCharactersAreEscapedAndTheCaretStaysAligned) {
  // ESC [ 2 J would clear the user's terminal; the caret points at `x` after it.
  EXPECT_EQ(Render(Make({1, 7, 1, 8}, "unexpected `\x1b[2J`"), "f.wf", "a\x1b[2J x"),
            "f.wf:1:7: error: unexpected `\\x1B[2J` [E0001]\n"
            " 1 | a\\x1B[2J x\n"
            "   |          ^\n");
}

TEST(Render, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(Render(Make({1, 3, 1, 4}, "m\xC2\x9B"), "f.wf", "\xE2\x80\xAE" "a" "b"),
            "f.wf:1:3: error: m\\u{9B} [E0001]\n"
            " 1 | \\u{202E}ab\n"
            "   |          ^\n");
}

TEST(Render, TabsAndLineBreaksInMessagesAndHintsAreEscaped) {
  Diagnostic d = Make({}, "a\tb\nc");
  d.hints.push_back("h\x07");
  EXPECT_EQ(Render(d, "f\x1b.wf", ""), "f\\x1B.wf: error: a\\tb\\x0Ac [E0001]\nhint: h\\x07\n");
}

TEST(Render, LongMessagesAreCut) {
  const std::string rendered = Render(Make({}, std::string(5000, 'm')), "f.wf", "");
  EXPECT_LT(rendered.size(), kMaxShownMessageBytes + 40);
  EXPECT_NE(rendered.find("m... [E0001]"), std::string::npos);
}

TEST(Render, LongLinesShowAWindowAroundTheCaret) {
  const std::string source = std::string(1000, 'a') + "XYZ" + std::string(1000, 'b');
  const std::string rendered = Render(Make({1, 1001, 1, 1004}), "f.wf", source);
  const size_t line_start = rendered.find(" 1 | ");
  const size_t line_end = rendered.find('\n', line_start);
  const size_t caret_start = line_end + 1;
  const std::string line = rendered.substr(line_start, line_end - line_start);
  const std::string caret = rendered.substr(caret_start, rendered.find('\n', caret_start) - caret_start);
  EXPECT_LE(line.size(), kMaxShownColumns + 5);
  EXPECT_EQ(line.substr(0, 8), " 1 | ...");
  EXPECT_EQ(line.substr(line.size() - 3), "...");
  // The caret sits under the X.
  EXPECT_EQ(caret.find('^'), line.find("XYZ"));
  EXPECT_EQ(caret.substr(caret.find('^')), "^~~");
}

TEST(Render, LongLineWithTheCaretNearTheStartIsCutAtTheEndOnly) {
  const std::string rendered = Render(Make({1, 2, 1, 3}), "f.wf", std::string(500, 'a'));
  EXPECT_NE(rendered.find(" 1 | aaa"), std::string::npos);
  EXPECT_NE(rendered.find("a...\n   |  ^\n"), std::string::npos) << rendered;
}

TEST(Render, UnderlineOfALongRangeEndsWithTheShownText) {
  const std::string rendered = Render(Make({1, 1, 1, 501}), "f.wf", std::string(500, 'a'));
  const size_t line_start = rendered.find(" 1 | ");
  const size_t line_end = rendered.find('\n', line_start);
  const std::string caret = rendered.substr(line_end + 1);
  EXPECT_EQ(caret.size() - 1, line_end - line_start) << rendered;  // minus the '\n'
}

TEST(RenderAll, StopsAfterTheErrorLimit) {
  DiagnosticList list;
  for (int i = 0; i < 1000; ++i) list.Add(DiagnosticKind::kSyntaxError, {1, 1, 1, 2}, "e");
  const std::string all = RenderAll(list, "f.wf", "abc");
  size_t shown = 0;
  for (size_t at = all.find("[E0001]"); at != std::string::npos; at = all.find("[E0001]", at + 1)) {
    ++shown;
  }
  EXPECT_EQ(shown, kMaxRenderedErrors);
  EXPECT_NE(all.find("f.wf: too many errors; stopping after 20\n1000 errors generated\n"),
            std::string::npos)
      << all;
}

TEST(DiagnosticList, CountsAndSortsStably) {
  DiagnosticList list;
  EXPECT_FALSE(list.has_errors());
  list.Add(DiagnosticKind::kSyntaxError, {3, 1, 3, 2}, "c");
  list.Add(DiagnosticKind::kSyntaxError, {1, 5, 1, 6}, "b");
  list.Add(DiagnosticKind::kSyntaxError, {1, 5, 1, 6}, "b2");
  list.Add(DiagnosticKind::kSyntaxError, {1, 2, 1, 3}, "a");
  EXPECT_TRUE(list.has_errors());
  EXPECT_EQ(list.error_count(), 4u);
  list.SortByPosition();
  ASSERT_EQ(list.all().size(), 4u);
  EXPECT_EQ(list.all()[0].message, "a");
  EXPECT_EQ(list.all()[1].message, "b");
  EXPECT_EQ(list.all()[2].message, "b2");
  EXPECT_EQ(list.all()[3].message, "c");
}

TEST(ClosestMatch, FindsTyposAndTranspositions) {
  const std::vector<std::string> names = {"ship_ups", "ship_fedex", "shipping_info", "len"};
  EXPECT_EQ(ClosestMatch("ship_usp", names), "ship_ups");   // transposition
  EXPECT_EQ(ClosestMatch("shp_ups", names), "ship_ups");    // deletion
  EXPECT_EQ(ClosestMatch("ship_fedx", names), "ship_fedex");
  EXPECT_EQ(ClosestMatch("lne", names), "len");
  EXPECT_EQ(ClosestMatch("SHIP_UPS", names), "ship_ups");   // case only
}

TEST(ClosestMatch, RejectsUnrelatedNames) {
  const std::vector<std::string> names = {"ship_ups", "len", "y"};
  EXPECT_EQ(ClosestMatch("totally_different", names), "");
  EXPECT_EQ(ClosestMatch("x", names), "");       // one letter never suggests another
  EXPECT_EQ(ClosestMatch("ship_ups", names), "");  // the name itself is not a suggestion
  EXPECT_EQ(ClosestMatch("abc", {}), "");
  EXPECT_EQ(ClosestMatch("", names), "");
}

TEST(ClosestMatch, PrefersTheNearestThenTheFirstAlphabetically) {
  EXPECT_EQ(ClosestMatch("item", {"items", "iter", "it"}), "items");  // 1 vs 1 vs 2: alphabetical
  EXPECT_EQ(ClosestMatch("counter", {"countr", "count"}), "countr");
}

}  // namespace
}  // namespace weft::diag
