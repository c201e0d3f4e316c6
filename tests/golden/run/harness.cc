// See harness.h. The transcript is rendered by transcript.h once the run is over.
#include "tests/golden/run/harness.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "engine/clock.h"
#include "engine/engine_impl.h"
#include "stdlib/jq.h"
#include "stdlib/js.h"
#include "tests/golden/run/transcript.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::golden {
namespace {

constexpr int kMaxSteps = 100'000;
constexpr char kWorker[] = "golden";
// Real time the harness waits at most for the engine to move (a timer to fire) before it
// gives up; the engine takes milliseconds.
constexpr auto kMaxStall = std::chrono::seconds(20);

// The field `key` of `v`; null when `v` is no object or has no such field.
Value Field(const Value& v, std::string_view key) {
  const Value* found = v.is_object() ? v.as_object().Find(key) : nullptr;
  return found != nullptr ? *found : Value();
}

class GoldenRun {
 public:
  GoldenRun(const Script& script, const RunOptions& options)
      : script_(script), options_(options) {}

  std::string Run(std::string_view file_name, std::string_view source, const std::string& workflow,
                  const Value& input) {
    if (!Open(script_.now_ms)) return out_;
    absl::StatusOr<std::vector<DeployedWorkflow>> deployed = engine_->Deploy(file_name, source);
    if (!deployed.ok()) return absl::StrCat("deploy failed: ", deployed.status().message(), "\n");
    // Held from before the start: the engine may jump it as soon as the start commits.
    clock_->Hold(true);
    absl::StatusOr<std::string> id = engine_->Start(workflow, input);
    if (!id.ok()) {
      return absl::StrCat(absl::IsInvalidArgument(id.status()) ? "input rejected: " : "start failed: ",
                          id.status().message(), "\n");
    }
    top_ = *id;
    SendSignals();
    if (!StepBoundary()) return out_ + notes_;
    Drive();
    TranscriptRenderer transcript(*engine_);
    transcript.Render(top_);
    return transcript.Text(notes_);
  }

 private:
  bool Open(int64_t now_ms) {
    EngineOptions options;
    options.path = dir_.path() + "/store";
    options.durability = Durability::kNoSync;
    options.map_size_bytes = 1ull << 30;
    options.worker_threads = 1;  // the pool is never started: the harness is the only worker
    options.virtual_time = true;
    auto clock = std::make_unique<engine::VirtualClock>(now_ms);
    clock_ = clock.get();
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        engine::EngineImpl::Open(options, std::move(clock));
    if (!engine.ok()) {
      out_ = absl::StrCat("cannot open the engine: ", engine.status().message(), "\n");
      return false;
    }
    engine_ = *std::move(engine);
    return true;
  }

  engine::EngineImpl& Impl() { return static_cast<engine::EngineImpl&>(*engine_); }

  // Between two steps: notes the tasks the last one scheduled, and with
  // RunOptions::reopen_at_every_step closes the engine and opens the store again, so that the
  // next step starts from what was stored (its clock goes on from where it was). False when
  // the store cannot be opened again.
  //
  // Not while two ready tasks share a type: a reopened engine queues the tasks of one type in
  // id order, and ids made by two engines in the same (virtual) millisecond do not sort by
  // time, so the worker would be handed another task than the one running on would hand it.
  bool StepBoundary() {
    std::vector<ExecutionInfo> running;
    std::vector<TaskInfo> scheduled;
    OldestScheduledTask(&running, &scheduled);
    if (!options_.reopen_at_every_step || stopped_) return !stopped_;
    std::map<std::string, int> per_type;
    for (const TaskInfo& t : scheduled) {
      if (++per_type[t.type] > 1) return true;
    }
    // Held first: the engine may still be firing timers, and must not jump past the time the
    // next engine starts at while it winds down.
    clock_->Hold(true);
    const int64_t now_ms = clock_->NowMs();
    engine_.reset();
    clock_ = nullptr;
    return Open(now_ms);
  }

  // Each scripted signal, in order, before anything else can happen; then lets the clock go.
  void SendSignals() {
    bool ended = false;
    for (const auto& [name, payload] : script_.signals) {
      const absl::Status s = ended ? absl::OkStatus() : engine_->Signal(top_, name, payload);
      if (ended || absl::IsFailedPrecondition(s)) {
        ended = true;
        absl::StrAppend(&notes_, "signal ", name, " not delivered\n");
      } else if (!s.ok()) {
        absl::StrAppend(&notes_, "signal ", name, ": ", s.message(), "\n");
      }
    }
    clock_->Hold(false);
  }

  // Answers tasks one at a time until every execution ended or nothing can happen any more.
  void Drive() {
    auto last_move = std::chrono::steady_clock::now();
    for (int step = 0; step < kMaxSteps; ++step) {
      std::vector<ExecutionInfo> running;
      std::optional<TaskInfo> next = OldestScheduledTask(&running);
      if (stopped_) return;
      if (next) {
        if (!Answer(*next) || !StepBoundary()) return;
        last_move = std::chrono::steady_clock::now();
        continue;
      }
      if (running.empty() || Impl().Quiescent()) return;
      if (std::chrono::steady_clock::now() - last_move > kMaxStall) {
        absl::StrAppend(&notes_, "the engine stalled\n");
        return;
      }
      // A timer is due once the engine sees itself idle: wait for what it does.
      const ExecutionInfo before = running.front();
      absl::StatusOr<ExecutionInfo> after =
          engine_->AwaitExecution(before.id, absl::Milliseconds(5));
      if (after.ok() && after->updated_ms != before.updated_ms) {
        last_move = std::chrono::steady_clock::now();
      }
    }
    absl::StrAppend(&notes_, "too many steps\n");
  }

