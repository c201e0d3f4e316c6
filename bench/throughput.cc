// bench/throughput: the end-to-end figure. Starts M executions of a 3-step sequential workflow
// with in-process no-op workers, `sync` durability by default, C executions in flight at once
// (closed loop: each client thread starts one, awaits it, starts the next). Reports
// executions/s, steps/s, p50/p99 step latency, peak RSS and bytes per checkpoint; the last line
// is one JSON object so runs can be compared by script.
//
// Step latency is measured where a user feels it: from the moment a worker hands a step's
// result to the engine to the moment the next step of the same execution reaches a worker (or
// the execution is seen complete), i.e. commit + fsync + VM + dispatch.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "weft/engine.h"

namespace {

constexpr std::string_view kWorkflow = R"(
task noop
workflow three_steps(i: int) {
    let a = noop(i: i)
    let b = noop(i: i)
    let c = noop(i: i)
    return { i: i, done: true }
}
)";

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
}

// Per-execution time of the last step handed back, to measure the gap to the next step.
class LatencyRecorder {
 public:
  void StepReturned(const std::string& execution, int64_t t_us) {
    std::lock_guard<std::mutex> lock(mu_);
    last_[execution] = t_us;
  }
  void NextArrived(const std::string& execution, int64_t t_us) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = last_.find(execution);
    if (it == last_.end()) return;
    samples_.push_back(t_us - it->second);
    last_.erase(it);
  }
  std::pair<int64_t, int64_t> P50P99() {
    std::lock_guard<std::mutex> lock(mu_);
    if (samples_.empty()) return {0, 0};
    std::sort(samples_.begin(), samples_.end());
    auto at = [&](double q) { return samples_[static_cast<size_t>(q * (samples_.size() - 1))]; };
    return {at(0.50), at(0.99)};
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, int64_t> last_;
  std::vector<int64_t> samples_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft end-to-end throughput: M executions of a 3-step workflow"};
  int executions = 20000;
  int concurrency = 256;
  int workers = 2;
  std::string durability = "sync";
  std::string store;
  app.add_option("-m,--executions", executions, "executions to run")->check(CLI::PositiveNumber);
  app.add_option("-c,--concurrency", concurrency, "executions in flight")->check(CLI::PositiveNumber);
  app.add_option("-w,--workers", workers, "in-process worker threads")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  app.add_option("--store", store, "store directory (default: a fresh temporary one)");
  CLI11_PARSE(app, argc, argv);

  bool temp_store = store.empty();
  if (temp_store) {
    std::string pattern = (std::filesystem::temp_directory_path() / "weft-bench-XXXXXX").string();
    store = mkdtemp(pattern.data());
  }
  weft::EngineOptions options;
  options.path = store;
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.worker_threads = workers;
  auto engine_or = weft::Engine::Open(options);
  if (!engine_or.ok()) {
    std::fprintf(stderr, "throughput: %s\n", engine_or.status().ToString().c_str());
    return 1;
  }
  weft::Engine& engine = **engine_or;
  if (auto d = engine.Deploy("three_steps.wf", kWorkflow); !d.ok()) {
    std::fprintf(stderr, "throughput: %s\n", d.status().ToString().c_str());
    return 1;
  }
  const Clock::time_point t0 = Clock::now();
  LatencyRecorder latency;
  engine.RegisterWorker("noop", [&](const weft::TaskContext& t) {
    latency.NextArrived(t.execution_id, MicrosSince(t0));
    latency.StepReturned(t.execution_id, MicrosSince(t0));
    return weft::TaskOutcome::Complete(weft::Value());
  });
  if (auto s = engine.StartWorkers(); !s.ok()) {
    std::fprintf(stderr, "throughput: %s\n", s.ToString().c_str());
    return 1;
  }

  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  auto client = [&] {
    for (int i = next++; i < executions; i = next++) {
      weft::Value input = weft::Value::MakeObject(weft::Object({{"i", weft::Value::Int(i)}}));
      auto id = engine.Start("three_steps", input);
      if (!id.ok()) {
        ++failures;
        continue;
      }
      auto done = engine.AwaitExecution(*id, absl::Seconds(120));
      latency.NextArrived(*id, MicrosSince(t0));
      if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted) ++failures;
    }
  };
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < concurrency; ++i) clients.emplace_back(client);
  for (auto& c : clients) c.join();
  const double seconds = MicrosSince(start) / 1e6;

  weft::EngineStats stats = engine.Stats();
  auto [p50, p99] = latency.P50P99();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double exec_per_s = executions / seconds;
  const uint64_t checkpoint_bytes =
      stats.checkpoints_written ? stats.checkpoint_bytes_total / stats.checkpoints_written : 0;
  std::printf("executions: %d (%d failed), steps: %d, durability: %s, concurrency: %d, workers: %d\n",
              executions, failures.load(), executions * 3, durability.c_str(), concurrency, workers);
  std::printf("time: %.2f s, commits: %llu, transitions: %llu (%.1f per commit)\n", seconds,
              static_cast<unsigned long long>(stats.commits),
              static_cast<unsigned long long>(stats.transitions),
              stats.commits ? static_cast<double>(stats.transitions) / stats.commits : 0.0);
  std::printf(
      "{\"executions_per_s\": %.1f, \"steps_per_s\": %.1f, \"p50_step_us\": %lld, "
      "\"p99_step_us\": %lld, \"peak_rss_kb\": %ld, \"checkpoint_bytes\": %llu, "
      "\"executions\": %d, \"failures\": %d, \"durability\": \"%s\", \"concurrency\": %d}\n",
      exec_per_s, exec_per_s * 3, static_cast<long long>(p50), static_cast<long long>(p99),
      usage.ru_maxrss, static_cast<unsigned long long>(checkpoint_bytes), executions,
      failures.load(), durability.c_str(), concurrency);
  engine_or->reset();
  if (temp_store) std::filesystem::remove_all(store);
  return failures.load() == 0 ? 0 : 1;
}
