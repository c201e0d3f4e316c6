// Event handlers end to end (docs/events.md): a real nats-server and `weft serve --nats` as a
// process, both started by the test. Handlers are created through Conductor's /api/event, and
// messages published to JetStream: one starts a workflow, a second completes the execution's
// signal wait, a false condition records SKIPPED; and messages in flight when the server is
// SIGKILLed are redelivered to the restarted server and each starts exactly one execution.
#include <httplib.h>
#include <signal.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "events/nats_client.h"
#include "tests/events/nats_server.h"
#include "tests/server/serve_process.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kFlow[] = R"(workflow order(id: string) {
  let paid = await signal("paid")
  return { id: id, paid: paid }
}
)";

constexpr char kCreated[] = R"({"name": "created", "event": "jsm:ORDERS:created:orders.created",
  "actions": [{"action": "start_workflow", "start_workflow": {"name": "order",
    "input": {"id": "${id}"}, "correlationId": "${id}"}}]})";

constexpr char kPaid[] = R"({"name": "paid", "event": "jsm:ORDERS:paid:orders.paid",
  "condition": "$.amount > 0", "evaluatorType": "javascript",
  "actions": [{"action": "signal", "signal": {"correlationId": "${id}", "name": "paid",
    "payload": "${amount}"}}]})";

// Runs `weft ARGS` (shell words) and returns its stdout and stderr, and its exit status.
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

class EventsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nats_.Start());
    auto client = events::NatsClient::Connect(nats_.url());
    ASSERT_TRUE(client.ok()) << client.status();
    publisher_ = *std::move(client);
    ASSERT_TRUE(publisher_->AddStream("ORDERS", {"orders.>"}).ok());
  }

  uint16_t StartServe(ServeProcess& serve) {
    const uint16_t port = serve.Start();
    if (port != 0) {
      http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
      http_->set_read_timeout(30, 0);
    }
    return port;
  }

  std::vector<std::string> ServeArgs() {
    return {"--nats", nats_.url(), "--nats-ack-wait", "2s"};
  }

  void Post(const std::string& path, const std::string& body, const std::string& type) {
    auto r = http_->Post(path, body, type);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << path << ": " << r->body;
  }

  void Publish(const std::string& subject, const std::string& data, const std::string& id) {
    auto seq = publisher_->PublishDurable(subject, data, id);
    ASSERT_TRUE(seq.ok()) << seq.status();
  }

  // The records of `handler` (GET /api/weft/events/{name}/messages).
  Value Messages(const std::string& handler) {
    auto r = http_->Get("/api/weft/events/" + handler + "/messages?limit=10000");
    if (!r || r->status != 200) return Value::MakeList({});
    return ParseJson(r->body);
  }

  Value WaitForMessages(const std::string& handler, size_t n) {
    Value found;
    EXPECT_TRUE(Eventually([&] {
      found = Messages(handler);
      return found.is_list() && found.as_list().size() >= n;
    }, std::chrono::seconds(60))) << found.ToJson();
    return found;
  }

  NatsServer nats_;
  TempDir dir_;
  const std::string store_ = dir_.path() + "/store";
  std::unique_ptr<events::NatsClient> publisher_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(EventsEndToEnd, AMessageStartsAWorkflowAndASecondCompletesItsSignalWait) {
  ServeProcess serve(store_, "60s", ServeArgs());
  const uint16_t port = StartServe(serve);
  ASSERT_NE(port, 0);
  Post("/api/weft/deploy?name=order.wf", kFlow, "text/plain");
  Post("/api/event", kCreated, "application/json");
  Post("/api/event", kPaid, "application/json");
  // The CLI through the server: both handlers listen (the second one's restart may need a
  // moment to bind the first one's consumer again).
  std::string list;
  EXPECT_TRUE(Eventually([&] {
    list = RunWeft("--server http://127.0.0.1:" + std::to_string(port) + " event list").first;
    size_t listening = 0;
    for (size_t at = list.find("LISTENING"); at != std::string::npos;
         at = list.find("LISTENING", at + 1)) {
      ++listening;
    }
    return listening == 2;
  }, std::chrono::seconds(30))) << list;
  auto listed = http_->Get("/api/event/jsm:ORDERS:paid:orders.paid");
  ASSERT_TRUE(listed);
  EXPECT_EQ(ParseJson(listed->body).as_list().size(), 1u) << listed->body;

  Publish("orders.created", R"({"id": "A1"})", "created-A1");
  Value created = WaitForMessages("created", 1);
  ASSERT_TRUE(created.is_list() && !created.as_list().empty()) << created.ToJson();
  const Value record = created.as_list()[0];
  EXPECT_EQ(Get(record, "status").ToJson(), R"("APPLIED")") << record.ToJson();
  EXPECT_EQ(Get(record, "messageId").ToJson(), R"("created-A1")");
  const std::string id = Get(Get(record, "actions").as_list()[0], "executions").as_list()[0].as_string();

  // amount 0: the condition is false.
  Publish("orders.paid", R"({"id": "A1", "amount": 0})", "paid-1");
  Value paid = WaitForMessages("paid", 1);
  ASSERT_TRUE(paid.is_list() && !paid.as_list().empty()) << paid.ToJson();
  EXPECT_EQ(Get(paid.as_list()[0], "status").ToJson(), R"("SKIPPED")") << paid.ToJson();
  auto running = http_->Get("/api/workflow/" + id + "?includeTasks=false");
  ASSERT_TRUE(running);
  EXPECT_EQ(Get(ParseJson(running->body), "status").ToJson(), R"("RUNNING")");

  Publish("orders.paid", R"({"id": "A1", "amount": 25})", "paid-2");
  paid = WaitForMessages("paid", 2);
  ASSERT_TRUE(paid.is_list() && paid.as_list().size() >= 2) << paid.ToJson();
  EXPECT_EQ(Get(paid.as_list()[1], "status").ToJson(), R"("APPLIED")") << paid.ToJson();
  ASSERT_TRUE(Eventually([&] {
    auto r = http_->Get("/api/workflow/" + id + "?includeTasks=false");
    return r && Get(ParseJson(r->body), "status").ToJson() == R"("COMPLETED")";
  }, std::chrono::seconds(30)));
  auto done = http_->Get("/api/workflow/" + id + "?includeTasks=false");
  EXPECT_EQ(Get(ParseJson(done->body), "output").ToJson(), R"({"id":"A1","paid":25})");
}

