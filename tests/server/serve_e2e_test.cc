// `weft serve` as a process: it writes STORE/serve.json, serves, and stops gracefully on
// SIGTERM (exit 0, serve.json removed); and the kill test: SIGKILL it while remote workers
// poll and update over HTTP, restart it, and check that nothing is lost, nothing is applied
// twice, and the workers carry on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/server/serve_process.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

TEST(ServeProcessTest, WritesServeJsonAndStopsGracefullyOnSigterm) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  ServeProcess serve(store);
  const uint16_t port = serve.Start();
  ASSERT_NE(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const int status = serve.Kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(std::filesystem::exists(store + "/serve.json"));
}

// Runs `weft ARGS` and returns its stdout and exit status.
std::pair<std::string, int> RunWeft(const std::string& args) {
  const std::string command = std::string(WEFT_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST(ServeProcessTest, TheCliReachesAServedStoreThroughTheServer) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  ServeProcess serve(store);
  const uint16_t port = serve.Start();
  ASSERT_NE(port, 0);
  const std::string wf = dir.path() + "/w.wf";
  std::ofstream(wf) << "workflow waits(n: int) {\n  let a = await signal(\"go\")\n  return a\n}\n";
  // Writing commands that used to fail with "store in use" go through serve.json's URL.
  auto [deployed, deploy_rc] = RunWeft("deploy " + wf + " --store " + store);
  ASSERT_EQ(deploy_rc, 0) << deployed;
  EXPECT_NE(deployed.find("waits v1"), std::string::npos) << deployed;
  auto [started, start_rc] = RunWeft("start waits --input '{\"n\":1}' --store " + store);
  ASSERT_EQ(start_rc, 0) << started;
  const std::string id = started.substr(0, started.find('\n'));
  auto [paused, pause_rc] = RunWeft("pause " + id + " --store " + store);
  EXPECT_EQ(pause_rc, 0) << paused;
  EXPECT_NE(paused.find("PAUSED"), std::string::npos) << paused;
  RunWeft("resume " + id + " --store " + store);
  auto [signalled, signal_rc] = RunWeft("signal " + id + " go --data 5 --store " + store);
  EXPECT_EQ(signal_rc, 0) << signalled;
  // --server names the server explicitly.
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(Eventually([&] {
    auto [status, rc] = RunWeft("status " + id + " --server " + url);
    return rc == 0 && status.find("COMPLETED") != std::string::npos;
  }));
  auto [terminated, terminate_rc] = RunWeft("terminate " + id + " --server " + url);
  EXPECT_NE(terminate_rc, 0);  // it has ended: the server's 409 becomes the CLI's error
  EXPECT_NE(terminated.find("error"), std::string::npos) << terminated;
}

// `weft schedule create|pause|resume|next|delete` on a served store go through Conductor's
// /api/scheduler (they answered "not served yet" before).
TEST(ServeProcessTest, ScheduleCommandsReachAServedStore) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  ServeProcess serve(store);
  ASSERT_NE(serve.Start(), 0);
  const std::string wf = dir.path() + "/r.wf";
  std::ofstream(wf) << "workflow report(day: string = \"today\") {\n  return day\n}\n";
  ASSERT_EQ(RunWeft("deploy " + wf + " --store " + store).second, 0);
  auto [created, create_rc] = RunWeft(
      "schedule create nightly --workflow report --cron '0 30 2 * * *' --zone Europe/Berlin "
      "--store " + store);
  ASSERT_EQ(create_rc, 0) << created;
  EXPECT_NE(created.find("nightly ACTIVE next"), std::string::npos) << created;
  auto [again, again_rc] = RunWeft(
      "schedule create nightly --workflow report --cron '0 0 3 * * *' --store " + store);
  EXPECT_EQ(again_rc, 1) << again;
  EXPECT_NE(again.find("nightly"), std::string::npos) << again;
  auto [paused, pause_rc] = RunWeft("schedule pause nightly --store " + store);
  EXPECT_EQ(pause_rc, 0) << paused;
  EXPECT_NE(paused.find("nightly PAUSED"), std::string::npos) << paused;
  auto [resumed, resume_rc] = RunWeft("schedule resume nightly --store " + store);
  EXPECT_EQ(resume_rc, 0) << resumed;
  EXPECT_NE(resumed.find("nightly ACTIVE"), std::string::npos) << resumed;
  auto [next, next_rc] = RunWeft("schedule next nightly -n 2 --store " + store);
  EXPECT_EQ(next_rc, 0) << next;
  EXPECT_NE(next.find("02:30:00"), std::string::npos) << next;
  auto [deleted, delete_rc] = RunWeft("schedule delete nightly --store " + store);
  EXPECT_EQ(delete_rc, 0) << deleted;
  EXPECT_NE(deleted.find("nightly DELETED"), std::string::npos) << deleted;
  auto [missing, missing_rc] = RunWeft("schedule delete nightly --store " + store);
  EXPECT_EQ(missing_rc, 1) << missing;
  EXPECT_NE(missing.find("no schedule"), std::string::npos) << missing;
}

