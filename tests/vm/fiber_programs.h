// Hand-assembled programs for the fiber tests: each one exercises one construct of issue 3
// the way the compiler emits it (docs: /tmp/weft/DESIGN.md, "Language surface"), with a
// comment giving the source it stands for. Scenarios() pairs each with a Simulator setup so
// that the round-trip, tampering and fuzz tests can visit every wait of every program.
#ifndef WEFT_TESTS_VM_FIBER_PROGRAMS_H_
#define WEFT_TESTS_VM_FIBER_PROGRAMS_H_

#include <functional>
#include <string>
#include <vector>

#include "tests/vm/simulator.h"

namespace weft::vm::testing {

// workflow w(prefix) {
//   return parallel { work(n: prefix)  { let b = "b2"; work(n: b) }  42 }   (values, not null)
// }
// Locals: 0 prefix (the parent's, read in place by branch 1), 1 b (branch 2's own: base 1).
inline Program ForkJoinProgram() {
  Assembler a("fork_join");
  a.Param("prefix");
  const uint32_t work = a.Task("work");
  const uint32_t k_n = a.Const(Str("n"));
  auto l1 = a.NewLabel(), l2 = a.NewLabel(), l3 = a.NewLabel();
  a.At(2, 3).Jump(Op::FORK, l1, 1).Jump(Op::FORK, l2, 1).Jump(Op::FORK, l3, 1);
  a.Emit(Op::JOIN).Emit(Op::RETURN);
  a.Bind(l1).At(3, 5).Emit(Op::CONST, k_n).Emit(Op::LOAD_LOCAL, 0).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, work).Emit(Op::BRANCH_END);
  a.Bind(l2).At(4, 5).Emit(Op::CONST, a.Const(Str("b2"))).Emit(Op::STORE_LOCAL, 1);
  a.Emit(Op::CONST, k_n).Emit(Op::LOAD_LOCAL, 1).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, work).Emit(Op::BRANCH_END);
  a.Bind(l3).At(5, 5).Emit(Op::CONST, a.Const(Int(42))).Emit(Op::BRANCH_END);
  return a.Build(2, 2);
}

// workflow w() {
//   [try {] parallel { a()  b()  { sleep 1000 } } [} catch e { return e }]
// }
// Branch 1 calls `a` at 10:3, branch 2 calls `b` at 11:3, branch 3 sleeps.
inline Program FailFastProgram(bool with_try) {
  Assembler a("fail_fast");
  const uint32_t ta = a.Task("a"), tb = a.Task("b");
  auto l1 = a.NewLabel(), l2 = a.NewLabel(), l3 = a.NewLabel(), caught = a.NewLabel();
  if (with_try) a.Jump(Op::TRY, caught);
  a.Jump(Op::FORK, l1, 0).Jump(Op::FORK, l2, 0).Jump(Op::FORK, l3, 0);
  a.At(9, 1).Emit(Op::JOIN);
  if (with_try) a.Emit(Op::END_TRY);
  a.Emit(Op::RETURN);
  if (with_try) a.Bind(caught).Emit(Op::RETURN);
  a.Bind(l1).Emit(Op::MAKE_OBJECT, 0).At(10, 3).Emit(Op::CALL_TASK, ta).Emit(Op::BRANCH_END);
  a.Bind(l2).Emit(Op::MAKE_OBJECT, 0).At(11, 3).Emit(Op::CALL_TASK, tb).Emit(Op::BRANCH_END);
  a.Bind(l3).Emit(Op::CONST, a.Const(Int(1000))).Emit(Op::SLEEP).Emit(Op::PUSH_NULL);
  a.Emit(Op::BRANCH_END);
  return a.Build(0, 2);
}

