// The code generator's lowerings, run: small workflows compiled and executed by the VM, so that
// the shapes pinned by the disassembly goldens are also shown to mean what the language says
// (short-circuit type checks, `??` chains, switch fall-through, loop exits, runtime error
// positions). The run goldens (tests/golden/run) cover whole programs; these target codegen.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "bytecode/verifier.h"
#include "tests/golden/golden.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "vm/vm.h"

namespace weft {
namespace {

struct Outcome {
  bool completed = false;
  Value value;                     // the output, or the error object
  std::vector<std::string> calls;  // "task input-json", in order
};

using TaskFn = std::function<Value(const std::string& task, const Value& input)>;

// Compiles `source` (one workflow), binds `input_json`, runs it to the end, answering each task
// call with `tasks` (default: echo the input).
Outcome RunWorkflow(const std::string& source, const std::string& input_json = "{}",
            TaskFn tasks = nullptr) {
  Outcome outcome;
  compiler::CompileOutput out = compiler::Compile("run.wf", source);
  EXPECT_TRUE(out.ok()) << diag::RenderAll(out.diagnostics, "run.wf", source);
  if (!out.ok() || out.workflows.size() != 1) return outcome;
  const bytecode::Program& program = out.workflows[0];
  EXPECT_TRUE(bytecode::VerifyProgram(program).ok());
  auto input = Value::FromJson(input_json);
  EXPECT_TRUE(input.ok());
  auto args = vm::BindInput(program, *input);
  EXPECT_TRUE(args.ok()) << args.status();
  if (!args.ok()) return outcome;
  vm::ExecState state = vm::NewExecState(program, *std::move(args), /*seed=*/7);
  vm::RunResult r = vm::Start(program, state, {});
  // Sequential code: at most one task is outstanding at a time.
  while (r.status == vm::RunStatus::kWaiting && !r.requests.empty() &&
         r.requests.front().kind == vm::Request::Kind::kTask) {
    const vm::Request req = r.requests.front();
    const std::string& task = program.tasks.at(req.task_index).name;
    outcome.calls.push_back(task + " " + req.input.ToJson());
    Value result = tasks ? tasks(task, req.input) : req.input;
    r = vm::Resume(program, state, req.wait_id, vm::Outcome{true, std::move(result)}, {});
  }
  outcome.completed = r.status == vm::RunStatus::kCompleted;
  outcome.value = outcome.completed ? r.output : r.error;
  return outcome;
}

std::string Output(const std::string& source, const std::string& input_json = "{}") {
  Outcome o = RunWorkflow(source, input_json);
  EXPECT_TRUE(o.completed) << o.value.ToJson();
  return o.value.ToJson();
}

const Value* Field(const Value& v, std::string_view key) {
  return v.is_object() ? v.as_object().Find(key) : nullptr;
}

TEST(CodegenRun, TheShippingExample) {
  const std::string src = golden::ReadFile(golden::SourcePath("examples/shipping.wf"));
  TaskFn tasks = [](const std::string& task, const Value&) {
    if (task == "shipping_info") return *Value::FromJson(R"({"address": "1 Main St"})");
    return *Value::FromJson(R"({"tracking": ")" + task + R"(-42"})");
  };
  Outcome ups = RunWorkflow(src, R"({"order_id": "o1", "vendor": "ups"})", tasks);
  ASSERT_TRUE(ups.completed) << ups.value.ToJson();
  EXPECT_EQ(ups.value.ToJson(), R"({"tracking":"ship_ups-42","vendor":"ups"})");
  EXPECT_EQ(ups.calls, (std::vector<std::string>{R"(shipping_info {"order_id":"o1"})",
                                                 R"(ship_ups {"address":"1 Main St"})"}));
  Outcome bad = RunWorkflow(src, R"({"order_id": "o1", "vendor": "pigeon"})", tasks);
  ASSERT_FALSE(bad.completed);
  EXPECT_EQ(Field(bad.value, "code")->as_string(), "WORKFLOW_FAILED");
  EXPECT_EQ(Field(bad.value, "message")->as_string(), "unsupported vendor pigeon");
}

TEST(CodegenRun, AndOrShortCircuitAndProduceBools) {
  const std::string src =
      "workflow w(a: bool, b: any) { return [a and b, a or b, not a, a and (b == 1)] }";
  EXPECT_EQ(Output(src, R"({"a": true, "b": false})"), "[false,true,false,false]");
  // The right operand is not evaluated (so not type-checked) when the left decides.
  EXPECT_EQ(Output("workflow w(a: bool, b: any) { return [a and b, true or b] }",
                   R"({"a": false, "b": "not a bool"})"),
            "[false,true]");
  Outcome o = RunWorkflow("workflow w(b: any) { return true and b }", R"({"b": 1})");
  EXPECT_FALSE(o.completed) << "a non-bool operand of `and` is a runtime error";
}

TEST(CodegenRun, CoalesceChains) {
  const std::string src = "workflow w(a: any, b: any) { return [a ?? 1, a ?? b ?? 3, b ?? a] }";
  EXPECT_EQ(Output(src, R"({"a": null, "b": null})"), "[1,3,null]");
  EXPECT_EQ(Output(src, R"({"a": false, "b": 2})"), "[false,false,2]");
}

TEST(CodegenRun, SwitchStatementsFallThroughToDefaultOrPast) {
  const std::string src = R"(
workflow w(k: any) {
    var r = []
    switch k {
        case 1, "one" => r = r + ["one"]
        case 2.0 => { r = r + ["two"] }
        default => r = r + ["other"]
    }
    switch k { case 1 => r = r + ["again"] }
    return r
})";
  EXPECT_EQ(Output(src, R"({"k": 1})"), R"(["one","again"])");
  EXPECT_EQ(Output(src, R"({"k": "one"})"), R"(["one"])");
  EXPECT_EQ(Output(src, R"({"k": 2})"), R"(["two"])");
  EXPECT_EQ(Output(src, R"({"k": null})"), R"(["other"])");
}

TEST(CodegenRun, LoopsWithBreakAndContinueThroughNestedSwitches) {
  const std::string src = R"(
workflow w(items: list, o: object) {
    var out = []
    for x in items {
        switch x {
            case 0 => continue
            case 9 => break
            default => out = out + [x]
        }
    }
    for key in o { out = out + [key] }
    var i = 0
    while true {
        i = i + 1
        if i > 3 { break }
        if i == 2 { continue }
        out = out + [i * 10]
    }
    return out
})";
  EXPECT_EQ(Output(src, R"({"items": [1, 0, 2, 9, 3], "o": {"b": 1, "a": 2}})"),
            R"([1,2,"b","a",10,30])");
}

