// bench/migrate: live migration of one wide execution. A `parallel for` of N items, each
// waiting for a signal inside a `for` loop and a `try`, moves to a new version (every fiber:
// N item fibers and the join) with a computed `migrate` value; then N signals finish it on the
// new version. Reports the time of the move (planning, state map, the transaction) and of the
// rest. `--skip-move` only plans the move (a dry run) and finishes on version 1: the signals'
// baseline. Last line: one JSON object.
#include <chrono>
#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"

namespace {

// v1 and v2 differ in what the rest of each item does; v2 needs `scale`.
std::string Version(int v) {
  return absl::StrCat(R"(
workflow wide(n: int) {
    let base = 3
)",
                      v == 2 ? "    let scale = 1\n" : "", R"(    let results = parallel for i in range(n) {
        var sum = 0
        for round in [1] {
            try {
                let got = await signal("go")
                sum = sum + got)",
                      v == 2 ? " * scale" : "", R"(
            } catch e {
                sum = -1
            }
        }
        yield sum + base
    }
    return len(results)
}
)",
                      v == 2 ? "\nmigrate wide {\n    scale = base - 2\n}\n" : "");
}

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft live migration: one execution with N waiting branch fibers moves"};
  int items = 1000;
  bool skip_move = false;
  app.add_option("-n,--items", items, "items in the parallel for")->check(CLI::PositiveNumber);
  app.add_flag("--skip-move", skip_move, "do not migrate: the signals' baseline on version 1");
  CLI11_PARSE(app, argc, argv);

  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  auto engine = weft::bench::OpenOrDie("migrate", options, Version(1));
  auto id = engine->Start("wide", weft::Value::MakeObject(weft::Object({{"n", weft::Value::Int(items)}})));
  if (!id.ok()) {
    std::fprintf(stderr, "migrate: %s\n", id.status().ToString().c_str());
    return 1;
  }
  for (;;) {  // every item waits once its fiber has started
    auto positions = engine->FiberPositions(*id);
    if (positions.ok() && positions->size() == static_cast<size_t>(items) + 1) break;
  }
  if (auto d = engine->Deploy("bench.wf", Version(2)); !d.ok()) {
    std::fprintf(stderr, "migrate: %s\n", d.status().ToString().c_str());
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto moved = engine->MigrateExecution(*id, 2, /*dry_run=*/skip_move);
  const double move_s = skip_move ? 0 : Since(t0);
  if (!moved.ok() || !moved->moved) {
    std::fprintf(stderr, "migrate: did not move: %s\n",
                 moved.ok() ? moved->reason.c_str() : moved.status().ToString().c_str());
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < items; ++i) {
    if (!engine->Signal(*id, "go", weft::Value::Int(1)).ok()) return 1;
  }
  auto done = engine->AwaitExecution(*id, absl::Minutes(10));
  const double rest_s = Since(t1);
  if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted ||
      done->version != (skip_move ? 1u : 2u)) {
    std::fprintf(stderr, "migrate: did not complete on the expected version\n");
    return 1;
  }
  std::printf("items: %d, fibers moved: %zu, move: %.3f s, then %d signals to the end: %.3f s\n", items,
              moved->points.size(), move_s, items, rest_s);
  std::printf(
      "{\"items\": %d, \"fibers\": %zu, \"move_seconds\": %.4f, \"rest_seconds\": %.3f, "
      "\"peak_rss_kb\": %ld}\n",
      items, moved->points.size(), move_s, rest_s, weft::bench::PeakRssKb());
  return 0;
}