// workflow w(items, limit) { return parallel for x in items limit limit { yield work(x: x) } }
// Locals: 0 items, 1 limit (null: no limit), 2 x (each item's own: base 2).
inline Program ForEachProgram() {
  Assembler a("for_each");
  a.Param("items").Param("limit");
  const uint32_t work = a.Task("work");
  auto body = a.NewLabel();
  a.At(1, 1).Emit(Op::LOAD_LOCAL, 0).Emit(Op::LOAD_LOCAL, 1).Jump(Op::FORK_EACH, body, 2);
  a.Emit(Op::JOIN).Emit(Op::RETURN);
  a.Bind(body).At(2, 3).Emit(Op::STORE_LOCAL, 2).Emit(Op::CONST, a.Const(Str("x")));
  a.Emit(Op::LOAD_LOCAL, 2).Emit(Op::MAKE_OBJECT, 1).Emit(Op::CALL_TASK, work);
  a.Emit(Op::BRANCH_END);
  return a.Build(3, 2);
}

// workflow w(n) { var i = 0; while i < n { step(i: i); i = i + 1 }; return i }
// Locals: 0 n, 1 i.
inline Program LoopProgram() {
  Assembler a("loop");
  a.Param("n");
  const uint32_t step = a.Task("step");
  const uint32_t k_one = a.Const(Int(1));
  auto top = a.NewLabel(), done = a.NewLabel();
  a.Emit(Op::CONST, a.Const(Int(0))).Emit(Op::STORE_LOCAL, 1);
  a.Bind(top).Emit(Op::LOAD_LOCAL, 1).Emit(Op::LOAD_LOCAL, 0).Emit(Op::LT);
  a.Jump(Op::JUMP_IF_FALSE, done);
  a.Emit(Op::CONST, a.Const(Str("i"))).Emit(Op::LOAD_LOCAL, 1).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, step).Emit(Op::POP);
  a.Emit(Op::LOAD_LOCAL, 1).Emit(Op::CONST, k_one).Emit(Op::ADD).Emit(Op::STORE_LOCAL, 1);
  a.Jump(Op::JUMP, top);
  a.Bind(done).Emit(Op::LOAD_LOCAL, 1).Emit(Op::RETURN);
  return a.Build(2, 2);
}

// The stack holds "kept" under an outer try and "x" under an inner one; the inner body calls
// `check` and then raises a runtime error (1 + "s" at 5:7); the inner catch re-throws the
// error object unchanged (`fail e` at 9:1), and the outer catch returns ["kept", e].
inline Program NestedTryProgram() {
  Assembler a("nested_try");
  const uint32_t check = a.Task("check");
  auto inner = a.NewLabel(), outer = a.NewLabel();
  a.Emit(Op::CONST, a.Const(Str("kept"))).Jump(Op::TRY, outer);
  a.Emit(Op::CONST, a.Const(Str("x"))).Jump(Op::TRY, inner);
  a.Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, check).Emit(Op::POP);
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::CONST, a.Const(Str("s"))).At(5, 7).Emit(Op::ADD);
  a.Emit(Op::END_TRY).Emit(Op::POP).Emit(Op::POP).Emit(Op::END_TRY).Emit(Op::RETURN);
  a.Bind(inner).At(9, 1).Emit(Op::FAIL);
  a.Bind(outer).Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  return a.Build(0, 4);
}

// workflow w(timeout) {
//   return [await signal("go", timeout: timeout), await signal("go")]
// }
inline Program SignalsProgram() {
  Assembler a("signals");
  a.Param("timeout");
  const uint32_t k_go = a.Const(Str("go"));
  a.Emit(Op::CONST, k_go).Emit(Op::LOAD_LOCAL, 0).At(3, 11).Emit(Op::AWAIT_SIGNAL);
  a.Emit(Op::CONST, k_go).Emit(Op::PUSH_NULL).At(4, 11).Emit(Op::AWAIT_SIGNAL);
  a.Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  return a.Build(1, 3);
}

// workflow w() { return [billing@3(id: 5), start audit(id: 6)] }
inline Program ChildrenProgram() {
  Assembler a("children");
  const uint32_t k_id = a.Const(Str("id"));
  a.Emit(Op::CONST, k_id).Emit(Op::CONST, a.Const(Int(5))).Emit(Op::MAKE_OBJECT, 1);
  a.At(2, 11).Emit(Op::CALL_WORKFLOW, a.Const(Str("billing")), 3);
  a.Emit(Op::CONST, k_id).Emit(Op::CONST, a.Const(Int(6))).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::START_WORKFLOW, a.Const(Str("audit")), 0);
  a.Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  return a.Build(0, 3);
}