  // The oldest task waiting for a worker, of any execution; fills `running` with the
  // executions not ended. "Oldest" is the order in which the harness first saw the tasks, and
  // among tasks first seen together, the order of their ids: one engine's ids are
  // time-ordered, and tasks are always first seen from the engine that scheduled them (see
  // StepBoundary), even when the engine is reopened between steps.
  std::optional<TaskInfo> OldestScheduledTask(std::vector<ExecutionInfo>* running,
                                              std::vector<TaskInfo>* all_scheduled = nullptr) {
    absl::StatusOr<std::vector<ExecutionInfo>> all = engine_->ListExecutions(std::nullopt, 1'000'000);
    if (!all.ok()) return Stop(absl::StrCat("cannot list executions: ", all.status().message()));
    std::vector<TaskInfo> scheduled;
    for (const ExecutionInfo& e : *all) {
      if (IsEnded(e.status)) continue;
      running->push_back(e);
      absl::StatusOr<std::vector<TaskInfo>> tasks = engine_->Tasks(e.id);
      if (!tasks.ok()) return Stop(absl::StrCat("cannot list tasks: ", tasks.status().message()));
      for (TaskInfo& t : *tasks) {
        if (t.status == TaskStatus::kScheduled) scheduled.push_back(std::move(t));
      }
    }
    std::sort(scheduled.begin(), scheduled.end(),
              [](const TaskInfo& a, const TaskInfo& b) { return a.id < b.id; });
    for (const TaskInfo& t : scheduled) seen_.try_emplace(t.id, seen_.size());
    auto oldest = std::min_element(scheduled.begin(), scheduled.end(),
                                   [&](const TaskInfo& a, const TaskInfo& b) {
                                     return seen_[a.id] < seen_[b.id];
                                   });
    if (oldest == scheduled.end()) return std::nullopt;
    std::optional<TaskInfo> found = *oldest;
    if (all_scheduled != nullptr) *all_scheduled = std::move(scheduled);
    return found;
  }

  std::optional<TaskInfo> Stop(std::string why) {
    absl::StrAppend(&notes_, why, "\n");
    stopped_ = true;
    return std::nullopt;
  }

  // Takes `task` (or the oldest of its type) and reports its scripted result; false to stop.
  bool Answer(const TaskInfo& task) {
    // The store showed the task; the writer hands it to the dispatcher just after that commit.
    Impl().AwaitCommitEffects();
    absl::StatusOr<std::optional<LeasedTask>> leased = engine_->PollTask(task.type, kWorker);
    if (!leased.ok() || !leased->has_value()) {
      absl::StrAppend(&notes_, "task ", task.type, " is scheduled but not handed out\n");
      return false;
    }
    const TaskContext& t = (*leased)->context;
    auto results = script_.results.find(t.task_type);
    const bool scripted = results != script_.results.end() && !results->second.empty();
    absl::Status reported;
    if (scripted) {
      const ScriptedResult& r = results->second[std::min(used_[t.task_type]++,
                                                         results->second.size() - 1)];
      reported = r.ok ? engine_->CompleteTask(t.task_id, kWorker, r.value)
                      : engine_->FailTask(t.task_id, kWorker, r.reason);
    } else if (t.task_type == bytecode::kJqTask) {
      reported = AnswerJq(t);
    } else if (t.task_type == bytecode::kJsTask) {
      // The system task `js`, as the engine's own worker runs it (engine/system_tasks.cc).
      stdlib::JsResult out = stdlib::RunJsTask(t.input);
      reported = out.ok ? engine_->CompleteTask(t.task_id, kWorker, std::move(out.value))
                        : engine_->FailTask(t.task_id, kWorker, out.message, Value(), /*terminal=*/true);
    } else {
      absl::StrAppend(&notes_, "script has no result for task ", t.task_type, "\n");
      return false;
    }
    if (!reported.ok()) absl::StrAppend(&notes_, "result of ", t.task_id, ": ", reported.message(), "\n");
    return true;
  }

  // The system task `jq`, as the engine's own worker runs it (engine/system_tasks.cc).
  absl::Status AnswerJq(const TaskContext& t) {
    const Value query = Field(t.input, bytecode::kJqQueryField);
    const Value input = Field(t.input, bytecode::kJqInputField);
    stdlib::JqResult out = stdlib::RunJq(query, input, stdlib::JqBudget{});
    if (out.ok) return engine_->CompleteTask(t.task_id, kWorker, std::move(out.value));
    Value details = Value::MakeObject(Object(
        {{"error", Value::String(std::string(stdlib::JqFailureName(out.failure)))}}));
    return engine_->FailTask(t.task_id, kWorker, out.message, std::move(details), /*terminal=*/true);
  }

  const Script& script_;
  const RunOptions options_;
  testing::TempDir dir_;
  engine::VirtualClock* clock_ = nullptr;  // owned by engine_
  std::unique_ptr<Engine> engine_;
  std::string top_;
  std::map<std::string, size_t> used_;  // scripted results used, by task type
  std::map<std::string, size_t> seen_;  // task id -> when the harness first saw it
  std::string out_;                     // why the run could not even start
  std::string notes_;                   // what the harness has to say, after the transcript
  bool stopped_ = false;
};

}  // namespace

std::string RunOnEngine(std::string_view file_name, std::string_view source,
                        const std::string& workflow, const Script& script, const Value& input,
                        const RunOptions& options) {
  return GoldenRun(script, options).Run(file_name, source, workflow, input);
}

}  // namespace weft::golden
