// The durability property the engine relies on: running an execution straight through, and
// running it with its state encoded to a checkpoint, decoded, checked and resumed at every
// suspension (as after a crash, with the program reloaded from its stored bytes), give the
// same task calls, the same output and the same final state.
#include <string>
#include <vector>

#include "bytecode/serialize.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/vm/vm_test_util.h"
#include "vm/checkpoint.h"

namespace weft::vm {
namespace {

using bytecode::ParamType;
using namespace testing;  // NOLINT: the test helpers

uint32_t BuiltinId(const char* name) {
  uint32_t id = 0;
  EXPECT_NE(stdlib::FindBuiltin(name, &id), nullptr) << name;
  return id;
}

// workflow order(items: list, region: string = "eu") {
//     var results = []
//     for item in items {
//         let r = price(item: item, region: region)
//         results = results + [r.amount * 2]        // `results` sits on the stack during the call
//     }
//     let id = uuid()
//     let pair = [reserve(n: len(results)), confirm(id: id)]   // pair[0] on the stack during confirm
//     return {results: results, pair: pair, id: id, at: now()}
// }
// Locals: 0 items, 1 region, 2 results, 3-4 iterator, 5 item, 6 id, 7 pair.
Program OrderProgram() {
  Assembler a("order");
  a.Param("items", ParamType::kList).Param("region", ParamType::kString, Str("eu"));
  const uint32_t price = a.Task("price"), reserve = a.Task("reserve"), confirm = a.Task("confirm");
  auto k = [&](const char* s) { return a.Const(Str(s)); };
  auto top = a.NewLabel(), done = a.NewLabel();
  a.At(2, 5).Emit(Op::MAKE_LIST, 0).Emit(Op::STORE_LOCAL, 2);
  a.At(3, 5).Emit(Op::LOAD_LOCAL, 0).Emit(Op::ITER_INIT, 3);
  a.Bind(top).Emit(Op::ITER_HAS, 3).Jump(Op::JUMP_IF_FALSE, done);
  a.Emit(Op::ITER_NEXT, 3).Emit(Op::STORE_LOCAL, 5);
  a.At(5, 9).Emit(Op::LOAD_LOCAL, 2);
  a.At(4, 17).Emit(Op::CONST, k("item")).Emit(Op::LOAD_LOCAL, 5).Emit(Op::CONST, k("region"));
  a.Emit(Op::LOAD_LOCAL, 1).Emit(Op::MAKE_OBJECT, 2).Emit(Op::CALL_TASK, price);
  a.At(5, 29).Emit(Op::GET_FIELD, k("amount")).Emit(Op::CONST, a.Const(Int(2))).Emit(Op::MUL);
  a.Emit(Op::MAKE_LIST, 1).Emit(Op::ADD).Emit(Op::STORE_LOCAL, 2).Jump(Op::JUMP, top);
  a.Bind(done).At(7, 14).Emit(Op::CALL_BUILTIN, BuiltinId("uuid"), 0).Emit(Op::STORE_LOCAL, 6);
  a.At(8, 17).Emit(Op::CONST, k("n")).Emit(Op::LOAD_LOCAL, 2);
  a.Emit(Op::CALL_BUILTIN, BuiltinId("len"), 1).Emit(Op::MAKE_OBJECT, 1).Emit(Op::CALL_TASK, reserve);
  a.At(8, 43).Emit(Op::CONST, k("id")).Emit(Op::LOAD_LOCAL, 6).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, confirm).Emit(Op::MAKE_LIST, 2).Emit(Op::STORE_LOCAL, 7);
  a.At(9, 5).Emit(Op::CONST, k("results")).Emit(Op::LOAD_LOCAL, 2).Emit(Op::CONST, k("pair"));
  a.Emit(Op::LOAD_LOCAL, 7).Emit(Op::CONST, k("id")).Emit(Op::LOAD_LOCAL, 6);
  a.Emit(Op::CONST, k("at")).Emit(Op::CALL_BUILTIN, BuiltinId("now"), 0);
  a.Emit(Op::MAKE_OBJECT, 4).Emit(Op::RETURN);
  return a.Build(8, 8);
}

// A scripted worker: the output depends on the task, its input and how many calls came before,
// so any divergence in what the VM sends shows up in the output.
Value Worker(const Program& p, const Request& call, int call_number) {
  const std::string& task = p.tasks[call.task_index].name;
  if (task == "price") {
    return Obj({{"amount", Int(call_number * 10 + 1)}, {"echo", call.input}});
  }
  if (task == "reserve") return Obj({{"ok", Bool(true)}, {"n", *call.input.as_object().Find("n")}});
  return Str("confirmed-" + call.input.as_object().Find("id")->as_string());
}

struct Trace {
  std::vector<std::string> calls;  // "task input-json" per task request
  RunResult last;
  std::string final_state;         // EncodeCheckpoint of the final state
};

RunContext ContextFor(int transition) {
  RunContext ctx;
  ctx.now_ms = 1'700'000'000'000 + 7 * transition;
  return ctx;
}

// Runs an execution to its end, answering its task requests in order. Before every transition
// `reload` may replace the program and the state (with ones rebuilt from stored bytes).
template <typename Reload>
Trace Drive(const Program& first, const Value& input, Reload reload) {
  Trace t;
  const Program* p = &first;
  ExecState s = NewExecState(*p, *BindInput(*p, input), /*seed=*/2024);
  int transition = 0;
  RunResult r = vm::Start(*p, s, ContextFor(transition));
  std::vector<Request> open = r.requests;
  while (r.status == RunStatus::kWaiting && !open.empty()) {
    const Request call = open.front();
    open.erase(open.begin());
    EXPECT_EQ(call.kind, Request::Kind::kTask);
    t.calls.push_back(p->tasks[call.task_index].name + " " + call.input.ToJson());
    const Value out = Worker(*p, call, static_cast<int>(t.calls.size()));
    p = reload(s);
    r = Resume(*p, s, call.wait_id, Ok(out), ContextFor(++transition));
    open.insert(open.end(), r.requests.begin(), r.requests.end());
  }
  t.last = r;
  t.final_state = EncodeCheckpoint(s);
  return t;
}

Trace Straight(const Program& p, const Value& input) {
  return Drive(p, input, [&](ExecState&) { return &p; });
}

// As Straight, but every transition starts from stored bytes: the program reloaded from its
// serialized form and the state decoded from the last checkpoint.
Trace Interrupted(const Program& original, const Value& input) {
  const std::string program_bytes = bytecode::SerializeProgram(original);
  absl::StatusOr<Program> p = bytecode::LoadProgram(program_bytes);
  EXPECT_TRUE(p.ok()) << p.status();
  return Drive(*p, input, [&](ExecState& s) -> const Program* {
    const std::string checkpoint = EncodeCheckpoint(s);
    s = ExecState{};  // the process "crashes": nothing survives but the bytes
    p = bytecode::LoadProgram(program_bytes);
    EXPECT_TRUE(p.ok()) << p.status();
    absl::StatusOr<ExecState> decoded = DecodeCheckpoint(checkpoint);
    EXPECT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_TRUE(CheckStateFits(*p, *decoded).ok()) << CheckStateFits(*p, *decoded);
    s = *std::move(decoded);
    return &*p;
  });
}

TEST(Equivalence, CheckpointAtEverySuspensionChangesNothing) {
  const Program p = OrderProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  const Value input = Obj({{"items", List({Str("apple"), Str("pear"), Str("fig")})}});
  const Trace straight = Straight(p, input);
  const Trace interrupted = Interrupted(p, input);

  ASSERT_EQ(straight.last.status, RunStatus::kCompleted) << straight.last.error.ToJson();
  EXPECT_EQ(straight.calls.size(), 5u);  // three prices, reserve, confirm
  EXPECT_EQ(straight.calls[0], R"(price {"item":"apple","region":"eu"})");
  EXPECT_EQ(straight.calls[3], R"(reserve {"n":3})");
  EXPECT_EQ(interrupted.calls, straight.calls);
  EXPECT_EQ(interrupted.last.status, straight.last.status);
  EXPECT_EQ(interrupted.last.output.ToJson(), straight.last.output.ToJson());
  EXPECT_EQ(interrupted.final_state, straight.final_state);

  const Value& out = straight.last.output;
  EXPECT_EQ(out.as_object().Find("results")->ToJson(), "[22,42,62]");
  EXPECT_EQ(out.as_object().Find("at")->ToJson(), "1700000000035");  // the 6th transition's time
  const std::string id = out.as_object().Find("id")->as_string();
  EXPECT_EQ(out.as_object().Find("pair")->ToJson(),
            R"([{"ok":true,"n":3},"confirmed-)" + id + R"("])");
}

TEST(Equivalence, FailuresAreTheSameToo) {
  const Program p = OrderProgram();
  // An item that is not a string still prices; a bad `items` fails at the `for`.
  const Value input = Obj({{"items", List({Str("apple")})}, {"region", Str("us")}});
  EXPECT_EQ(Straight(p, input).last.output.ToJson(), Interrupted(p, input).last.output.ToJson());
  const Program q = OrderProgram();
  ExecState s = NewExecState(q, {Int(5), Str("eu")}, 1);  // bypasses BindInput's type check
  RunResult r = vm::Start(q, s, {});
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "line"), "3");
}

}  // namespace
}  // namespace weft::vm
