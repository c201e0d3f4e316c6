// See runner.h.
#include "tests/golden/run/runner.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "stdlib/jq.h"
#include "vm/checkpoint.h"
#include "vm/errors.h"
#include "vm/vm.h"

namespace weft::golden {
namespace {

constexpr int kMaxSteps = 100'000;
constexpr size_t kNone = std::numeric_limits<size_t>::max();

Value Obj(std::vector<Object::Entry> entries) { return Value::MakeObject(Object(std::move(entries))); }
Value Str(std::string s) { return Value::String(std::move(s)); }

struct Execution {
  const bytecode::Program* program = nullptr;
  vm::ExecState state;
  std::string id;              // exec-1 is the top execution
  std::string prefix;          // "" for the top, "[exec-2 billing] " for children
  size_t parent = kNone;       // attached children: the parent's index and its wait
  uint64_t parent_wait = 0;
  bool ended = false;
};

// A request the runner still has to answer. `deadline` marks the workflow timeout.
struct Open {
  size_t exec;
  vm::Request request;
  bool deadline = false;
};

class Runner {
 public:
  Runner(const std::vector<bytecode::Program>& module, const Script& script)
      : module_(module), script_(script), now_(script.now_ms) {}

  std::string Run(const bytecode::Program& top, const Value& input) {
    if (!StartExecution(top, input, kNone, 0, "")) return out_;
    size_t next_signal = 0;
    for (int step = 0; !stopped_; ++step) {
      if (step == kMaxSteps) return out_ + "too many steps\n";
      if (!immediate_.empty()) {
        auto event = std::move(immediate_.front());
        immediate_.pop_front();
        event();
      } else if (!execs_[0].ended && next_signal < script_.signals.size()) {
        const auto& [name, payload] = script_.signals[next_signal++];
        Line(0, absl::StrCat("signal ", name, " ", payload.ToJson()));
        Transition(0, [&](vm::ExecState& s, const vm::RunContext& ctx) {
          return vm::DeliverSignal(*execs_[0].program, s, name, payload, ctx);
        });
      } else if (!AnswerTask() && !FireEarliest()) {
        break;
      }
    }
    if (!stopped_ && !execs_[0].ended) {
      std::string waits;
      for (const vm::Request& r : vm::OpenRequests(execs_[0].state)) {
        absl::StrAppend(&waits, waits.empty() ? "" : ", ", Describe(0, r));
      }
      absl::StrAppend(&out_, "WAITING forever on ", waits.empty() ? "nothing" : waits, "\n");
    }
    for (; next_signal < script_.signals.size(); ++next_signal) {
      absl::StrAppend(&out_, "signal ", script_.signals[next_signal].first, " not delivered\n");
    }
    return out_;
  }

 private:
  void Line(size_t exec, const std::string& text) {
    absl::StrAppend(&out_, execs_[exec].prefix, text, "\n");
  }

  vm::RunContext Ctx() const {
    vm::RunContext ctx;
    ctx.now_ms = now_;
    return ctx;
  }

  std::string Describe(size_t exec, const vm::Request& r) const {
    const bytecode::Program& p = *execs_[exec].program;
    switch (r.kind) {
      case vm::Request::Kind::kTask:
        return absl::StrCat(r.compensation ? "undo " : "task ", p.tasks.at(r.task_index).name, " ",
                            r.input.ToJson(), r.policy.is_null() ? "" : " with ",
                            r.policy.is_null() ? "" : r.policy.ToJson());
      case vm::Request::Kind::kTimer:
        return absl::StrCat("timer at ", r.due_ms);
      case vm::Request::Kind::kSignal:
        return absl::StrCat("signal ", r.name,
                            r.due_ms == 0 ? "" : absl::StrCat(" until ", r.due_ms));
      case vm::Request::Kind::kChild:
      case vm::Request::Kind::kStartChild:
        return absl::StrCat(r.kind == vm::Request::Kind::kChild ? "child " : "start ", r.name, "@",
                            r.version, " ", r.input.ToJson());
      case vm::Request::Kind::kCancel:
        return absl::StrCat("cancel wait ", r.wait_id);
    }
    return "?";
  }

