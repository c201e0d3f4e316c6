// Unit tests of conductor/: pieces of the translation one at a time, the errors, and the
// reverse direction (DescribeAsWorkflowDef) on an imported and on a hand-written workflow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "compiler/compiler.h"
#include "conductor/js_subset.h"
#include "conductor/translator.h"
#include "conductor/wiring.h"
#include "conductor/workflow_def.h"
#include "common/rapidjson.h"

namespace weft::conductor {
namespace {

using ::testing::HasSubstr;

// `$.key` is the variable `key`; `$` is `input`.
absl::StatusOr<std::string> Js(absl::string_view source) {
  return TranslateJs(source, [](absl::string_view key) -> absl::StatusOr<std::string> {
    return key.empty() ? std::string("input") : std::string(key);
  });
}

TEST(JsSubset, Expressions) {
  EXPECT_EQ(*Js("$.a > 1 && $.b != 'x'"), "((a > 1) and (b != \"x\"))");
  EXPECT_EQ(*Js("$['a'].b[0]"), "a?.b?.[0]");
  EXPECT_EQ(*Js("$.list.length"), "len(list)");
  EXPECT_EQ(*Js("!$.ok || $.n === undefined"), "(not ok or (n == null))");
  EXPECT_EQ(*Js("$.a ? 'y' : 'n'"), "switch a { case true => \"y\" default => \"n\" }");
  EXPECT_EQ(*Js("[1, {k: $.v}]"), "[1, {k: v}]");
}

TEST(JsSubset, StatementsFoldIntoOneExpression) {
  EXPECT_EQ(*Js("if ($.i < 3) { true; } else { false; }"), "(i < 3)");
  EXPECT_EQ(*Js("function f() { if ($.x) return 1; return 2; } f();"),
            "switch x { case true => 1 default => 2 }");
  EXPECT_EQ(*Js("(function () { return $.x * 2; })()"), "(x * 2)");
}

TEST(JsSubset, RefusesWhatItCannotTranslate) {
  for (const char* source : {"var s = 0; s", "$.x.toUpperCase()", "Math.max(1, 2)", "for (;;) {}", "a = 1",
                             "'unterminated"}) {
    absl::StatusOr<std::string> out = Js(source);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << source;
  }
}

TEST(Wiring, MissingReferencesAreNull) {
  WiringNames names;
  names.workflow_name = "w";
  names.inputs = {{"x", "x"}};
  names.task_outputs = {{"t_ref", "t_ref"}};
  Wiring wiring(names);
  EXPECT_EQ(*wiring.Reference("workflow.input.x.y[2]"), "x?.y?.[2]");
  EXPECT_EQ(*wiring.Reference("workflow.input.absent"), "null");
  EXPECT_EQ(*wiring.Reference("nobody.output.x"), "null");
  EXPECT_EQ(*wiring.Reference("t_ref.output['a b']"), "t_ref?.[\"a b\"]");
  EXPECT_EQ(*wiring.Reference("workflow.input"), "{x: x}");
  EXPECT_EQ(wiring.Reference("workflow.workflowId").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wiring.Reference("t_ref.output.items[*]").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TaskDefPolicy, ConductorDefaultsApply) {
  std::string comment;
  EXPECT_EQ(*PolicyFromTaskDef(R"j({"name": "t"})j", &comment), "{ retries: 3, delay: 1m, heartbeat: 1h }");
  EXPECT_EQ(*PolicyFromTaskDef(R"j({"name": "t", "retryCount": 1, "timeoutSeconds": 90, "timeoutPolicy":
      "ALERT_ONLY", "responseTimeoutSeconds": 0, "pollTimeoutSeconds": 5, "totalTimeoutSeconds": 7200})j",
                               &comment),
            "{ retries: 1, delay: 1m, schedule_timeout: 5s, total_timeout: 2h }");
  EXPECT_THAT(comment, HasSubstr("ALERT_ONLY is not enforced"));
  EXPECT_EQ(PolicyFromTaskDef(R"j({"retryLogic": "RANDOM"})j", &comment).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PolicyFromTaskDef(R"j({"retryCount": -1})j", &comment).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Translate, ErrorsNameTheTaskAndTheField) {
  auto error = [](const char* def) {
    absl::StatusOr<Translation> t = TranslateWorkflowDef(def, {});
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(t.status().message());
  };
  EXPECT_EQ(error(R"j({"name": "w", "tasks": [{"name": "a", "taskReferenceName": "r1",
      "inputParameters": {"x": "${workflow.workflowId}"}}]})j"),
            "task `r1`: field `inputParameters.x`: `${workflow.workflowId}` has no Weft equivalent; only "
            "workflow.input, workflow.variables, workflow.workflowType and workflow.version");
  EXPECT_EQ(error(R"j({"name": "w", "tasks": [{"name": "a", "taskReferenceName": "r1"},
      {"name": "b", "taskReferenceName": "r1"}]})j"),
            "task `r1`: field `taskReferenceName`: used by two tasks of the workflow");
  EXPECT_EQ(error(R"j({"name": "w", "tasks": [{"name": "wait", "taskReferenceName": "w1", "type": "WAIT",
      "inputParameters": {"duration": "soon"}}]})j"),
            "task `w1`: field `inputParameters.duration`: not a literal duration such as \"30s\", \"5 minutes\" or "
            "\"1 days 2 hours\"");
  EXPECT_EQ(error(R"j({"name": "w", "tasks": [{"name": "f", "taskReferenceName": "f1", "type": "FORK_JOIN",
      "forkTasks": [[{"name": "t", "taskReferenceName": "t1", "type": "TERMINATE",
      "inputParameters": {"terminationStatus": "COMPLETED"}}]]}]})j"),
            "task `t1`: field `inputParameters.terminationStatus`: COMPLETED inside a FORK_JOIN branch: a Weft "
            "`return` cannot end the workflow from a `parallel` branch");
  EXPECT_THAT(error(R"j({"name": "w-1", "tasks": []})j"), HasSubstr("workflow `w-1`: field `name`"));
  EXPECT_THAT(error(R"j({"tasks": []})j"), HasSubstr("field `name` is missing"));
  EXPECT_THAT(error("[1, 2"), HasSubstr("is not valid JSON"));
}

