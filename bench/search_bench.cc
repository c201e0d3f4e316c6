// bench/search_bench: what a filtered search costs as unrelated executions pile up. For each
// N in --unrelated (default 1,000 and 100,000), a fresh store gets N executions of other
// workflows and --matching executions of `target` (written through ExecutionStore, which
// keeps the search indexes, in transactions of 10,000), then the search `workflowType =
// 'target' AND status IN (RUNNING)`, first page of 20, runs --runs times, each in its own read
// transaction as Engine::SearchExecutions does. Prints, per N: the median and p99 time of a
// search, and the index keys and rows it read; and, for scale, the same search done as main
// did it before the indexes (walk the RUNNING executions (by `by_status` then, `by_start` now), decode each row, keep the
// target's: --scan-runs times). Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/execution_store.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "storage/search_index.h"

namespace {

using weft::ExecutionStatus;
namespace storage = weft::storage;

struct Figures {
  int unrelated = 0;
  double p50_us = 0;
  double p99_us = 0;
  uint64_t keys_read = 0;
  uint64_t rows_read = 0;
  uint64_t total = 0;
  double scan_p50_us = 0;
};

int Fill(storage::Env& env, const std::string& prefix, const std::string& workflow, int n,
         ExecutionStatus status, int64_t& clock) {
  for (int done = 0; done < n;) {
    auto txn = storage::Txn::BeginWrite(env);
    if (!txn.ok()) return 1;
    storage::ExecutionStore store(*txn);
    for (int i = 0; i < 10000 && done < n; ++i, ++done) {
      storage::ExecutionRow row;
      row.info.workflow = workflow;
      row.info.version = 1;
      row.info.status = status;
      row.info.input = weft::Value::MakeObject(weft::Object());
      row.info.created_ms = row.info.updated_ms = ++clock;
      char id[32];
      std::snprintf(id, sizeof id, "%s%012d", prefix.c_str(), done);
      if (!store.PutExecution(id, row, std::nullopt).ok()) return 1;
    }
    if (!txn->Commit().ok()) return 1;
  }
  return 0;
}

Figures Measure(const std::string& dir, int unrelated, int matching, int runs, int scan_runs) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  storage::Env::Options options;
  options.path = dir;
  options.map_size_bytes = int64_t{4} << 30;
  options.no_sync = true;
  auto env = storage::Env::Open(options);
  Figures f;
  f.unrelated = unrelated;
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return f;
  }
  int64_t clock = 1'700'000'000'000;
  // Unrelated: other workflows, in every status, interleaved in time with the matching ones.
  const char* kOthers[] = {"billing", "shipping", "reports", "emails"};
  for (int i = 0; i < 4; ++i) {
    Fill(**env, absl::StrCat("U", i), kOthers[i], unrelated / 4,
         i % 2 == 0 ? ExecutionStatus::kRunning : ExecutionStatus::kCompleted, clock);
  }
  Fill(**env, "T", "target", matching, ExecutionStatus::kRunning, clock);
  weft::ExecutionQuery q;
  q.workflow = "target";
  q.statuses = {ExecutionStatus::kRunning};
  q.limit = 20;
  std::vector<double> us;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    auto txn = storage::Txn::BeginRead(**env);
    auto page = storage::SearchExecutions(*txn, q);
    const auto t1 = std::chrono::steady_clock::now();
    if (!page.ok()) {
      std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
      return f;
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    f.keys_read = page->keys_read;
    f.rows_read = page->rows_read;
    f.total = page->total;
  }
  std::sort(us.begin(), us.end());
  f.p50_us = us[us.size() / 2];
  f.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  // The scan: every RUNNING execution's row read and filtered.
  std::vector<double> scan_us;
  for (int r = 0; r < scan_runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    auto txn = storage::Txn::BeginRead(**env);
    size_t found = 0;
    (void)txn->ScanPrefix(storage::Table::kByStart, storage::StatusPrefix(0),
                          [&](std::string_view key, std::string_view) {
                            auto bytes = txn->Get(storage::Table::kExecutions, key.substr(1 + 8));
                            if (bytes.ok() && *bytes) {
                              auto row = storage::DecodeExecution(**bytes);
                              if (row.ok() && row->info.workflow == "target") ++found;
                            }
                            return true;
                          });
    const auto t1 = std::chrono::steady_clock::now();
    if (found != static_cast<size_t>(matching)) std::fprintf(stderr, "scan found %zu\n", found);
    scan_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(scan_us.begin(), scan_us.end());
  if (!scan_us.empty()) f.scan_p50_us = scan_us[scan_us.size() / 2];
  std::filesystem::remove_all(dir);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft search: a filtered search's cost against unrelated executions"};
  std::vector<int> unrelated = {1000, 100000};
  int matching = 200;
  int runs = 2000;
  int scan_runs = 20;
  std::string dir = std::filesystem::temp_directory_path() / "weft_search_bench";
  app.add_option("--unrelated", unrelated, "unrelated executions, one store per value");
  app.add_option("--matching", matching, "executions the search matches")
      ->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "searches timed per store")->check(CLI::PositiveNumber);
  app.add_option("--scan-runs", scan_runs, "scans timed per store (0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--dir", dir, "scratch directory (deleted)");
  CLI11_PARSE(app, argc, argv);
  std::vector<std::string> json;
  for (int n : unrelated) {
    Figures f = Measure(dir, n, matching, runs, scan_runs);
    std::printf(
        "unrelated=%d matching=%llu p50=%.1fus p99=%.1fus keys_read=%llu rows_read=%llu "
        "scan_p50=%.1fus\n",
        f.unrelated, static_cast<unsigned long long>(f.total), f.p50_us, f.p99_us,
        static_cast<unsigned long long>(f.keys_read), static_cast<unsigned long long>(f.rows_read),
        f.scan_p50_us);
    json.push_back(absl::StrCat("{\"unrelated\":", f.unrelated, ",\"matching\":", f.total,
                                ",\"p50_us\":", f.p50_us, ",\"p99_us\":", f.p99_us,
                                ",\"keys_read\":", f.keys_read, ",\"rows_read\":", f.rows_read,
                                ",\"scan_p50_us\":", f.scan_p50_us, "}"));
  }
  std::printf("{\"search\":[%s]}\n", absl::StrJoin(json, ",").c_str());
  return 0;
}
