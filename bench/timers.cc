// bench/timers: M executions that each sleep for D (default 10,000 x 1 s) on the real clock.
// Reports how late the timers fired: the time of the transition that resumed each execution
// (its now(), read when the writer applied the firing) minus the due time, start + D. Also
// the wall time and peak RSS. Last line: one JSON object.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Weft timers: M executions each sleeping D"};
  int executions = 10000;
  int sleep_ms = 1000;
  int starters = 8;
  std::string durability = "sync";
  app.add_option("-m,--executions", executions, "executions")->check(CLI::PositiveNumber);
  app.add_option("--sleep-ms", sleep_ms, "how long each sleeps")->check(CLI::PositiveNumber);
  app.add_option("--starters", starters, "threads starting executions")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  const std::string source = absl::StrCat(
      "workflow nap() {\n    sleep ", sleep_ms, "ms\n    return now()\n}\n");
  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  auto engine = weft::bench::OpenOrDie("timers", options, source);

  std::vector<std::string> ids(executions);
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < starters; ++k) {
    threads.emplace_back([&] {
      for (int i = next++; i < executions; i = next++) {
        auto id = engine->Start("nap", weft::Value());
        if (!id.ok()) {
          ++failures;
          continue;
        }
        ids[i] = *id;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double start_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<int64_t> lateness;
  lateness.reserve(executions);
  for (const std::string& id : ids) {
    if (id.empty()) continue;
    auto done = engine->AwaitExecution(id, absl::Minutes(5));
    if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted) {
      ++failures;
      continue;
    }
    // The timer is due at start + D; now() in the workflow is the firing transition's time.
    lateness.push_back(done->output.as_int() - (done->created_ms + sleep_ms));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(lateness.begin(), lateness.end());
  auto pct = [&](double p) {
    return lateness.empty() ? 0 : lateness[std::min(lateness.size() - 1, size_t(p * lateness.size()))];
  };
  const weft::EngineStats stats = engine->Stats();
  std::printf("executions: %d (%d failed), sleep: %d ms, durability: %s\n", executions,
              failures.load(), sleep_ms, durability.c_str());
  std::printf("starting took %.2f s; all done after %.2f s; commits: %llu\n", start_seconds,
              seconds, static_cast<unsigned long long>(stats.commits));
  std::printf(
      "{\"executions\": %d, \"sleep_ms\": %d, \"seconds\": %.2f, \"start_seconds\": %.2f, "
      "\"late_p50_ms\": %lld, \"late_p99_ms\": %lld, \"late_max_ms\": %lld, \"early\": %s, "
      "\"peak_rss_kb\": %ld, \"failures\": %d}\n",
      executions, sleep_ms, seconds, start_seconds, static_cast<long long>(pct(0.5)),
      static_cast<long long>(pct(0.99)), static_cast<long long>(lateness.empty() ? 0 : lateness.back()),
      (!lateness.empty() && lateness.front() < 0) ? "true" : "false", weft::bench::PeakRssKb(),
      failures.load());
  return failures.load() == 0 ? 0 : 1;
}
