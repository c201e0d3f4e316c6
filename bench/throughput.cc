// bench/throughput: the end-to-end figure. Runs M executions of a 3-step sequential workflow
// with in-process no-op workers, `sync` durability by default, in one of three ways:
//
//   closed loop (default): one or two client threads (--clients) keep C executions in flight
//     (-c) with Engine::StartAsync; each execution's callback frees its slot. No thread per
//     execution.
//   open loop (--rate N): executions arrive at a fixed rate from a schedule computed before the
//     run, for --duration seconds (or M executions). A client never waits for the engine, and an
//     execution's latency is measured from its *scheduled* start, so a stall delays every
//     arrival it holds up and shows in the percentiles (no coordinated omission).
//     With --batch N, each client starts N at a time with Engine::StartBatch.
//   blocking closed loop (--blocking): C client threads, each Start + AwaitExecution, as the
//     benchmark ran before the asynchronous API; kept to compare with the older figures.
//
// Reports executions/s, steps/s, p50/p99 step latency, p50/p99/p999 execution latency, peak RSS
// and bytes per checkpoint; the last line is one JSON object so runs can be compared by script.
//
// Step latency is measured where a user feels it: from the moment a worker hands a step's
// result to the engine to the moment the next step of the same execution reaches a worker (or
// the execution is seen complete), i.e. commit + fsync + VM + dispatch. Execution latency is
// from the (scheduled) start to the callback that reports the end.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "bench/bench_store.h"
#include "bench/alloc_counter.h"
#include "weft/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
}

weft::Value Input(int i) {
  return weft::Value::MakeObject(weft::Object({{"i", weft::Value::Int(i)}}));
}

// Latency samples in microseconds, from any thread.
class Samples {
 public:
  void Add(int64_t us) {
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back(us);
  }
  // The q-quantile (0 when empty).
  int64_t At(double q) {
    std::lock_guard<std::mutex> lock(mu_);
    if (samples_.empty()) return 0;
    if (!sorted_) std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
    return samples_[static_cast<size_t>(q * static_cast<double>(samples_.size() - 1))];
  }

 private:
  std::mutex mu_;
  std::vector<int64_t> samples_;
  bool sorted_ = false;
};

// Per-execution time of the last step handed back, to measure the gap to the next step.
class StepLatency {
 public:
  void StepReturned(const std::string& execution, int64_t t_us) {
    std::lock_guard<std::mutex> lock(mu_);
    last_[execution] = t_us;
  }
  void NextArrived(std::string_view execution, int64_t t_us) {
    int64_t since = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = last_.find(absl::string_view(execution.data(), execution.size()));
      if (it == last_.end()) return;
      since = it->second;
      last_.erase(it);
    }
    samples_.Add(t_us - since);
  }
  Samples& samples() { return samples_; }

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, int64_t> last_;
  Samples samples_;
};

struct Run {
  explicit Run(weft::Engine& e) : engine(e) {}
  weft::Engine& engine;
  const Clock::time_point t0 = Clock::now();  // the origin of step timestamps
  StepLatency steps;
  Samples executions;  // execution latency
  Samples start_lag;   // open loop: how late each start left the client
  std::atomic<int> failures{0};

  // Counts ends; Wait returns once `n` executions have ended (or failed to start).
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  int ended = 0;
  Clock::time_point last_end;

  void Ended(std::string_view id, const absl::StatusOr<weft::ExecutionInfo>& result,
             Clock::time_point started) {
    steps.NextArrived(id, MicrosSince(t0));
    const Clock::time_point now = Clock::now();
    executions.Add(std::chrono::duration_cast<std::chrono::microseconds>(now - started).count());
    if (!result.ok() || result->status != weft::ExecutionStatus::kCompleted) ++failures;
    Finish(now);
  }
  void Finish(Clock::time_point now) {
    {
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
      ++ended;
      last_end = now;
    }
    cv.notify_all();
  }
  void Wait(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return ended >= n; });
  }
  // Starts execution `i` without waiting; its latency counts from `since`.
  void StartOne(int i, Clock::time_point since) {
    auto id = engine.StartAsync(
        "three_steps", Input(i),
        [this, since](std::string_view id, absl::StatusOr<weft::ExecutionInfo> result) {
          Ended(id, result, since);
        });
    if (!id.ok()) {
      ++failures;
      Finish(Clock::now());
    }
  }
};