TEST(Translate, JavaScriptBeyondTheSubsetRunsInTheJsSystemTask) {
  absl::StatusOr<Translation> t = TranslateWorkflowDef(R"j({"name": "w", "tasks": [{"name": "a",
      "taskReferenceName": "r1", "type": "SWITCH", "evaluatorType": "javascript",
      "expression": "$.x.trim()", "inputParameters": {"x": "${workflow.input.x}"},
      "decisionCases": {"a": []}}]})j", {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->wf_source, HasSubstr("switch str(js(expression: \"$.x.trim()\", input: {x: x})) {"));
  compiler::CompileOutput compiled = compiler::Compile("w.wf", t->wf_source);
  EXPECT_TRUE(compiled.ok()) << diag::RenderAll(compiled.diagnostics, "w.wf", t->wf_source);
}

// A JSON document's string array as a vector.
std::vector<std::string> Names(const rapidjson::Value& tasks, const char* key) {
  std::vector<std::string> out;
  for (const auto& t : tasks.GetArray()) out.push_back(t[key].GetString());
  return out;
}

TEST(Describe, RoundTripsAnImportedDefinition) {
  const char* def = R"j({"name": "shipping", "version": 4, "timeoutSeconds": 60, "tasks": [
      {"name": "shipping_info", "taskReferenceName": "info_ref", "inputParameters": {"id": "${workflow.input.order_id}"}},
      {"name": "route", "taskReferenceName": "route_ref", "type": "SWITCH", "expression": "v",
       "inputParameters": {"v": "${info_ref.output.vendor}"},
       "decisionCases": {"ups": [{"name": "ship_ups", "taskReferenceName": "ups_ref"}]},
       "defaultCase": [{"name": "ship_fedex", "taskReferenceName": "fedex_ref"}]}]})j";
  absl::StatusOr<Translation> t = TranslateWorkflowDef(def, {});
  ASSERT_TRUE(t.ok()) << t.status();
  compiler::CompileOutput compiled = compiler::Compile("shipping.wf", t->wf_source);
  ASSERT_TRUE(compiled.ok());
  absl::StatusOr<std::string> described = DescribeAsWorkflowDef(compiled.workflows[0], t->version);
  ASSERT_TRUE(described.ok()) << described.status();
  rapidjson::Document doc;
  doc.Parse(described->c_str());
  ASSERT_FALSE(doc.HasParseError()) << *described;
  EXPECT_STREQ(doc["name"].GetString(), "shipping");
  EXPECT_EQ(doc["version"].GetInt(), 4);
  EXPECT_EQ(doc["timeoutSeconds"].GetInt(), 60);
  ASSERT_EQ(doc["inputParameters"].Size(), 1u);
  EXPECT_STREQ(doc["inputParameters"][0].GetString(), "order_id");
  EXPECT_THAT(Names(doc["tasks"], "name"), ::testing::ElementsAre("shipping_info", "ship_ups", "ship_fedex"));
  EXPECT_THAT(Names(doc["tasks"], "type"), ::testing::ElementsAre("SIMPLE", "SIMPLE", "SIMPLE"));
  // The summary is itself a definition the importer accepts.
  absl::StatusOr<Translation> again = TranslateWorkflowDef(*described, {});
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST(Describe, SummarisesAWorkflowWrittenInWeft) {
  const char* source = R"j(
task charge
workflow pay(order_id: string, amount: int = 1) with { timeout: 2h, on_failure: "alert" } {
    let r = charge(order: order_id)
    let page = http(method: "GET", url: "https://example.com")
    let n = jq(".a", { a: 1 })
    let child = start alert(reason: "x")
    return bill(id: order_id)
}
workflow bill(id: string) { return charge(order: id) }
workflow alert(reason: string = "") { return reason }
)j";
  compiler::CompileOutput compiled = compiler::Compile("pay.wf", source);
  ASSERT_TRUE(compiled.ok()) << diag::RenderAll(compiled.diagnostics, "pay.wf", source);
  absl::StatusOr<std::string> described = DescribeAsWorkflowDef(compiled.workflows[0], 7);
  ASSERT_TRUE(described.ok()) << described.status();
  rapidjson::Document doc;
  doc.Parse(described->c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["name"].GetString(), "pay");
  EXPECT_EQ(doc["version"].GetInt(), 7);
  EXPECT_EQ(doc["timeoutSeconds"].GetInt(), 7200);
  EXPECT_STREQ(doc["timeoutPolicy"].GetString(), "TIME_OUT_WF");
  EXPECT_STREQ(doc["failureWorkflow"].GetString(), "alert");
  EXPECT_EQ(doc["inputParameters"].Size(), 2u);
  EXPECT_THAT(Names(doc["tasks"], "name"), ::testing::ElementsAre("charge", "http", "jq", "alert", "bill"));
  EXPECT_THAT(Names(doc["tasks"], "type"),
              ::testing::ElementsAre("SIMPLE", "HTTP", "JSON_JQ_TRANSFORM", "START_WORKFLOW", "SUB_WORKFLOW"));
  EXPECT_STREQ(doc["tasks"][4]["subWorkflowParam"]["name"].GetString(), "bill");
}

}  // namespace
}  // namespace weft::conductor
