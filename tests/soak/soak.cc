// The kill soak's workload, driver, progress probe and checker (see soak.h). The driver is
// crash_test's child process grown to a mixed workload and a worker-side ledger.
#include "tests/soak/soak.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace weft::soak {
namespace {

constexpr std::string_view kSource = R"(
task add_one
task double
workflow calc(n: int) {
    let a = add_one(x: n)
    let b = double(x: a.value)
    var total = 0
    for i in [1, 2, 3] {
        let c = add_one(x: total)
        total = c.value
    }
    return { n: n, result: b.value + total }
}
workflow sub(x: int) {
    let r = double(x: x)
    return r.value
}
workflow rich(n: int) {
    var a = 0
    var b = 0
    parallel {
        {
            let r = add_one(x: n)
            a = r.value
        }
        b = sub(x: n)
    }
    sleep 20ms
    let s = await signal("go")
    let items = parallel for i in [1, 2, 3] {
        let r = add_one(x: i)
        yield r.value
    }
    return { n: n, result: a + b + s + items[0] + items[1] + items[2] }
}
)";

int64_t Field(const Value& v, const char* name) {
  if (!v.is_object()) return -1;
  const Value* f = v.as_object().Find(name);
  return f != nullptr && f->is_int() ? f->as_int() : -1;
}

Value IntObject(const char* name, int64_t value) {
  return Value::MakeObject(Object({{name, Value::Int(value)}}));
}

}  // namespace

std::string_view Source() { return kSource; }
std::string_view WorkflowFor(int64_t n) { return n % 2 == 0 ? "rich" : "calc"; }
int64_t ExpectedResult(int64_t n) {
  return n % 2 == 0 ? (n + 1) + 2 * n + n + 9 : (n + 1) * 2 + 3;
}
size_t TasksPerExecution(int64_t n) { return n % 2 == 0 ? 4 : 5; }

std::vector<LedgerEntry> ReadLedger(const std::string& path, size_t* malformed) {
  std::vector<LedgerEntry> entries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    LedgerEntry e;
    if (fields >> e.run >> e.task_id >> e.attempt) {
      entries.push_back(std::move(e));
    } else if (malformed != nullptr) {
      ++*malformed;
    }
  }
  return entries;
}

