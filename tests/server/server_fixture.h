// Shared set-up for the server's protocol tests: a temporary store, an engine, and a
// `weft serve` server on a free loopback port in the same process, plus an HTTP client
// (cpp-httplib) and a raw socket for requests no client would send.
#ifndef WEFT_TESTS_SERVER_SERVER_FIXTURE_H_
#define WEFT_TESTS_SERVER_SERVER_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "server/http_server.h"
#include "tests/engine/engine_fixture.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {

inline Value ParseJson(const std::string& text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << v.status() << " in " << text;
  return v.ok() ? *v : Value();
}

inline Value Get(const Value& v, std::string_view key) {
  if (!v.is_object()) return Value();
  const Value* f = v.as_object().Find(key);
  return f == nullptr ? Value() : *f;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override { StopServer(); }

  void StartServer(server::ServerOptions options = {}) {
    EngineOptions engine_options;
    engine_options.path = dir_.path() + "/store";
    engine_options.durability = Durability::kNoSync;
    engine_options.map_size_bytes = 256 << 20;
    engine_options.worker_threads = 1;
    engine_options.nats_url = nats_url_;
    auto engine = Engine::Open(engine_options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    ASSERT_TRUE(engine_->StartWorkers().ok());
    options.port = 0;
    options.blocking_threads = 2;
    auto server = server::Server::Create(*engine_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
  }

  void StopServer() {
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
    engine_.reset();
  }

  // Deploys .wf source through the server; expects success.
  void DeployWf(const std::string& source) {
    auto r = client_->Post("/api/weft/deploy?name=test.wf", source, "text/plain");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Starts `workflow` through POST /api/workflow; returns its id.
  std::string StartWf(const std::string& workflow, const std::string& input_json = "{}") {
    auto r = client_->Post("/api/workflow",
                           "{\"name\":\"" + workflow + "\",\"input\":" + input_json + "}",
                           "application/json");
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain");
    return r->body;
  }

  ExecutionInfo AwaitEnd(const std::string& id) {
    auto info = engine_->AwaitExecution(id, absl::Seconds(30));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : ExecutionInfo{};
  }

  TempDir dir_;
  std::string nats_url_;  // EngineOptions::nats_url of the engine StartServer opens
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_SERVER_SERVER_FIXTURE_H_