// workflow w() {
//   ship(o: 1) compensate cancel_shipment(o: 1)
//   charge(amt: 5) compensate refund(amt: 5)
//   notify()                                   // 4:3, fails in the tests that want it to
//   return "done"
// }
inline Program SagaProgram() {
  Assembler a("saga");
  const uint32_t ship = a.Task("ship"), cancel = a.Task("cancel_shipment");
  const uint32_t charge = a.Task("charge"), refund = a.Task("refund");
  const uint32_t notify = a.Task("notify");
  const uint32_t k_o = a.Const(Str("o")), k_amt = a.Const(Str("amt"));
  const uint32_t k_1 = a.Const(Int(1)), k_5 = a.Const(Int(5));
  a.Emit(Op::CONST, k_o).Emit(Op::CONST, k_1).Emit(Op::MAKE_OBJECT, 1).Emit(Op::CALL_TASK, ship);
  a.Emit(Op::POP).Emit(Op::CONST, k_o).Emit(Op::CONST, k_1).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::COMPENSATE, cancel);
  a.Emit(Op::CONST, k_amt).Emit(Op::CONST, k_5).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::CALL_TASK, charge).Emit(Op::POP);
  a.Emit(Op::CONST, k_amt).Emit(Op::CONST, k_5).Emit(Op::MAKE_OBJECT, 1);
  a.Emit(Op::COMPENSATE, refund);
  a.Emit(Op::MAKE_OBJECT, 0).At(4, 3).Emit(Op::CALL_TASK, notify).Emit(Op::POP);
  a.Emit(Op::CONST, a.Const(Str("done"))).Emit(Op::RETURN);
  return a.Build(0, 2);
}

// Every kind of wait open at once, inside a try in each branch:
//   parallel { charge(n: 1) with {retries: 3}   sleep 500   await signal("go", timeout: 900)
//              billing(id: 1)   start audit(id: 2) }
inline Program EveryWaitProgram() {
  Assembler a("every_wait");
  const uint32_t charge = a.Task("charge");
  std::vector<Assembler::Label> branches;
  for (int i = 0; i < 5; ++i) branches.push_back(a.NewLabel());
  for (auto& l : branches) a.Jump(Op::FORK, l, 0);
  a.Emit(Op::JOIN).Emit(Op::RETURN);
  auto input = [&](int n) {
    a.Emit(Op::CONST, a.Const(Str("n"))).Emit(Op::CONST, a.Const(Int(n))).Emit(Op::MAKE_OBJECT, 1);
  };
  auto caught = a.NewLabel();
  a.Bind(branches[0]).Jump(Op::TRY, caught);
  input(1);
  a.Emit(Op::CALL_TASK_WITH, charge, a.Const(Obj({{"retries", Int(3)}})));
  a.Emit(Op::END_TRY).Emit(Op::BRANCH_END);
  a.Bind(caught).Emit(Op::BRANCH_END);
  a.Bind(branches[1]).Emit(Op::CONST, a.Const(Int(500))).Emit(Op::SLEEP).Emit(Op::PUSH_NULL);
  a.Emit(Op::BRANCH_END);
  a.Bind(branches[2]).Emit(Op::CONST, a.Const(Str("go"))).Emit(Op::CONST, a.Const(Int(900)));
  a.Emit(Op::AWAIT_SIGNAL).Emit(Op::BRANCH_END);
  a.Bind(branches[3]);
  input(1);
  a.Emit(Op::CALL_WORKFLOW, a.Const(Str("billing")), 0).Emit(Op::BRANCH_END);
  a.Bind(branches[4]);
  input(2);
  a.Emit(Op::START_WORKFLOW, a.Const(Str("audit")), 0).Emit(Op::BRANCH_END);
  return a.Build(0, 3);
}

