// bench/ui: the API calls behind each page of the web UI (docs/ui.md) against an in-process
// `weft serve` whose store holds N executions (default 100,000: most COMPLETED, some FAILED,
// some RUNNING on a task no worker takes). For each page it times the calls the page makes when
// it loads (the same URLs as ui/pages/*.js), R times over one keep-alive connection, and prints
// the median and the worst. The issue expects each page under 200 ms; figures go to
// docs/performance.md.
//
//   ui_bench [--executions 100000] [--repeat 20] [--store DIR]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "server/http_server.h"
#include "weft/engine.h"

namespace {

// `fails` fails when asked to; `waits` schedules a task no worker serves (stays RUNNING).
constexpr std::string_view kWorkflows = R"(
task never_served
workflow quick(i: int) {
    return { i: i }
}
workflow fails(i: int) {
    fail "failed on purpose"
}
workflow waits(i: int) {
    let r = never_served(i: i)
    return r
}
)";

using Clock = std::chrono::steady_clock;

struct Page {
  std::string name;
  std::vector<std::string> calls;
};

double TimeCalls(httplib::Client& client, const std::vector<std::string>& calls) {
  const Clock::time_point t0 = Clock::now();
  for (const std::string& url : calls) {
    auto r = client.Get(url);
    if (!r || r->status >= 400) {
      std::fprintf(stderr, "GET %s failed: %d\n", url.c_str(), r ? r->status : -1);
      std::exit(1);
    }
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"the web UI's API calls with many executions in the store"};
  int executions = 100000;
  int repeat = 20;
  std::string store;
  app.add_option("--executions", executions, "executions in the store");
  app.add_option("--repeat", repeat, "loads of each page");
  app.add_option("--store", store, "store directory (default: a temporary one, removed after)");
  CLI11_PARSE(app, argc, argv);
  const bool temp = store.empty();
  if (temp) store = (std::filesystem::temp_directory_path() / "weft-ui-bench").string();
  std::filesystem::remove_all(store);

  weft::EngineOptions options;
  options.path = store;
  options.durability = weft::Durability::kNoSync;
  options.worker_threads = 1;
  auto engine = weft::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().ToString().c_str());
    return 1;
  }
  if (auto d = (*engine)->Deploy("ui_bench.wf", kWorkflows); !d.ok()) {
    std::fprintf(stderr, "%s\n", d.status().ToString().c_str());
    return 1;
  }
  // 90% completed, 5% failed, 5% running, started in batches of 1,000.
  const Clock::time_point fill0 = Clock::now();
  std::string failed_id, running_id;
  for (int done = 0; done < executions;) {
    const int n = std::min(1000, executions - done);
    std::vector<weft::Value> inputs;
    for (int i = 0; i < n; ++i) {
      weft::Object o;
      o.Set("i", weft::Value::Int(done + i));
      inputs.push_back(weft::Value::MakeObject(std::move(o)));
    }
    const int slot = (done / 1000) % 20;
    const char* workflow = slot == 0 ? "fails" : slot == 1 ? "waits" : "quick";
    auto ids = (*engine)->StartBatch(workflow, inputs);
    for (auto& id : ids) {
      if (!id.ok()) {
        std::fprintf(stderr, "%s\n", id.status().ToString().c_str());
        return 1;
      }
    }
    if (slot == 0) failed_id = *ids.back();
    if (slot == 1) running_id = *ids.back();
    done += n;
  }
  // Wait until the last batch has run (the failures end once their start commits).
  (void)(*engine)->AwaitExecution(failed_id, absl::Seconds(60));
  const double fill_s = std::chrono::duration<double>(Clock::now() - fill0).count();

  weft::server::ServerOptions server_options;
  server_options.port = 0;
  auto server = weft::server::Server::Create(**engine, server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->Start();
  httplib::Client client("127.0.0.1", (*server)->port());
  client.set_read_timeout(60, 0);

  const std::string list = "/api/workflow/search?start=0&size=25";
  const std::vector<Page> pages = {
      {"executions (newest 25)", {"/api/weft/workflows", list}},
      {"executions, status FAILED", {"/api/weft/workflows", list + "&query=status%20IN%20(FAILED)"}},
      {"executions, workflow + status",
       {"/api/weft/workflows",
        list + "&query=workflowType%20%3D%20%27waits%27%20AND%20status%20IN%20(RUNNING)"}},
      {"executions, page 100", {"/api/weft/workflows", "/api/workflow/search?start=2475&size=25"}},
      {"execution (failed)",
       {"/api/workflow/" + failed_id + "?includeTasks=true",
        "/api/weft/workflow/" + failed_id + "/history"}},
      {"execution (running, with its task)",
       {"/api/workflow/" + running_id + "?includeTasks=true",
        "/api/weft/workflow/" + running_id + "/history"}},
      {"definitions", {"/api/weft/workflows"}},
      {"definition",
       {"/api/weft/workflows/waits/versions", "/api/weft/workflows/waits/versions/1"}},
      {"task queues", {"/api/weft/queues", "/api/tasks/queue/polldata/all"}},
  };
  std::printf("store: %d executions (filled in %.1f s)\n", executions, fill_s);
  std::printf("%-36s %10s %10s\n", "page", "median ms", "max ms");
  for (const Page& page : pages) {
    std::vector<double> times;
    TimeCalls(client, page.calls);  // warm
    for (int i = 0; i < repeat; ++i) times.push_back(TimeCalls(client, page.calls));
    std::sort(times.begin(), times.end());
    std::printf("%-36s %10.1f %10.1f\n", page.name.c_str(), times[times.size() / 2], times.back());
  }
  (*server)->Stop();
  server->reset();
  engine->reset();
  if (temp) std::filesystem::remove_all(store);
  return 0;
}