  // Starts `program` as a new execution; false when its input was rejected.
  bool StartExecution(const bytecode::Program& program, const Value& input, size_t parent,
                      uint64_t parent_wait, std::string prefix) {
    absl::StatusOr<std::vector<Value>> args = vm::BindInput(program, input);
    if (!args.ok()) {
      if (parent == kNone) absl::StrAppend(&out_, "input rejected: ", args.status().message(), "\n");
      return false;
    }
    Execution e;
    e.program = &program;
    e.id = absl::StrCat("exec-", execs_.size() + 1);
    e.prefix = std::move(prefix);
    e.parent = parent;
    e.parent_wait = parent_wait;
    e.state = vm::NewExecState(program, *std::move(args), /*seed=*/42 + execs_.size());
    execs_.push_back(std::move(e));
    const size_t index = execs_.size() - 1;
    if (program.timeout_ms > 0) {
      vm::Request deadline;
      deadline.kind = vm::Request::Kind::kTimer;
      deadline.due_ms = now_ + program.timeout_ms;
      open_.push_back({index, deadline, /*deadline=*/true});
    }
    Absorb(index, vm::Start(program, execs_[index].state, Ctx()));
    return true;
  }

  // Runs `event` on execution `exec` after a checkpoint round trip of its state.
  void Transition(size_t exec,
                  const std::function<vm::RunResult(vm::ExecState&, const vm::RunContext&)>& event) {
    Execution& e = execs_[exec];
    absl::StatusOr<vm::ExecState> decoded = vm::DecodeCheckpoint(vm::EncodeCheckpoint(e.state));
    absl::Status fits = decoded.ok() ? vm::CheckStateFits(*e.program, *decoded) : decoded.status();
    if (!fits.ok()) {
      Line(exec, absl::StrCat("checkpoint error: ", fits.message()));
      stopped_ = true;
      return;
    }
    e.state = *std::move(decoded);
    vm::RunResult r = event(e.state, Ctx());
    if (r.ignored) Line(exec, "  (ignored: the wait no longer exists)");
    Absorb(exec, std::move(r));
  }

  void Absorb(size_t exec, vm::RunResult r) {
    for (vm::Request& req : r.requests) {
      switch (req.kind) {
        case vm::Request::Kind::kCancel:
          Cancel(exec, req.wait_id);
          break;
        case vm::Request::Kind::kChild:
        case vm::Request::Kind::kStartChild:
          StartChild(exec, req);
          break;
        default:
          open_.push_back({exec, std::move(req)});
      }
    }
    // Waits that ended without us (a signal delivered to a waiting fiber) are no longer open.
    std::vector<uint64_t> live;
    for (const vm::Request& o : vm::OpenRequests(execs_[exec].state)) live.push_back(o.wait_id);
    std::erase_if(open_, [&](const Open& o) {
      return o.exec == exec && !o.deadline &&
             std::find(live.begin(), live.end(), o.request.wait_id) == live.end();
    });
    if (r.status == vm::RunStatus::kWaiting) return;
    End(exec, r.status == vm::RunStatus::kCompleted, r.status == vm::RunStatus::kCompleted
                                                         ? std::move(r.output)
                                                         : std::move(r.error));
  }

  void End(size_t exec, bool ok, Value value) {
    Execution& e = execs_[exec];
    e.ended = true;
    std::erase_if(open_, [&](const Open& o) { return o.exec == exec; });
    Line(exec, absl::StrCat(ok ? "COMPLETED " : "FAILED ", value.ToJson()));
    if (e.parent == kNone) return;
    vm::Outcome outcome{ok, value};
    if (!ok) {
      std::string message = absl::StrCat("child workflow `", e.program->workflow_name, "` failed");
      if (value.is_object() && value.as_object().Find("message") != nullptr &&
          value.as_object().Find("message")->is_string()) {
        absl::StrAppend(&message, ": ", value.as_object().Find("message")->as_string());
      }
      outcome.value = Obj({{"code", Str(std::string(vm::kChildFailed))}, {"message", Str(message)},
                           {"workflow", Str(e.program->workflow_name)}, {"child_id", Str(e.id)},
                           {"details", value}});
    }
    const size_t parent = e.parent;
    const uint64_t wait = e.parent_wait;
    immediate_.push_back([this, parent, wait, outcome] {
      if (execs_[parent].ended) return;
      Transition(parent, [&](vm::ExecState& s, const vm::RunContext& ctx) {
        return vm::Resume(*execs_[parent].program, s, wait, outcome, ctx);
      });
    });
  }