TEST(CodegenRun, InterpolationDurationsAndFallingOffTheEnd) {
  EXPECT_EQ(Output("workflow w(n: int) { return \"n=${n}, ${[n, \"x\"]}, ${1.5}\" }",
                   R"({"n": 3})"),
            R"("n=3, [3,\"x\"], 1.5")");
  EXPECT_EQ(Output("workflow w() { return [250ms, 2s, 1m, 1h, 1d] }"),
            "[250,2000,60000,3600000,86400000]");
  EXPECT_EQ(Output("workflow w() { let x = 1 }"), "null");
  EXPECT_EQ(Output("workflow w() { return }"), "null");
}

TEST(CodegenRun, AMissingFieldFailsAtTheFieldsPosition) {
  Outcome o = RunWorkflow("workflow w(o: object) {\n    return o.present.missing\n}",
                  R"({"o": {"present": {}}})");
  ASSERT_FALSE(o.completed);
  EXPECT_EQ(Field(o.value, "code")->as_string(), "RUNTIME_ERROR");
  EXPECT_EQ(Field(o.value, "line")->as_int(), 2);
  EXPECT_EQ(Field(o.value, "column")->as_int(), 22);  // `missing`
}

TEST(CodegenRun, ParameterDefaultsApply) {
  EXPECT_EQ(Output("workflow w(a: int = -3, b = [1, {k: 30s}]) { return [a, b] }"),
            R"([-3,[1,{"k":30000}]])");
}

}  // namespace
}  // namespace weft
