// bench/suspended: M executions (default 1,000,000), each waiting on a signal, the shape of a
// store full of human tasks. Reports what suspended work costs (issue 7):
//   - bytes on disk per execution (data.mdb's size, and the pages its tables use, over M);
//   - peak RSS while starting them (and the RSS after each progress line);
//   - the time to reopen the store, with what the open read (EngineStats::states_loaded and
//     rows_read_at_open: a reopen must not read the waiting executions);
//   - the time to signal and finish K (default 10,000) of them.
// Starts come from --clients threads calling Engine::Start, so the writer groups them into
// batches. Last line: one JSON object. Figures go to docs/performance.md.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/bench_store.h"

namespace {

constexpr char kSource[] = R"(workflow waiter(n: int) {
    let v = await signal("go")
    return v + n
}
)";

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The resident set now, in KiB: its anonymous part (the heap: what the process holds), or its
// file-backed part (mostly data.mdb's pages mapped by LMDB, which the kernel reclaims at will).
long RssKb(const char* field = "RssAnon:") {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return 0;
}

// Runs fn(i) for i in [0, n) on `threads` threads; fn returns false on failure (counted).
template <typename Fn>
int ParallelFor(int n, int threads, Fn fn) {
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < n;) {
        if (!fn(i)) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return failures.load();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft suspended executions: M executions waiting on a signal"};
  int executions = 1000000;
  int to_signal = 10000;
  int clients = 64;
  int progress = 100000;
  std::string durability = "nosync";
  std::string store_dir;
  app.add_option("-m,--executions", executions, "executions to start")
      ->check(CLI::PositiveNumber);
  app.add_option("-k,--signal", to_signal, "executions to signal and finish after the reopen")
      ->check(CLI::NonNegativeNumber);
  app.add_option("-c,--clients", clients, "threads calling Start and Signal")
      ->check(CLI::PositiveNumber);
  app.add_option("--progress", progress, "a progress line every this many starts")
      ->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")
      ->check(CLI::IsMember({"sync", "nosync"}));
  app.add_option("--store", store_dir, "keep the store in this new directory (default: a temporary one)");
  CLI11_PARSE(app, argc, argv);
  to_signal = std::min(to_signal, executions);

  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store_dir.empty() ? store.path() : store_dir;
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.worker_threads = 1;  // nothing here runs tasks
  const std::string data = options.path + "/data.mdb";

  // 1. Start M executions; each stops at its `await signal`. Only the ids of the K to signal
  // are kept (every stride-th), so the bench's own memory does not grow with M.
  const int stride = std::max(1, executions / std::max(1, to_signal));
  std::vector<std::string> ids(to_signal);
  auto engine = weft::bench::OpenOrDie("suspended", options, kSource);
  const auto t_start = std::chrono::steady_clock::now();
  int start_failures = 0;
  long peak_rss_during_start_kb = 0;
  for (int done = 0; done < executions;) {
    const int n = std::min(progress, executions - done);
    start_failures += ParallelFor(n, clients, [&](int i) {
      weft::Object input;
      input.Set("n", weft::Value::Int(done + i));
      auto id = engine->Start("waiter", weft::Value::MakeObject(std::move(input)));
      if (!id.ok()) return false;
      const int n_th = done + i;
      if (n_th % stride == 0 && n_th / stride < to_signal) ids[n_th / stride] = *id;
      return true;
    });
    done += n;
    const long rss = RssKb();
    peak_rss_during_start_kb = std::max(peak_rss_during_start_kb, rss);
    std::printf("started %9d  %7.1f s  data.mdb %6.1f MB  RSS anon %6.1f MB, file %6.1f MB\n",
                done, Since(t_start), static_cast<double>(std::filesystem::file_size(data)) / 1e6,
                static_cast<double>(rss) / 1024, static_cast<double>(RssKb("RssFile:")) / 1024);
    std::fflush(stdout);
  }
  const double start_seconds = Since(t_start);
  const long peak_rss_kb = weft::bench::PeakRssKb();  // since the process began
  const weft::EngineStats filled = engine->Stats();

  // 2. Close and reopen.
  engine.reset();
  const uint64_t file_bytes = std::filesystem::file_size(data);
  const long rss_before_reopen_kb = RssKb();
  const auto t_open = std::chrono::steady_clock::now();
  auto reopened = weft::Engine::Open(options);
  const double reopen_seconds = Since(t_open);
  if (!reopened.ok()) {
    std::fprintf(stderr, "suspended: reopen: %s\n", reopened.status().ToString().c_str());
    return 1;
  }
  engine = *std::move(reopened);
  const weft::EngineStats opened = engine->Stats();
  const long rss_after_reopen_kb = RssKb();

  // 3. Signal K of them, spread over the store, and wait for each to finish.
  const auto t_signal = std::chrono::steady_clock::now();
  const int signal_failures = ParallelFor(to_signal, clients, [&](int i) {
    const std::string& id = ids[i];
    if (!engine->Signal(id, "go", weft::Value::Int(1)).ok()) return false;
    auto info = engine->AwaitExecution(id, absl::Minutes(5));
    return info.ok() && info->status == weft::ExecutionStatus::kCompleted;
  });
  const double signal_seconds = Since(t_signal);
  const weft::EngineStats after = engine->Stats();

  std::printf(
      "executions %d (start failures %d) in %.1f s: %.0f starts/s\n"
      "data.mdb %.1f MB: %.0f bytes per execution (table pages %.0f bytes per execution)\n"
      "peak anonymous RSS while starting %.1f MB (process peak RSS, data.mdb's mapped pages "
      "included: %.1f MB)\n"
      "reopen %.3f s: states loaded %llu, rows read %llu; anonymous RSS %.1f MB before, %.1f MB "
      "after\n"
      "signal and finish %d: %.2f s (%d failures), %.0f /s; states loaded %llu\n",
      executions, start_failures, start_seconds, executions / start_seconds,
      static_cast<double>(file_bytes) / 1e6, static_cast<double>(file_bytes) / executions,
      static_cast<double>(filled.store_pages) * 4096 / executions,
      static_cast<double>(peak_rss_during_start_kb) / 1024,
      static_cast<double>(peak_rss_kb) / 1024, reopen_seconds,
      static_cast<unsigned long long>(opened.states_loaded),
      static_cast<unsigned long long>(opened.rows_read_at_open),
      static_cast<double>(rss_before_reopen_kb) / 1024,
      static_cast<double>(rss_after_reopen_kb) / 1024, to_signal, signal_seconds,
      signal_failures, signal_seconds > 0 ? to_signal / signal_seconds : 0.0,
      static_cast<unsigned long long>(after.states_loaded));
  std::printf(
      "{\"executions\": %d, \"start_seconds\": %.1f, \"data_mdb_bytes\": %llu, "
      "\"bytes_per_execution\": %.0f, \"peak_anon_rss_start_kb\": %ld, \"reopen_seconds\": %.3f, "
      "\"reopen_states_loaded\": %llu, \"signaled\": %d, \"signal_seconds\": %.2f, "
      "\"failures\": %d}\n",
      executions, start_seconds, static_cast<unsigned long long>(file_bytes),
      static_cast<double>(file_bytes) / executions, peak_rss_during_start_kb, reopen_seconds,
      static_cast<unsigned long long>(opened.states_loaded), to_signal, signal_seconds,
      start_failures + signal_failures);
  return start_failures + signal_failures == 0 ? 0 : 1;
}