int RunDriver(const std::string& store, const std::string& ledger, int executions, int run) {
  const int ledger_fd = open(ledger.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (ledger_fd < 0) return 2;
  std::unique_ptr<Engine> engine;
  for (int i = 0; i < 1000 && !engine; ++i) {  // the killed predecessor's lock may linger
    EngineOptions options;
    options.path = store;
    options.durability = Durability::kSync;
    options.map_size_bytes = size_t{4} << 30;
    options.worker_threads = 4;
    auto opened = Engine::Open(options);
    if (opened.ok()) {
      engine = *std::move(opened);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!engine || !engine->Deploy("soak.wf", kSource).ok()) return 3;
  // The side effect: one ledger line, on disk before the worker reports the task done.
  auto perform = [ledger_fd, run](const TaskContext& t) {
    const std::string line =
        std::to_string(run) + " " + t.task_id + " " + std::to_string(t.attempt) + "\n";
    if (write(ledger_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
        fdatasync(ledger_fd) != 0) {
      _exit(10);  // a side effect that cannot be recorded must not be reported done
    }
  };
  engine->RegisterWorker("add_one", [perform](const TaskContext& t) {
    perform(t);
    return TaskOutcome::Complete(IntObject("value", Field(t.input, "x") + 1));
  });
  engine->RegisterWorker("double", [perform](const TaskContext& t) {
    perform(t);
    return TaskOutcome::Complete(IntObject("value", Field(t.input, "x") * 2));
  });
  if (!engine->StartWorkers().ok()) return 4;
  auto existing = engine->ListExecutions(std::nullopt, 10 * executions + 10);
  if (!existing.ok()) return 5;
  std::set<int64_t> started;
  int resent = 0;
  for (const ExecutionInfo& e : *existing) {
    if (!e.parent_id.empty()) continue;
    const int64_t n = Field(e.input, "n");
    started.insert(n);
    if (e.workflow != "rich" || e.status != ExecutionStatus::kRunning) continue;
    // A signal is acknowledged only once committed, so one in the history was delivered; one
    // that is not was lost with the killed process before it committed: send it again.
    auto history = engine->History(e.id);
    if (!history.ok()) return 8;
    bool delivered = false;
    for (const HistoryEvent& ev : *history) delivered |= ev.type == "SIGNAL_RECEIVED";
    if (delivered) continue;
    if (!engine->Signal(e.id, "go", Value::Int(n)).ok()) return 9;
    ++resent;
  }
  std::fprintf(stderr, "weft_soak: run %d found %zu executions started, re-sent %d signals\n",
               run, started.size(), resent);
  // Several starters, so starts share commits and the kills land amid every kind of work.
  constexpr int kStarters = 8;
  std::vector<std::thread> starters;
  std::atomic<int> failed{0};
  for (int k = 0; k < kStarters; ++k) {
    starters.emplace_back([&, k] {
      for (int n = k; n < executions && failed == 0; n += kStarters) {
        if (started.contains(n)) continue;
        auto id = engine->Start(WorkflowFor(n), IntObject("n", n));
        if (!id.ok()) {
          failed = 6;
        } else if (WorkflowFor(n) == "rich" && !engine->Signal(*id, "go", Value::Int(n)).ok()) {
          failed = 9;
        }
      }
    });
  }
  for (auto& t : starters) t.join();
  if (failed != 0) return failed;
  for (;;) {
    auto running = engine->ListExecutions(ExecutionStatus::kRunning, 1);
    if (!running.ok()) return 7;
    if (running->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  engine.reset();
  close(ledger_fd);
  return 0;
}

Progress ReadProgress(const std::string& store) {
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (!engine.ok()) return {};
  auto all = (*engine)->ListExecutions(std::nullopt, 1 << 30);
  if (!all.ok()) return {};
  Progress p;
  for (const ExecutionInfo& e : *all) {
    if (!e.parent_id.empty()) continue;
    ++p.started;
    p.completed += e.status == ExecutionStatus::kCompleted;
  }
  return p;
}

Report Check(const std::vector<ExecutionRecord>& records, const std::vector<LedgerEntry>& ledger,
             int executions) {
  Report r;
  r.ledger_entries = ledger.size();
  auto problem = [&r](size_t* counter, std::string what) {
    ++*counter;
    if (r.problems.size() < 20) r.problems.push_back(std::move(what));
  };
  // The ledger: a key performed twice by one incarnation was dispatched twice while the
  // engine lived (doubled); by two incarnations, it was redone after a kill (allowed, as the
  // engine had not committed the first completion; the histories prove it applied once).
  std::map<std::pair<std::string, uint32_t>, std::set<int>> runs_of;
  for (const LedgerEntry& e : ledger) {
    auto& runs = runs_of[{e.task_id, e.attempt}];
    if (!runs.insert(e.run).second) {
      problem(&r.doubled, "ledger: " + e.task_id + " attempt " + std::to_string(e.attempt) +
                              " performed twice by run " + std::to_string(e.run));
    }
  }
  for (const auto& [key, runs] : runs_of) r.redone_after_kill += runs.size() - 1;

  std::map<int64_t, int> top_level;  // n -> how many executions
  std::map<std::string, int> children_of;
  for (const ExecutionRecord& rec : records) {
    const ExecutionInfo& e = rec.info;
    const bool child = !e.parent_id.empty();
    if (child) {
      ++r.children;
      ++children_of[e.parent_id];
    } else {
      ++r.executions;
    }
    const int64_t n = child ? -1 : Field(e.input, "n");
    if (!child && ++top_level[n] > 1) {
      problem(&r.doubled, "n=" + std::to_string(n) + " started twice (" + e.id + ")");
    }
    if (e.status != ExecutionStatus::kCompleted) {
      problem(&r.lost, e.id + " is not COMPLETED: " + e.error.ToJson());
      continue;
    }
    if (!child) {
      if (Field(e.output, "result") != ExpectedResult(n)) {
        problem(&r.lost, e.id + " (n=" + std::to_string(n) + ") has the wrong output " +
                             e.output.ToJson());
      } else {
        ++r.completed;
      }
    }
    std::map<std::string, int> scheduled, completed, events;
    for (const HistoryEvent& ev : rec.history) {
      ++events[ev.type];
      if (ev.type == "TASK_SCHEDULED") ++scheduled[ev.task_id];
      if (ev.type != "TASK_COMPLETED") continue;
      ++r.tasks_completed;
      ++completed[ev.task_id];
      const Value* attempt = ev.details.is_object() ? ev.details.as_object().Find("attempt")
                                                    : nullptr;
      const uint32_t a = attempt != nullptr && attempt->is_int() ? attempt->as_int() : 1;
      if (!runs_of.contains({ev.task_id, a})) {
        problem(&r.lost, e.id + ": task " + ev.task_id + " attempt " + std::to_string(a) +
                             " completed with no side effect in the ledger");
      }
    }
    for (const auto& [task, count] : completed) {
      if (count > 1) {
        problem(&r.doubled, e.id + ": task " + task + " completed " + std::to_string(count) +
                                " times");
      }
    }
    for (const auto& [task, count] : scheduled) {
      if (!completed.contains(task)) problem(&r.lost, e.id + ": task " + task + " never completed");
    }
    const size_t want_tasks = child ? 1 : TasksPerExecution(n);
    if (scheduled.size() != want_tasks) {
      problem(scheduled.size() < want_tasks ? &r.lost : &r.doubled,
              e.id + ": " + std::to_string(scheduled.size()) + " tasks, expected " +
                  std::to_string(want_tasks));
    }
    std::map<std::string, int> want{{"EXECUTION_STARTED", 1}, {"EXECUTION_COMPLETED", 1}};
    if (!child && WorkflowFor(n) == "rich") {
      want.insert({{"SIGNAL_RECEIVED", 1}, {"TIMER_STARTED", 1}, {"TIMER_FIRED", 1},
                   {"CHILD_STARTED", 1}, {"CHILD_ENDED", 1}});
    }
    for (const auto& [type, count] : want) {
      const int got = events[type];
      if (got != count) {
        problem(got < count ? &r.lost : &r.doubled,
                e.id + ": " + std::to_string(got) + " " + type + ", expected " +
                    std::to_string(count));
      }
    }
  }
  for (int64_t n = 0; n < executions; ++n) {
    if (!top_level.contains(n)) problem(&r.lost, "n=" + std::to_string(n) + " never started");
  }
  for (const auto& [parent, count] : children_of) {
    if (count > 1) problem(&r.doubled, parent + " has " + std::to_string(count) + " children");
  }
  return r;
}

Report CheckStore(const std::string& store, const std::string& ledger, int executions) {
  size_t malformed = 0;
  std::vector<LedgerEntry> entries = ReadLedger(ledger, &malformed);
  std::vector<ExecutionRecord> records;
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (engine.ok()) {
    auto all = (*engine)->ListExecutions(std::nullopt, 1 << 30);
    if (all.ok()) {
      for (ExecutionInfo& e : *all) {
        auto history = (*engine)->History(e.id);
        records.push_back({std::move(e), history.ok() ? *std::move(history)
                                                      : std::vector<HistoryEvent>{}});
      }
    }
  }
  Report r = Check(records, entries, executions);
  if (malformed > 0) {
    r.problems.push_back(std::to_string(malformed) + " malformed ledger lines");
    r.lost += malformed;
  }
  return r;
}

std::string Format(const Report& r) {
  std::ostringstream out;
  out << "executions " << r.executions << " (completed right " << r.completed << ", children "
      << r.children << ")\n"
      << "tasks run " << r.tasks_completed << "\n"
      << "ledger entries " << r.ledger_entries << " (redone after a kill " << r.redone_after_kill
      << ")\n"
      << "lost " << r.lost << "\n"
      << "doubled " << r.doubled << "\n";
  for (const std::string& p : r.problems) out << "  problem: " << p << "\n";
  return out.str();
}

}  // namespace weft::soak
