// bench/jq: what a jq(...) call costs. Three figures per call of a small query on a small
// value (`.items | map(.price * .qty) | add`):
//   inline   libjq in this thread with a cached compiled program: what the old in-VM builtin
//            cost (stdlib::RunJqInProcess);
//   child    the bounded runner the `jq` system task uses: fork, run, pipe, reap, with the
//            program already in this thread's cache (stdlib::RunJq);
//   workflow end to end in the engine: one execution making N sequential jq() calls, each a
//            task round trip (writer commit, worker pool, child) — divided by N; with the same
//            workflow calling a no-op task instead of jq() for comparison.
// Last line: one JSON object.
#include <chrono>
#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"
#include "stdlib/jq.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

constexpr char kQuery[] = ".items | map(.price * .qty) | add";
constexpr char kOrder[] =
    R"({"items":[{"sku":"a","price":3,"qty":2},{"sku":"b","price":5,"qty":1}]})";

// Seconds per call of `workflow` (which makes `calls` sequential calls) in a fresh engine.
double PerCallInEngine(const char* workflow, int calls, const std::string& durability) {
  const std::string source = R"(
task noop
workflow with_jq(n: int, order: object) {
    var total = 0
    for i in range(n) {
        total = total + jq(".items | map(.price * .qty) | add", order)
    }
    return total
}
workflow with_task(n: int, order: object) {
    var total = 0
    for i in range(n) {
        let r = noop(i: i)
        total = total + 11
    }
    return total
}
)";
  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.worker_threads = 2;
  auto engine = weft::bench::OpenOrDie("jq", options, source);
  engine->RegisterWorker("noop", [](const weft::TaskContext&) {
    return weft::TaskOutcome::Complete(weft::Value());
  });
  if (!engine->StartWorkers().ok()) return -1;
  auto input = weft::Value::FromJson(absl::StrCat(R"({"n":)", calls, R"(,"order":)", kOrder, "}"));
  const auto t0 = std::chrono::steady_clock::now();
  auto id = engine->Start(workflow, *input);
  if (!id.ok()) return -1;
  auto done = engine->AwaitExecution(*id, absl::Minutes(10));
  const double seconds = Seconds(t0);
  if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted ||
      done->output.as_int() != int64_t{11} * calls) {
    std::fprintf(stderr, "jq: %s did not complete: %s\n", workflow,
                 done.ok() ? done->error.ToJson().c_str() : done.status().ToString().c_str());
    return -1;
  }
  return seconds / calls;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft jq(): the cost of one call, inline vs in a bounded child vs end to end"};
  int n = 2000;
  std::string durability = "nosync";
  app.add_option("-n,--calls", n, "calls per figure")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync (the workflow figures)")
      ->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  const weft::Value query = weft::Value::String(kQuery);
  const weft::Value order = *weft::Value::FromJson(kOrder);
  weft::stdlib::RunJqInProcess(query, order);  // compile once: both figures use the cache
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) weft::stdlib::RunJqInProcess(query, order);
  const double inline_s = Seconds(t0) / n;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) weft::stdlib::RunJq(query, order, weft::stdlib::JqBudget{});
  const double child_s = Seconds(t0) / n;
  const int cold_n = std::min(n, 50);
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < cold_n; ++i) {  // a new program each time: compiled in the child, then here
    weft::stdlib::RunJq(weft::Value::String(absl::StrCat(kQuery, " + ", i)), order,
                        weft::stdlib::JqBudget{});
  }
  const double cold_s = Seconds(t0) / cold_n;
  const double workflow_jq_s = PerCallInEngine("with_jq", n, durability);
  const double workflow_task_s = PerCallInEngine("with_task", n, durability);

  std::printf("calls: %d (cold: %d), durability: %s\n", n, cold_n, durability.c_str());
  std::printf("inline (old builtin): %.1f us/call\n", inline_s * 1e6);
  std::printf("child, cached program: %.1f us/call\n", child_s * 1e6);
  std::printf("child, new program: %.1f ms/call\n", cold_s * 1e3);
  std::printf("workflow, jq() calls: %.1f us/call\n", workflow_jq_s * 1e6);
  std::printf("workflow, no-op task calls: %.1f us/call\n", workflow_task_s * 1e6);
  std::printf(
      "{\"calls\": %d, \"inline_us\": %.1f, \"child_us\": %.1f, \"child_new_program_ms\": %.1f, "
      "\"workflow_jq_us\": %.1f, \"workflow_task_us\": %.1f, \"peak_rss_kb\": %ld}\n",
      n, inline_s * 1e6, child_s * 1e6, cold_s * 1e3, workflow_jq_s * 1e6, workflow_task_s * 1e6,
      weft::bench::PeakRssKb());
  return 0;
}