constexpr char kThreeSteps[] =
    "task step\nworkflow three(i: int) {\n  let a = step(i: i)\n  let b = step(i: i)\n"
    "  let c = step(i: i)\n  return { i: i }\n}\n";

TEST(ServeKillTest, SigkillWhileRemoteWorkersPollAndUpdateLosesNothingAndAppliesNothingTwice) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  // A short lease: the deliveries the killed server handed out come back within it.
  ServeProcess serve(store, "1s");
  std::atomic<uint16_t> port{serve.Start()};
  ASSERT_NE(port.load(), 0);
  constexpr int kExecutions = 60;
  {
    httplib::Client client("127.0.0.1", port.load());
    auto d = client.Post("/api/weft/deploy?name=three.wf", kThreeSteps, "text/plain");
    ASSERT_TRUE(d);
    ASSERT_EQ(d->status, 200) << d->body;
    for (int i = 0; i < kExecutions; ++i) {
      auto r = client.Post("/api/workflow",
                           "{\"name\":\"three\",\"input\":{\"i\":" + std::to_string(i) + "}}",
                           "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
    }
  }
  // The workers' ledger: every result the server acknowledged (task id -> times).
  std::mutex ledger_mu;
  std::map<std::string, int> acked;
  std::atomic<int> acks{0};
  std::atomic<bool> stop{false};
  auto worker = [&](int w) {
    const std::string name = "w" + std::to_string(w);
    while (!stop.load()) {
      httplib::Client client("127.0.0.1", port.load());
      client.set_read_timeout(10, 0);
      client.set_connection_timeout(1, 0);
      auto polled =
          client.Get("/api/tasks/poll/batch/step?count=8&timeout=500&workerid=" + name);
      if (!polled || polled->status != 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the server is down
        continue;
      }
      Value tasks = ParseJson(polled->body);
      if (!tasks.is_list()) continue;
      for (const Value& t : tasks.as_list()) {
        const std::string id = Get(t, "taskId").as_string();
        auto r = client.Post("/api/tasks",
                             "{\"taskId\":\"" + id + "\",\"workerId\":\"" + name +
                                 "\",\"status\":\"COMPLETED\",\"outputData\":{\"by\":\"" + name +
                                 "\"}}",
                             "application/json");
        if (r && r->status == 200) {
          std::lock_guard<std::mutex> lock(ledger_mu);
          ++acked[id];
          ++acks;
        }
      }
    }
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) workers.emplace_back(worker, w);
  // Three kills, each once the workers have made some progress since the last one.
  for (int kill_round = 1; kill_round <= 3; ++kill_round) {
    const int target = kill_round * kExecutions * 3 / 5;
    ASSERT_TRUE(Eventually([&] { return acks.load() >= target; }, std::chrono::seconds(60)))
        << "acks " << acks.load();
    serve.Kill(SIGKILL);
    port = serve.Start();
    ASSERT_NE(port.load(), 0);
  }
  // The workers carry on until every execution has ended.
  auto all_completed = [&] {
    httplib::Client client("127.0.0.1", port.load());
    auto r = client.Get(
        "/api/workflow/search?size=1&query=" +
        httplib::detail::encode_query_param("workflowType = 'three' AND status IN (COMPLETED)"));
    return r && r->status == 200 &&
           Get(ParseJson(r->body), "totalHits").as_int() == kExecutions;
  };
  const bool done = Eventually(all_completed, std::chrono::seconds(90));
  stop = true;
  for (std::thread& t : workers) t.join();
  ASSERT_TRUE(done);
  serve.Kill(SIGTERM);
  // Check the store itself: every execution completed with exactly three task completions,
  // each of a distinct task; no acknowledged result was lost.
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto all = (*engine)->ListExecutions(std::nullopt, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kExecutions));
  std::set<std::string> completed_tasks;
  for (const ExecutionInfo& e : *all) {
    EXPECT_EQ(e.status, ExecutionStatus::kCompleted) << e.id;
    auto history = (*engine)->History(e.id);
    ASSERT_TRUE(history.ok());
    int completions = 0;
    for (const HistoryEvent& h : *history) {
      if (h.type != "TASK_COMPLETED") continue;
      ++completions;
      EXPECT_TRUE(completed_tasks.insert(h.task_id).second) << "applied twice: " << h.task_id;
    }
    EXPECT_EQ(completions, 3) << e.id;
  }
  std::lock_guard<std::mutex> lock(ledger_mu);
  for (const auto& [id, times] : acked) {
    // An acknowledged result is durable: its task completed (by this result or an earlier
    // acknowledged delivery of it; a repeat is ignored, never applied twice).
    EXPECT_TRUE(completed_tasks.count(id) == 1) << "acknowledged but lost: " << id;
  }
}

}  // namespace
}  // namespace weft::testing
