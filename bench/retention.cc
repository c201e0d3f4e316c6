// bench/retention: N short executions (default 200,000) on a store with a short retention
// (default 1 s), started in rounds of R. After each round it prints the store's size: rows of
// every table, the pages they use, data.mdb's size on disk, and the process's RSS. With
// retention the rows stay near a constant and the file stops growing once freed pages are
// reused; with --retention-ms 0 both grow with N. --with-task gives each execution one task
// (run by an in-process worker), so the task, queue and index rows are deleted too. Last line:
// one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/bench_store.h"

namespace {

// The resident set now, in KiB: its anonymous part (the heap: what the process holds), or its
// file-backed part (mostly data.mdb's pages mapped by LMDB, which the kernel reclaims at will).
long RssKb(const char* field = "RssAnon:") {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return 0;
}

constexpr char kSource[] = R"(task echo

workflow quick(n: int) {
    return n + 1
}

workflow quick_task(n: int) {
    return echo(n: n)
}
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft retention: many short executions with a short retention"};
  int executions = 200000;
  int round = 10000;
  int retention_ms = 1000;
  std::string durability = "nosync";
  bool with_task = false;
  app.add_option("-n,--executions", executions, "executions")->check(CLI::PositiveNumber);
  app.add_option("--round", round, "executions per round (a size line each)")
      ->check(CLI::PositiveNumber);
  app.add_option("--retention-ms", retention_ms, "retention; 0 = keep forever")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--durability", durability, "sync or nosync")
      ->check(CLI::IsMember({"sync", "nosync"}));
  app.add_flag("--with-task", with_task, "each execution runs one task");
  CLI11_PARSE(app, argc, argv);

  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.retention = absl::Milliseconds(retention_ms);
  options.retention_interval = absl::Milliseconds(100);
  options.worker_threads = 2;
  auto engine = weft::bench::OpenOrDie("retention", options, kSource);
  if (with_task) {
    engine->RegisterWorker("echo", [](const weft::TaskContext& task) {
      return weft::TaskOutcome::Complete(task.input);
    });
    if (absl::Status s = engine->StartWorkers(); !s.ok()) {
      std::fprintf(stderr, "retention: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const char* workflow = with_task ? "quick_task" : "quick";
  const std::string data = store.path() + "/data.mdb";
  const auto t0 = std::chrono::steady_clock::now();
  int failures = 0;
  uint64_t most_rows = 0;
  uint64_t most_pages = 0;
  uint64_t file_bytes = 0;
  long most_rss_kb = 0;
  std::printf("%10s %8s %10s %10s %12s %10s %9s %9s\n", "executions", "seconds", "rows",
              "pages", "data.mdb", "pruned", "anon MB", "file MB");
  for (int done = 0; done < executions;) {
    const int n = std::min(round, executions - done);
    std::vector<std::string> ids;
    ids.reserve(n);
    for (int i = 0; i < n; ++i) {
      weft::Object input;
      input.Set("n", weft::Value::Int(i));
      auto id = engine->Start(workflow, weft::Value::MakeObject(std::move(input)));
      if (id.ok()) ids.push_back(*id); else ++failures;
    }
    for (const std::string& id : ids) {
      auto info = engine->AwaitExecution(id, absl::Minutes(1));
      if (!info.ok() && !absl::IsNotFound(info.status())) ++failures;  // NotFound: pruned
    }
    done += n;
    const weft::EngineStats stats = engine->Stats();
    file_bytes = std::filesystem::file_size(data);
    most_rows = std::max(most_rows, stats.store_rows);
    most_pages = std::max(most_pages, stats.store_pages);
    const long rss_kb = RssKb();
    most_rss_kb = std::max(most_rss_kb, rss_kb);
    std::printf("%10d %8.1f %10llu %10llu %12llu %10llu %9.1f %9.1f\n", done,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                static_cast<unsigned long long>(stats.store_rows),
                static_cast<unsigned long long>(stats.store_pages),
                static_cast<unsigned long long>(file_bytes),
                static_cast<unsigned long long>(stats.executions_pruned),
                static_cast<double>(rss_kb) / 1024,
                static_cast<double>(RssKb("RssFile:")) / 1024);
    std::fflush(stdout);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"executions\": %d, \"failures\": %d, \"retention_ms\": %d, \"seconds\": %.1f, "
      "\"max_rows\": %llu, \"max_pages\": %llu, \"data_mdb_bytes\": %llu, "
      "\"max_anon_rss_kb\": %ld}\n",
      executions, failures, retention_ms, seconds, static_cast<unsigned long long>(most_rows),
      static_cast<unsigned long long>(most_pages), static_cast<unsigned long long>(file_bytes), most_rss_kb);
  return failures == 0 ? 0 : 1;
}
