// bench/fanout: one execution fans out N no-op tasks with `parallel for` (all at once, or
// `--limit` at a time) and joins them. Reports the wall time from start to completion, tasks/s,
// commits, the final checkpoint size and the total bytes of checkpoints written (which shows
// whether per-branch work stays O(1) amortised), peak RSS. Last line: one JSON object.
#include <chrono>
#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Weft fan-out: one execution, an N-branch parallel for of no-op tasks"};
  int branches = 1000;
  int limit = 0;
  int workers = 2;
  std::string durability = "sync";
  app.add_option("-n,--branches", branches, "items in the parallel for")->check(CLI::PositiveNumber);
  app.add_option("--limit", limit, "branches running at once (0: no limit)");
  app.add_option("-w,--workers", workers, "in-process worker threads")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  const std::string source = absl::StrCat(R"(
task noop
workflow fanout(n: int) {
    let results = parallel for i in range(n))", limit > 0 ? absl::StrCat(" limit ", limit) : "",
                                          R"( {
        let r = noop(i: i)
        yield i
    }
    return len(results)
}
)");
  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.worker_threads = workers;
  auto engine = weft::bench::OpenOrDie("fanout", options, source);
  engine->RegisterWorker("noop", [](const weft::TaskContext&) {
    return weft::TaskOutcome::Complete(weft::Value());
  });
  if (!engine->StartWorkers().ok()) return 1;

  const auto t0 = std::chrono::steady_clock::now();
  auto id = engine->Start("fanout", weft::Value::MakeObject(weft::Object({{"n", weft::Value::Int(branches)}})));
  if (!id.ok()) {
    std::fprintf(stderr, "fanout: %s\n", id.status().ToString().c_str());
    return 1;
  }
  auto done = engine->AwaitExecution(*id, absl::Minutes(10));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted ||
      !done->output.is_int() || done->output.as_int() != branches) {
    std::fprintf(stderr, "fanout: did not complete with %d results: %s\n", branches,
                 done.ok() ? done->error.ToJson().c_str() : done.status().ToString().c_str());
    return 1;
  }
  const weft::EngineStats stats = engine->Stats();
  const double mean_checkpoint =
      stats.checkpoints_written ? double(stats.checkpoint_bytes_total) / stats.checkpoints_written : 0;
  std::printf("branches: %d, limit: %d, durability: %s, workers: %d\n", branches, limit,
              durability.c_str(), workers);
  std::printf("time: %.3f s, commits: %llu, transitions: %llu, checkpoints: %llu (mean %.0f B)\n",
              seconds, static_cast<unsigned long long>(stats.commits),
              static_cast<unsigned long long>(stats.transitions),
              static_cast<unsigned long long>(stats.checkpoints_written), mean_checkpoint);
  std::printf(
      "{\"branches\": %d, \"limit\": %d, \"seconds\": %.3f, \"tasks_per_s\": %.1f, "
      "\"commits\": %llu, \"checkpoint_bytes_total\": %llu, \"mean_checkpoint_bytes\": %.0f, "
      "\"peak_rss_kb\": %ld}\n",
      branches, limit, seconds, branches / seconds, static_cast<unsigned long long>(stats.commits),
      static_cast<unsigned long long>(stats.checkpoint_bytes_total), mean_checkpoint,
      weft::bench::PeakRssKb());
  return 0;
}