  void Cancel(size_t exec, uint64_t wait_id) {
    auto it = std::find_if(open_.begin(), open_.end(), [&](const Open& o) {
      return o.exec == exec && !o.deadline && o.request.wait_id == wait_id;
    });
    if (it != open_.end()) {
      Line(exec, absl::StrCat("cancel ", Describe(exec, it->request)));
      open_.erase(it);
      return;
    }
    // An attached child: terminating the parent's wait terminates the child (and its own).
    for (size_t c = 0; c < execs_.size(); ++c) {
      if (execs_[c].parent == exec && execs_[c].parent_wait == wait_id && !execs_[c].ended) {
        Line(exec, absl::StrCat("cancel child ", execs_[c].id));
        Terminate(c);
        return;
      }
    }
    Line(exec, absl::StrCat("cancel unknown wait ", wait_id));
  }

  void Terminate(size_t exec) {
    for (const vm::Request& r : vm::CancelAll(execs_[exec].state)) Cancel(exec, r.wait_id);
    execs_[exec].ended = true;
    std::erase_if(open_, [&](const Open& o) { return o.exec == exec; });
    Line(exec, "TERMINATED");
  }

  void StartChild(size_t exec, const vm::Request& req) {
    const bool detached = req.kind == vm::Request::Kind::kStartChild;
    const bytecode::Program* child = nullptr;
    for (const bytecode::Program& p : module_) {
      if (p.workflow_name == req.name) child = &p;
    }
    const std::string id = absl::StrCat("exec-", execs_.size() + 1);
    Line(exec, absl::StrCat(Describe(exec, req), " -> ", child == nullptr ? "not found" : id));
    vm::Outcome now_answer;
    bool answer_now = false;
    if (child == nullptr ||
        !StartExecution(*child, req.input, detached ? kNone : exec, req.wait_id,
                        absl::StrCat("[", id, " ", req.name, "] "))) {
      answer_now = true;
      now_answer = vm::Outcome{
          false, Obj({{"code", Str(std::string(vm::kChildFailed))},
                      {"message", Str(absl::StrCat("cannot start workflow `", req.name, "`: ",
                                                   child == nullptr ? "not in this file"
                                                                    : "its input was rejected"))},
                      {"workflow", Str(req.name)}})};
    } else if (detached) {
      answer_now = true;
      now_answer = vm::Outcome{true, Str(id)};
    }
    if (!answer_now) return;
    const uint64_t wait = req.wait_id;
    immediate_.push_back([this, exec, wait, now_answer] {
      if (execs_[exec].ended) return;
      Transition(exec, [&](vm::ExecState& s, const vm::RunContext& ctx) {
        return vm::Resume(*execs_[exec].program, s, wait, now_answer, ctx);
      });
    });
  }

  bool AnswerTask() {
    auto it = std::find_if(open_.begin(), open_.end(), [](const Open& o) {
      return !o.deadline && o.request.kind == vm::Request::Kind::kTask;
    });
    if (it == open_.end()) return false;
    const Open task = *it;
    open_.erase(it);
    const std::string& type = execs_[task.exec].program->tasks.at(task.request.task_index).name;
    Line(task.exec, Describe(task.exec, task.request));
    auto results = script_.results.find(type);
    if (type == bytecode::kJqTask && (results == script_.results.end() || results->second.empty())) {
      AnswerJq(task, type);
      return true;
    }
    if (results == script_.results.end() || results->second.empty()) {
      absl::StrAppend(&out_, "script has no result for task ", type, "\n");
      stopped_ = true;
      return true;
    }
    const ScriptedResult& result =
        results->second[std::min(used_[type]++, results->second.size() - 1)];
    ++task_calls_;
    vm::Outcome outcome;
    if (result.ok) {
      Line(task.exec, absl::StrCat("  => ", result.value.ToJson()));
      outcome = vm::Outcome{true, result.value};
    } else {
      Line(task.exec, absl::StrCat("  !> ", result.reason));
      // The engine's shape, with the ids this run would get: the n-th task call, first attempt.
      outcome = vm::Outcome{false, vm::MakeTaskFailure(type, absl::StrCat("task-", task_calls_),
                                                       /*attempt=*/1, result.reason, Value())};
    }
    Transition(task.exec, [&](vm::ExecState& s, const vm::RunContext& ctx) {
      return vm::Resume(*execs_[task.exec].program, s, task.request.wait_id, outcome, ctx);
    });
    return true;
  }