// A `parallel for` whose items each run a static `parallel` of two tasks (nesting):
//   parallel for x in items limit 2 { yield parallel { work(x: x)  work(x: x) } }
// Locals: 0 items, 1 x (base 1); the inner branches have no locals of their own (base 2).
inline Program NestedForkProgram() {
  Assembler a("nested_fork");
  a.Param("items");
  const uint32_t work = a.Task("work");
  auto body = a.NewLabel(), b1 = a.NewLabel(), b2 = a.NewLabel();
  a.Emit(Op::LOAD_LOCAL, 0).Emit(Op::CONST, a.Const(Int(2))).Jump(Op::FORK_EACH, body, 1);
  a.Emit(Op::JOIN).Emit(Op::RETURN);
  a.Bind(body).Emit(Op::STORE_LOCAL, 1).Jump(Op::FORK, b1, 2).Jump(Op::FORK, b2, 2);
  a.Emit(Op::JOIN).Emit(Op::BRANCH_END);
  const uint32_t k_x = a.Const(Str("x"));
  for (auto l : {b1, b2}) {
    a.Bind(l).Emit(Op::CONST, k_x).Emit(Op::LOAD_LOCAL, 1).Emit(Op::MAKE_OBJECT, 1);
    a.Emit(Op::CALL_TASK, work).Emit(Op::BRANCH_END);
  }
  return a.Build(2, 2);
}

struct Scenario {
  std::string name;
  Program program;
  std::vector<Value> args;
  std::function<void(Simulator&)> setup = [](Simulator&) {};
};

// A task answer that fails task `failing` and echoes every other task's input.
inline std::function<Outcome(const std::string&, const Value&)> FailTask(std::string failing) {
  return [failing](const std::string& task, const Value& input) {
    if (task != failing) return Ok(input);
    return Outcome{false, MakeTaskFailure(task, "task-1", 1, "no", Value())};
  };
}

inline std::vector<Scenario> Scenarios() {
  std::vector<Scenario> out;
  out.push_back({"fork_join", ForkJoinProgram(), {Str("p")}});
  out.push_back({"fail_fast_caught", FailFastProgram(true), {},
                 [](Simulator& s) { s.task = FailTask("b"); }});
  out.push_back({"fail_fast_uncaught", FailFastProgram(false), {},
                 [](Simulator& s) { s.task = FailTask("a"); }});
  out.push_back({"for_each_limit", ForEachProgram(),
                 {List({Int(1), Int(2), Int(3), Int(4), Int(5)}), Int(2)}});
  out.push_back({"for_each_fails", ForEachProgram(),
                 {List({Int(1), Int(2), Int(3), Int(4)}), Int(3)},
                 [](Simulator& s) {
                   s.task = [](const std::string& t, const Value& in) {
                     if (in.as_object().Find("x")->as_int() == 2) {
                       return Outcome{false, MakeTaskFailure(t, "task-2", 1, "bad", Value())};
                     }
                     return Ok(in);
                   };
                 }});
  out.push_back({"loop", LoopProgram(), {Int(4)}});
  out.push_back({"nested_try", NestedTryProgram(), {}});
  out.push_back({"signals", SignalsProgram(), {Int(300)}, [](Simulator& s) {
                   s.signals = {{"other", Int(0)}, {"go", Int(1)}, {"go", Int(2)}};
                 }});
  out.push_back({"signal_timeout", SignalsProgram(), {Int(300)}});
  out.push_back({"children", ChildrenProgram(), {}});
  out.push_back({"saga", SagaProgram(), {}, [](Simulator& s) { s.task = FailTask("notify"); }});
  out.push_back({"every_wait", EveryWaitProgram(), {},
                 [](Simulator& s) { s.task = FailTask("charge"); }});
  out.push_back({"nested_fork", NestedForkProgram(), {List({Int(1), Int(2), Int(3)})}});
  return out;
}

}  // namespace weft::vm::testing

#endif  // WEFT_TESTS_VM_FIBER_PROGRAMS_H_