TEST_F(EventsEndToEnd, MessagesRedeliveredAfterASigkillStartOneExecutionEach) {
  constexpr int kMessages = 1000;
  {
    ServeProcess serve(store_, "60s", ServeArgs());
    ASSERT_NE(StartServe(serve), 0);
    Post("/api/weft/deploy?name=order.wf", kFlow, "text/plain");
    Post("/api/event", kCreated, "application/json");
    serve.Kill(SIGTERM);
  }
  // Published while no engine listens: JetStream's durable consumer keeps them.
  for (int i = 0; i < kMessages; ++i) {
    Publish("orders.created", absl::StrCat(R"({"id": "o)", i, R"("})"), absl::StrCat("c-", i));
  }
  {
    ServeProcess serve(store_, "60s", ServeArgs());
    ASSERT_NE(StartServe(serve), 0);
    // Killed as soon as the first messages are applied: the rest are in flight (handed to the
    // engine, committed or not, acked or not) or not delivered yet.
    WaitForMessages("created", 1);
    serve.Kill(SIGKILL);
  }
  ServeProcess serve(store_, "60s", ServeArgs());
  ASSERT_NE(StartServe(serve), 0);
  Value records = WaitForMessages("created", kMessages);
  serve.Kill(SIGTERM);

  EngineOptions options;
  options.path = store_;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto executions = (*engine)->ListExecutions(std::nullopt, 10 * kMessages);
  ASSERT_TRUE(executions.ok());
  EXPECT_EQ(executions->size(), static_cast<size_t>(kMessages));
  auto messages = (*engine)->ListEventMessages("created", 10 * kMessages);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), static_cast<size_t>(kMessages));
  std::set<std::string> started;
  std::set<std::string> inputs;
  int redelivered = 0;
  for (const EventMessage& m : *messages) {
    ASSERT_EQ(m.status, EventMessageStatus::kApplied) << m.message_id;
    ASSERT_EQ(m.actions.size(), 1u);
    ASSERT_EQ(m.actions[0].executions.size(), 1u);
    started.insert(m.actions[0].executions[0]);
    if (m.delivered > 1) ++redelivered;
  }
  EXPECT_EQ(started.size(), static_cast<size_t>(kMessages));
  for (const ExecutionInfo& e : *executions) inputs.insert(e.input.ToJson());
  EXPECT_EQ(inputs.size(), static_cast<size_t>(kMessages));  // one execution per message
  RecordProperty("redelivered", redelivered);
}

// `weft work` listens too, its NATS URL from $WEFT_NATS_URL; the handler is created with
// `weft event create` on the store directly, and the record read with `weft event messages`
// while `weft work` holds the store.
TEST_F(EventsEndToEnd, WeftWorkListensWithTheUrlFromTheEnvironment) {
  const std::string flow = dir_.path() + "/order.wf";
  std::ofstream(flow) << kFlow;
  const std::string handler = dir_.path() + "/created.json";
  std::ofstream(handler) << kCreated;
  auto [deployed, deploy_rc] = RunWeft("deploy " + flow + " --store " + store_);
  ASSERT_EQ(deploy_rc, 0) << deployed;
  auto [created, create_rc] = RunWeft("event create " + handler + " --store " + store_);
  ASSERT_EQ(create_rc, 0) << created;
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("WEFT_NATS_URL", nats_.url().c_str(), 1);
    execl(WEFT_CLI_PATH, "weft", "work", "--store", store_.c_str(), "--nosync",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  Publish("orders.created", R"({"id": "W1"})", "created-W1");
  std::string messages;
  EXPECT_TRUE(Eventually([&] {
    messages = RunWeft("event messages created --json --store " + store_).first;
    return messages.find("APPLIED") != std::string::npos;
  }, std::chrono::seconds(60))) << messages;
  EXPECT_NE(messages.find("created-W1"), std::string::npos) << messages;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << status;
}

}  // namespace
}  // namespace weft::testing