  // The system task `jq`, unless the script answers it: run as the engine runs it (stdlib/jq.h,
  // default budgets), and answered with its result or the engine's JQ_FAILED error.
  void AnswerJq(const Open& task, const std::string& type) {
    const Value* query = task.request.input.as_object().Find(bytecode::kJqQueryField);
    const Value* input = task.request.input.as_object().Find(bytecode::kJqInputField);
    stdlib::JqResult out = stdlib::RunJq(query != nullptr ? *query : Value::Null(),
                                         input != nullptr ? *input : Value::Null(),
                                         stdlib::JqBudget{});
    ++task_calls_;
    vm::Outcome outcome;
    if (out.ok) {
      Line(task.exec, absl::StrCat("  => ", out.value.ToJson()));
      outcome = vm::Outcome{true, std::move(out.value)};
    } else {
      Line(task.exec, absl::StrCat("  !> ", out.message));
      Value details = Value::MakeObject(Object(
          {{"error", Value::String(std::string(stdlib::JqFailureName(out.failure)))}}));
      outcome = vm::Outcome{false, vm::MakeTaskFailure(type, absl::StrCat("task-", task_calls_),
                                                       /*attempt=*/1, out.message, details)};
    }
    Transition(task.exec, [&](vm::ExecState& s, const vm::RunContext& ctx) {
      return vm::Resume(*execs_[task.exec].program, s, task.request.wait_id, outcome, ctx);
    });
  }

  // The earliest timer, signal timeout or deadline (ties: the one asked first) fires.
  bool FireEarliest() {
    auto earliest = open_.end();
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      const vm::Request& r = it->request;
      if (r.kind == vm::Request::Kind::kSignal && r.due_ms == 0) continue;
      if (earliest == open_.end() || r.due_ms < earliest->request.due_ms) earliest = it;
    }
    if (earliest == open_.end()) return false;
    const Open fired = *earliest;
    open_.erase(earliest);
    now_ = std::max(now_, fired.request.due_ms);
    const size_t exec = fired.exec;
    const bytecode::Program& program = *execs_[exec].program;
    if (fired.deadline) {
      Line(exec, absl::StrCat("deadline at ", now_));
      const Value error = Obj(
          {{"code", Str(std::string(vm::kTimeout))},
           {"message", Str(absl::StrCat("the execution did not finish within its timeout of ",
                                        program.timeout_ms, " ms"))}});
      Transition(exec, [&](vm::ExecState& s, const vm::RunContext& ctx) {
        return vm::Abort(program, s, error, ctx);
      });
      return true;
    }
    vm::Outcome outcome{true, Value()};
    if (fired.request.kind == vm::Request::Kind::kSignal) {
      const std::string& name = fired.request.name;
      Line(exec, absl::StrCat("signal ", name, " times out at ", now_));
      outcome = vm::Outcome{
          false, Obj({{"code", Str(std::string(vm::kTimeout))},
                      {"message", Str(absl::StrCat("signal `", name, "` did not arrive in time"))},
                      {"signal", Str(name)}})};
    } else {
      Line(exec, absl::StrCat("timer fires at ", now_));
    }
    Transition(exec, [&](vm::ExecState& s, const vm::RunContext& ctx) {
      return vm::Resume(program, s, fired.request.wait_id, outcome, ctx);
    });
    return true;
  }

  const std::vector<bytecode::Program>& module_;
  const Script& script_;
  int64_t now_;
  std::string out_;
  std::vector<Execution> execs_;
  std::vector<Open> open_;
  std::deque<std::function<void()>> immediate_;
  std::map<std::string, size_t> used_;
  int task_calls_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::string RunWorkflow(const std::vector<bytecode::Program>& module, const bytecode::Program& top,
                        const Script& script, const Value& input) {
  return Runner(module, script).Run(top, input);
}

}  // namespace weft::golden
