// bench/retention: N short executions (default 200,000) on a store with a short retention
// (default 1 s), started in rounds of R. After each round it prints the store's size: rows of
// every table, the pages they use, and data.mdb's size on disk. With retention the rows stay
// near a constant and the file stops growing once freed pages are reused; with --retention-ms 0
// both grow with N. Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/bench_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Weft retention: many short executions with a short retention"};
  int executions = 200000;
  int round = 10000;
  int retention_ms = 1000;
  std::string durability = "nosync";
  app.add_option("-n,--executions", executions, "executions")->check(CLI::PositiveNumber);
  app.add_option("--round", round, "executions per round (a size line each)")
      ->check(CLI::PositiveNumber);
  app.add_option("--retention-ms", retention_ms, "retention; 0 = keep forever")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--durability", durability, "sync or nosync")
      ->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  options.retention = absl::Milliseconds(retention_ms);
  options.retention_interval = absl::Milliseconds(100);
  auto engine = weft::bench::OpenOrDie(
      "retention", options, "workflow quick(n: int) {\n    return n + 1\n}\n");
  const std::string data = store.path() + "/data.mdb";
  const auto t0 = std::chrono::steady_clock::now();
  int failures = 0;
  uint64_t most_rows = 0;
  uint64_t most_pages = 0;
  uint64_t file_bytes = 0;
  std::printf("%10s %8s %10s %10s %12s %10s\n", "executions", "seconds", "rows", "pages",
              "data.mdb", "pruned");
  for (int done = 0; done < executions;) {
    const int n = std::min(round, executions - done);
    std::vector<std::string> ids;
    ids.reserve(n);
    for (int i = 0; i < n; ++i) {
      weft::Object input;
      input.Set("n", weft::Value::Int(i));
      auto id = engine->Start("quick", weft::Value::MakeObject(std::move(input)));
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
    std::printf("%10d %8.1f %10llu %10llu %12llu %10llu\n", done,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                static_cast<unsigned long long>(stats.store_rows),
                static_cast<unsigned long long>(stats.store_pages),
                static_cast<unsigned long long>(file_bytes),
                static_cast<unsigned long long>(stats.executions_pruned));
    std::fflush(stdout);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"executions\": %d, \"failures\": %d, \"retention_ms\": %d, \"seconds\": %.1f, "
      "\"max_rows\": %llu, \"max_pages\": %llu, \"data_mdb_bytes\": %llu}\n",
      executions, failures, retention_ms, seconds, static_cast<unsigned long long>(most_rows),
      static_cast<unsigned long long>(most_pages), static_cast<unsigned long long>(file_bytes));
  return failures == 0 ? 0 : 1;
}
