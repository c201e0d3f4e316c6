// bench/server: remote workers over loopback HTTP on the 3-step workload of bench/throughput.
// An in-process `weft serve` (server/) on a free loopback port; W worker threads, each with
// one keep-alive connection, batch-poll 32 tasks and report each with update-v2 (taking the
// next task it hands back). Prints steps/s, the p50/p99 step latency (from the moment a task
// reaches its worker to its result's acknowledgement: one update round trip, which includes
// the group commit) and the p50/p99 execution latency (start to end). Figures go to
// docs/performance.md.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "bench/bench_store.h"
#include "server/http_server.h"
#include "weft/engine.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Task {
  std::string id;
  SteadyClock::time_point received;
};

// Pulls each "taskId" out of Task JSON without a full parse (the bench measures the server,
// not the client's JSON library).
void ExtractTasks(const std::string& body, std::deque<Task>& out) {
  const SteadyClock::time_point now = SteadyClock::now();
  size_t at = 0;
  while ((at = body.find("\"taskId\":\"", at)) != std::string::npos) {
    at += 10;
    const size_t end = body.find('"', at);
    Task t;
    t.id = body.substr(at, end - at);
    t.received = now;
    out.push_back(std::move(t));
    at = end;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench/server: remote HTTP workers on the 3-step workload"};
  int executions = 20000;
  int workers = 8;
  int count = 32;
  bool nosync = false;
  std::string store = "/tmp/weft-server-bench";
  app.add_option("--executions", executions, "executions to run");
  app.add_option("--workers", workers, "worker threads (one connection each)");
  app.add_option("--count", count, "batch poll count");
  app.add_flag("--nosync", nosync, "commit without fsync");
  app.add_option("--store", store, "the store directory (deleted first)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::remove_all(store);
  weft::EngineOptions options;
  options.path = store;
  options.durability = nosync ? weft::Durability::kNoSync : weft::Durability::kSync;
  options.worker_threads = 1;
  auto engine = weft::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  if (auto d = (*engine)->Deploy("three.wf", weft::bench::kThreeStepWorkflow); !d.ok()) return 1;
  if (!(*engine)->StartWorkers().ok()) return 1;
  weft::server::ServerOptions server_options;
  server_options.port = 0;
  auto server = weft::server::Server::Create(**engine, server_options);
  if (!server.ok()) return 1;
  (*server)->Start();
  const uint16_t port = (*server)->port();

  std::atomic<int> ended{0};
  std::mutex exec_mu;
  absl::flat_hash_map<std::string, SteadyClock::time_point> started_at;
  std::vector<int64_t> exec_us;
  std::vector<weft::Value> inputs;
  for (int i = 0; i < executions; ++i) {
    weft::Object o;
    o.Set("i", weft::Value::Int(i));
    inputs.push_back(weft::Value::MakeObject(std::move(o)));
  }
  std::mutex lat_mu;
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(executions) * 3);
  std::atomic<bool> stop{false};
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(30, 0);
      const std::string worker = "w" + std::to_string(w);
      const std::string poll = "/api/tasks/poll/batch/noop?count=" + std::to_string(count) +
                               "&timeout=1000&workerid=" + worker;
      std::deque<Task> queue;
      std::vector<int64_t> mine;
      while (!stop.load()) {
        if (queue.empty()) {
          auto r = client.Get(poll);
          if (!r || r->status != 200) continue;
          ExtractTasks(r->body, queue);
          continue;
        }
        Task t = std::move(queue.front());
        queue.pop_front();
        auto r = client.Post("/api/tasks/update-v2",
                             "{\"taskId\":\"" + t.id + "\",\"workerId\":\"" + worker +
                                 "\",\"status\":\"COMPLETED\",\"outputData\":{}}",
                             "application/json");
        if (!r) continue;
        mine.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                           SteadyClock::now() - t.received)
                           .count());
        if (r->status == 200) ExtractTasks(r->body, queue);
      }
      std::lock_guard<std::mutex> lock(lat_mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  // Starts in chunks, so the executions are in flight together, as remote clients would be.
  for (size_t at = 0; at < inputs.size(); at += 1000) {
    std::vector<weft::Value> chunk(inputs.begin() + at,
                                   inputs.begin() + std::min(inputs.size(), at + 1000));
    const SteadyClock::time_point t0 = SteadyClock::now();
    auto ids = (*engine)->StartBatch(
        "three_steps", chunk, [&](std::string_view id, absl::StatusOr<weft::ExecutionInfo>) {
          const SteadyClock::time_point t1 = SteadyClock::now();
          std::lock_guard<std::mutex> lock(exec_mu);
          auto it = started_at.find(std::string(id));
          if (it != started_at.end()) {
            exec_us.push_back(
                std::chrono::duration_cast<std::chrono::microseconds>(t1 - it->second).count());
          }
          ended.fetch_add(1);
        });
    std::lock_guard<std::mutex> lock(exec_mu);
    for (auto& id : ids) {
      if (id.ok()) started_at.emplace(*id, t0);
    }
  }
  while (ended.load() < executions) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  stop.store(true);
  for (std::thread& t : threads) t.join();
  (*server)->Stop();
  auto pct = [](std::vector<int64_t>& v, double p) -> double {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))] / 1000.0;
  };
  std::printf(
      "{\"executions\":%d,\"workers\":%d,\"count\":%d,\"durability\":\"%s\",\"seconds\":%.2f,"
      "\"steps_per_s\":%.0f,\"executions_per_s\":%.0f,\"p50_step_ms\":%.2f,"
      "\"p99_step_ms\":%.2f,\"p50_execution_ms\":%.1f,\"p99_execution_ms\":%.1f,"
      "\"commits\":%llu}\n",
      executions, workers, count, nosync ? "nosync" : "sync", seconds,
      3.0 * executions / seconds, executions / seconds, pct(latencies, 0.5),
      pct(latencies, 0.99), pct(exec_us, 0.5), pct(exec_us, 0.99),
      static_cast<unsigned long long>((*engine)->Stats().commits));
  return 0;
}