// Closed loop with StartBatch: each client waits for `batch` free slots and fills them at once.
void RunClosedBatches(Run& run, int executions, int concurrency, int clients, int batch) {
  std::atomic<int> next{0};
  auto client = [&] {
    for (int first = next.fetch_add(batch); first < executions; first = next.fetch_add(batch)) {
      const int n = std::min(batch, executions - first);
      {
        std::unique_lock<std::mutex> lock(run.mu);
        run.cv.wait(lock, [&] { return run.in_flight + n <= std::max(concurrency, n); });
        run.in_flight += n;
      }
      std::vector<weft::Value> inputs;
      for (int i = first; i < first + n; ++i) inputs.push_back(Input(i));
      const Clock::time_point started = Clock::now();
      auto ids = run.engine.StartBatch(
          "three_steps", inputs,
          [&run, started](std::string_view id, absl::StatusOr<weft::ExecutionInfo> result) {
            run.Ended(id, result, started);
          });
      for (const auto& id : ids) {
        if (!id.ok()) {
          ++run.failures;
          run.Finish(Clock::now());
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client);
  for (auto& t : threads) t.join();
  run.Wait(executions);
}

// Closed loop on the asynchronous API: `clients` threads keep `concurrency` executions in flight.
void RunClosed(Run& run, int executions, int concurrency, int clients) {
  std::atomic<int> next{0};
  auto client = [&] {
    for (int i = next++; i < executions; i = next++) {
      {
        std::unique_lock<std::mutex> lock(run.mu);
        run.cv.wait(lock, [&] { return run.in_flight < concurrency; });
        ++run.in_flight;
      }
      run.StartOne(i, Clock::now());
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client);
  for (auto& t : threads) t.join();
  run.Wait(executions);
}

// Open loop: execution k is due at start + k / rate; client c starts every clients-th one.
void RunOpen(Run& run, int executions, double rate, int clients, Clock::time_point start) {
  std::vector<Clock::time_point> due(executions);
  for (int k = 0; k < executions; ++k) {
    due[k] = start + std::chrono::nanoseconds(static_cast<int64_t>(k * 1e9 / rate));
  }
  auto client = [&](int c) {
    for (int k = c; k < executions; k += clients) {
      std::this_thread::sleep_until(due[k]);
      run.start_lag.Add(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due[k]).count());
      run.StartOne(k, due[k]);
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client, c);
  for (auto& t : threads) t.join();
  run.Wait(executions);
}

// The benchmark as it was before StartAsync: a thread per execution in flight.
void RunBlocking(Run& run, int executions, int concurrency) {
  std::atomic<int> next{0};
  auto client = [&] {
    for (int i = next++; i < executions; i = next++) {
      const Clock::time_point started = Clock::now();
      auto id = run.engine.Start("three_steps", Input(i));
      if (!id.ok()) {
        ++run.failures;
        continue;
      }
      auto done = run.engine.AwaitExecution(*id, absl::Seconds(120));
      run.Ended(*id, done, started);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) threads.emplace_back(client);
  for (auto& t : threads) t.join();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft end-to-end throughput: M executions of a 3-step workflow"};
  int executions = 20000;
  int concurrency = 256;
  int clients = 1;
  int workers = 2;
  double rate = 0;
  double duration_s = 0;
  bool blocking = false;
  int batch = 1;
  std::string durability = "sync";
  std::string store;
  app.add_option("-m,--executions", executions, "executions to run")->check(CLI::PositiveNumber);
  app.add_option("-c,--concurrency", concurrency, "closed loop: executions in flight")
      ->check(CLI::PositiveNumber);
  app.add_option("--clients", clients, "client threads starting executions (1 or 2)")
      ->check(CLI::Range(1, 2));
  app.add_option("--rate", rate, "open loop: executions started per second, on a fixed schedule")
      ->check(CLI::PositiveNumber);
  app.add_option("--duration", duration_s, "open loop: seconds of arrivals (instead of -m)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--blocking", blocking,
               "closed loop with one thread per execution in flight (Start + AwaitExecution)");
  app.add_option("--batch", batch, "closed loop: start executions N at a time with StartBatch")
      ->check(CLI::PositiveNumber);
  app.add_option("-w,--workers", workers, "in-process worker threads")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  app.add_option("--store", store, "store directory (default: a fresh temporary one)");
  CLI11_PARSE(app, argc, argv);
  if (rate > 0 && blocking) {
    std::fprintf(stderr, "throughput: --rate and --blocking exclude each other\n");
    return 2;
  }
  if (batch > 1 && (rate > 0 || blocking)) {
    std::fprintf(stderr, "throughput: --batch is for the (default) closed loop\n");
    return 2;
  }
  if (duration_s > 0 && rate <= 0) {
    std::fprintf(stderr, "throughput: --duration needs --rate\n");
    return 2;
  }
  if (duration_s > 0) executions = std::max(1, static_cast<int>(rate * duration_s));
  const std::string mode = rate > 0 ? "open" : blocking ? "blocking" : "closed";

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
  if (auto d = engine.Deploy("three_steps.wf", weft::bench::kThreeStepWorkflow); !d.ok()) {
    std::fprintf(stderr, "throughput: %s\n", d.status().ToString().c_str());
    return 1;
  }
  Run run(engine);
  engine.RegisterWorker("noop", [&](const weft::TaskContext& t) {
    run.steps.NextArrived(t.execution_id, MicrosSince(run.t0));
    run.steps.StepReturned(t.execution_id, MicrosSince(run.t0));
    return weft::TaskOutcome::Complete(weft::Value());
  });
  if (auto s = engine.StartWorkers(); !s.ok()) {
    std::fprintf(stderr, "throughput: %s\n", s.ToString().c_str());
    return 1;
  }

  const uint64_t allocations_before = weft::bench::Allocations();
  // The open loop's schedule starts a little ahead, once every client thread is up.
  const Clock::time_point start =
      mode == "open" ? Clock::now() + std::chrono::milliseconds(20) : Clock::now();
  if (mode == "open") {
    RunOpen(run, executions, rate, clients, start);
  } else if (mode == "blocking") {
    RunBlocking(run, executions, concurrency);
  } else if (batch > 1) {
    RunClosedBatches(run, executions, concurrency, clients, batch);
  } else {
    RunClosed(run, executions, concurrency, clients);
  }
  const double seconds =
      std::chrono::duration_cast<std::chrono::microseconds>(
          (mode == "open" ? run.last_end : Clock::now()) - start).count() / 1e6;
  const uint64_t allocations = weft::bench::Allocations() - allocations_before;

  weft::EngineStats stats = engine.Stats();
  const int64_t p50 = run.steps.samples().At(0.50), p99 = run.steps.samples().At(0.99);
  const int64_t e50 = run.executions.At(0.50), e99 = run.executions.At(0.99),
                e999 = run.executions.At(0.999);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double exec_per_s = executions / seconds;
  const uint64_t checkpoint_bytes =
      stats.checkpoints_written ? stats.checkpoint_bytes_total / stats.checkpoints_written : 0;
  const int failures = run.failures.load();
  const int threads = mode == "blocking" ? concurrency : clients;
  std::printf("executions: %d (%d failed), steps: %d, durability: %s, mode: %s, ", executions,
              failures, executions * 3, durability.c_str(), mode.c_str());
  if (mode == "open") {
    std::printf("rate: %.0f/s, ", rate);
  } else {
    std::printf("concurrency: %d, ", concurrency);
    if (batch > 1) std::printf("batches of %d, ", batch);
  }
  std::printf("client threads: %d, workers: %d\n", threads, workers);
  std::printf("time: %.2f s, commits: %llu, transitions: %llu (%.1f per commit)\n", seconds,
              static_cast<unsigned long long>(stats.commits),
              static_cast<unsigned long long>(stats.transitions),
              stats.commits ? static_cast<double>(stats.transitions) / stats.commits : 0.0);
  // What one task step costs (everything the run did, divided by its task steps; the run's
  // starts and ends are part of it, as a 3-step workflow has them).
  const double steps = executions * 3.0;
  std::printf("per step: %.1f LMDB puts, %.1f deletes, %.0f bytes put, %.1f allocations, "
              "%.2f commits\n",
              stats.store_puts / steps, stats.store_deletes / steps,
              stats.store_bytes_written / steps, allocations / steps, stats.commits / steps);
  std::printf("execution latency: p50 %.1f ms, p99 %.1f ms, p999 %.1f ms", e50 / 1e3, e99 / 1e3,
              e999 / 1e3);
  if (mode == "open") {
    std::printf(" (from the scheduled start); start lag p99 %.1f ms",
                run.start_lag.At(0.99) / 1e3);
  }
  std::printf("\n");
  std::printf(
      "{\"executions_per_s\": %.1f, \"steps_per_s\": %.1f, \"p50_step_us\": %lld, "
      "\"p99_step_us\": %lld, \"p50_exec_us\": %lld, \"p99_exec_us\": %lld, "
      "\"p999_exec_us\": %lld, \"peak_rss_kb\": %ld, \"checkpoint_bytes\": %llu, "
      "\"executions\": %d, \"failures\": %d, \"durability\": \"%s\", \"mode\": \"%s\", "
      "\"concurrency\": %d, \"rate\": %.0f, \"client_threads\": %d, \"batch\": %d}\n",
      exec_per_s, exec_per_s * 3, static_cast<long long>(p50), static_cast<long long>(p99),
      static_cast<long long>(e50), static_cast<long long>(e99), static_cast<long long>(e999),
      usage.ru_maxrss, static_cast<unsigned long long>(checkpoint_bytes), executions, failures,
      durability.c_str(), mode.c_str(), mode == "open" ? 0 : concurrency, rate, threads, batch);
  engine_or->reset();
  if (temp_store) std::filesystem::remove_all(store);
  return failures == 0 ? 0 : 1;
}
