// The `js` system task's runner (stdlib/js.h): Conductor-style programs over `$`, errors,
// and the budgets (an endless loop, an allocating loop) and the sandbox (no print, require,
// environment or files).
#include <gtest/gtest.h>

#include "stdlib/js.h"

namespace weft::stdlib {
namespace {

Value Json(const char* text) { return *Value::FromJson(text); }

TEST(Js, ReadsTheInputAsDollar) {
  JsResult r = RunJs("$.a + $.b.c", Json(R"({"a": 1, "b": {"c": 2}})"));
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), "3");
}

TEST(Js, GivesTheCompletionValueAsConductorsEvaluatorDoes) {
  JsResult r = RunJs("function e() { var s = 0; for (var i = 0; i < $.xs.length; i++) { s += $.xs[i]; }"
                     " return {sum: s, tags: ['x']}; } e();",
                     Json(R"({"xs": [1, 2, 3]})"));
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), R"({"sum":6,"tags":["x"]})");
  JsResult undefined = RunJs("var x = 1;", Json("{}"));
  ASSERT_TRUE(undefined.ok) << undefined.message;
  EXPECT_EQ(undefined.value.ToJson(), "null");
}

TEST(Js, ReportsErrors) {
  JsResult syntax = RunJs("1 +", Json("{}"));
  EXPECT_FALSE(syntax.ok);
  EXPECT_EQ(syntax.message.rfind("js() error: SyntaxError", 0), 0u) << syntax.message;
  JsResult thrown = RunJs("throw new Error('no way')", Json("{}"));
  EXPECT_FALSE(thrown.ok);
  EXPECT_EQ(thrown.message, "js() error: Error: no way");
  JsResult usage = RunJsTask(Json(R"({"input": 1})"));
  EXPECT_FALSE(usage.ok);
  EXPECT_EQ(usage.message, "js() expects the input {\"expression\": string, \"input\": value}");
}

TEST(Js, AnEndlessLoopRunsPastTheTimeBudget) {
  JsResult r = RunJs("while (true) {}", Json("{}"), JsBudget{absl::Milliseconds(200), size_t{16} << 20});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.message, "js() ran past its time budget of 0.2 s");
}

TEST(Js, AnAllocatingLoopRunsPastTheMemoryBudget) {
  JsResult r = RunJs("var a = []; while (true) { a.push('abcdefghijklmnop' + a.length); }", Json("{}"),
                     JsBudget{absl::Seconds(30), size_t{8} << 20});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.message, "js() ran past its memory budget of 8 MiB");
}

TEST(Js, HasNoAccessToTheEnvironmentOrFiles) {
  JsResult r = RunJs("[typeof print, typeof require, typeof process, typeof Duktape.modSearch]", Json("{}"));
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), R"(["undefined","undefined","undefined","undefined"])");
}

TEST(Js, TheTaskTakesExpressionAndInput) {
  JsResult r = RunJsTask(Json(R"({"expression": "$.n * 2", "input": {"n": 21}})"));
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), "42");
}

}  // namespace
}  // namespace weft::stdlib
