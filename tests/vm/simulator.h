// A tiny deterministic engine for VM tests: runs an execution to its end by answering its
// requests the way the real engine would, with a virtual clock. Tests use it to drive the
// fiber programs and, optionally, to check at every wait that a checkpoint round trip changes
// nothing (encode, decode, CheckStateFits, then continue both the original and the decoded
// state with the same event and compare).
//
// Order, so that every run is reproducible: open task / child requests are answered first,
// oldest request first; then the next scripted signal is delivered; then the clock jumps to
// the earliest timer or signal timeout, which fires.
#ifndef WEFT_TESTS_VM_SIMULATOR_H_
#define WEFT_TESTS_VM_SIMULATOR_H_

#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/vm/vm_test_util.h"
#include "vm/checkpoint.h"
#include "vm/errors.h"

namespace weft::vm::testing {

class Simulator {
 public:
  // How the outside world answers. Defaults: a task's output is its input, a child's output is
  // {"child": name}, a detached start gets "exec-<wait id>".
  std::function<Outcome(const std::string& task, const Value& input)> task =
      [](const std::string&, const Value& input) { return Ok(input); };
  std::function<Outcome(const Request&)> child = [](const Request& r) {
    return Ok(Obj({{"child", Str(r.name)}}));
  };
  std::deque<std::pair<std::string, Value>> signals;  // delivered when nothing else is pending
  bool round_trip = false;  // check the checkpoint round trip before every event
  int64_t now_ms = 1'000;

  explicit Simulator(const Program& program) : p_(program) {}

  // Runs a fresh execution with `args` to its end (or until nothing can happen).
  RunResult Run(std::vector<Value> args = {}) {
    state = NewExecState(p_, std::move(args), /*seed=*/7);
    RunResult r = Start(p_, state, Ctx());
    Absorb(r);
    while (r.status == RunStatus::kWaiting) {
      std::function<RunResult(ExecState&)> event;
      if (!NextEvent(event)) break;
      if (round_trip) {
        r = CheckedStep(event);
      } else {
        r = event(state);
      }
      Absorb(r);
    }
    return r;
  }

  ExecState state;
  std::vector<std::string> log;       // every request, as Describe() shows it, in order
  std::vector<ExecState> waits;       // the state at every wait (for fuzzing and tampering)
  size_t max_open_tasks = 0;          // the most task requests that were open at once

 private:
  RunContext Ctx() const {
    RunContext ctx;
    ctx.now_ms = now_ms;
    return ctx;
  }

  void Absorb(const RunResult& r) {
    for (const Request& req : r.requests) {
      log.push_back(Describe(p_, req));
      if (req.kind == Request::Kind::kCancel) {
        std::erase_if(open_, [&](const Request& o) { return o.wait_id == req.wait_id; });
      } else {
        open_.push_back(req);
      }
    }
    // A wait that ended without an answer from us (a signal delivered to it) is no longer open.
    std::vector<uint64_t> still_open;
    for (const Request& o : OpenRequests(state)) still_open.push_back(o.wait_id);
    std::erase_if(open_, [&](const Request& o) {
      return std::find(still_open.begin(), still_open.end(), o.wait_id) == still_open.end();
    });
    size_t tasks = 0;
    for (const Request& o : open_) tasks += o.kind == Request::Kind::kTask ? 1 : 0;
    max_open_tasks = std::max(max_open_tasks, tasks);
    if (r.status == RunStatus::kWaiting) waits.push_back(state);
  }

  bool Take(std::function<bool(const Request&)> pick, Request& out) {
    auto it = std::find_if(open_.begin(), open_.end(), pick);
    if (it == open_.end()) return false;
    out = *it;
    open_.erase(it);
    return true;
  }

  bool NextEvent(std::function<RunResult(ExecState&)>& event) {
    Request r;
    if (Take([](const Request& o) { return o.kind != Request::Kind::kTimer &&
                                           o.kind != Request::Kind::kSignal; }, r)) {
      Outcome out;
      if (r.kind == Request::Kind::kTask) {
        out = task(p_.tasks.at(r.task_index).name, r.input);
      } else if (r.kind == Request::Kind::kStartChild) {
        out = Ok(Str(absl::StrCat("exec-", r.wait_id)));
      } else {
        out = child(r);
      }
      event = [this, r, out](ExecState& s) { return Resume(p_, s, r.wait_id, out, Ctx()); };
      return true;
    }
    if (!signals.empty()) {
      auto name = signals.front().first;  // not bound: clang 15 cannot capture a binding
      auto payload = signals.front().second;
      signals.pop_front();
      event = [this, name, payload](ExecState& s) {
        return DeliverSignal(p_, s, name, payload, Ctx());
      };
      return true;
    }
    // The earliest timer or signal timeout (a signal without one never fires).
    auto earliest = open_.end();
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->kind == Request::Kind::kSignal && it->due_ms == 0) continue;
      if (earliest == open_.end() || it->due_ms < earliest->due_ms) earliest = it;
    }
    if (earliest == open_.end()) return false;
    r = *earliest;
    open_.erase(earliest);
    now_ms = std::max(now_ms, r.due_ms);
    Outcome out = Ok();
    if (r.kind == Request::Kind::kSignal) {
      // The engine's TIMEOUT carries no position; the VM adds the wait's.
      out = Outcome{false, Obj({{"code", Str(std::string(kTimeout))},
                                {"message", Str("signal `" + r.name + "` timed out")}})};
    }
    event = [this, r, out](ExecState& s) { return Resume(p_, s, r.wait_id, out, Ctx()); };
    return true;
  }

  // The event applied to the state and to its decoded checkpoint must agree in every way.
  RunResult CheckedStep(const std::function<RunResult(ExecState&)>& event) {
    absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(state));
    EXPECT_TRUE(decoded.ok()) << decoded.status();
    if (!decoded.ok()) return event(state);
    EXPECT_EQ(DumpState(*decoded), DumpState(state));
    const absl::Status fits = CheckStateFits(p_, *decoded);
    EXPECT_TRUE(fits.ok()) << fits << "\n" << DumpState(*decoded);
    RunResult a = event(state);
    RunResult b = event(*decoded);
    EXPECT_EQ(Describe(p_, a.requests), Describe(p_, b.requests));
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.output.ToJson(), b.output.ToJson());
    EXPECT_EQ(a.error.ToJson(), b.error.ToJson());
    EXPECT_EQ(a.ignored, b.ignored);
    EXPECT_EQ(DumpState(*decoded), DumpState(state));
    EXPECT_EQ(EncodeCheckpoint(*decoded), EncodeCheckpoint(state));
    return a;
  }

  const Program p_;  // a copy: tests pass temporaries
  std::vector<Request> open_;
};

}  // namespace weft::vm::testing

#endif  // WEFT_TESTS_VM_SIMULATOR_H_
