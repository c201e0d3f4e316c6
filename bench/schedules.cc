// bench/schedules: S schedules, each firing every second on the real clock, for D seconds
// (default 10 x 10 s). Reports how late each slot's execution started: its created_ms (the
// clock of the transition that fired the slot and started it) minus the slot. Also how many
// slots ran against how many fell due. Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Weft schedules: S schedules every second for D seconds, on the real clock"};
  int schedules = 10;
  int seconds = 10;
  std::string durability = "sync";
  app.add_option("-s,--schedules", schedules, "schedules")->check(CLI::PositiveNumber);
  app.add_option("-d,--seconds", seconds, "how long they fire")->check(CLI::PositiveNumber);
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  const std::string source =
      "workflow tick(_scheduledTime: int = 0) {\n    return _scheduledTime\n}\n";
  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  auto engine = weft::bench::OpenOrDie("schedules", options, source);

  // Slots from the next whole second + 1 to `seconds` later.
  const int64_t now = absl::ToUnixMillis(absl::Now());
  const int64_t first = (now / 1000 + 2) * 1000;
  for (int i = 0; i < schedules; ++i) {
    weft::Schedule s;
    s.name = absl::StrCat("s", i);
    s.workflow = "tick";
    s.cron = "* * * * * *";
    s.start_ms = first;
    s.end_ms = first + (seconds - 1) * 1000;
    if (auto c = engine->CreateSchedule(s); !c.ok()) {
      std::fprintf(stderr, "schedules: %s\n", c.status().ToString().c_str());
      return 1;
    }
  }
  for (;;) {
    auto all = engine->ListSchedules();
    bool done = all.ok();
    for (const weft::Schedule& s : all.ok() ? *all : std::vector<weft::Schedule>{}) {
      done = done && s.next_ms == 0;
    }
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto executions = engine->ListExecutions(std::nullopt, 1000000);
  if (!executions.ok()) return 1;
  std::vector<int64_t> lateness;
  for (const weft::ExecutionInfo& e : *executions) {
    lateness.push_back(e.created_ms - e.output.as_int());
  }
  std::sort(lateness.begin(), lateness.end());
  auto pct = [&](double p) {
    return lateness.empty() ? 0 : lateness[std::min(lateness.size() - 1, size_t(p * lateness.size()))];
  };
  const long expected = static_cast<long>(schedules) * seconds;
  std::printf("schedules: %d x every second for %d s, durability: %s; %zu of %ld slots ran\n",
              schedules, seconds, durability.c_str(), lateness.size(), expected);
  std::printf(
      "{\"schedules\": %d, \"seconds\": %d, \"slots\": %zu, \"expected\": %ld, "
      "\"late_p50_ms\": %lld, \"late_p99_ms\": %lld, \"late_max_ms\": %lld, \"early\": %s}\n",
      schedules, seconds, lateness.size(), expected, static_cast<long long>(pct(0.5)),
      static_cast<long long>(pct(0.99)),
      static_cast<long long>(lateness.empty() ? 0 : lateness.back()),
      (!lateness.empty() && lateness.front() < 0) ? "true" : "false");
  return static_cast<long>(lateness.size()) == expected ? 0 : 1;
}
