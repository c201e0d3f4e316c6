// `publish` (docs/events.md) end to end, against a real nats-server each test starts: a workflow
// publishes and a JetStream subscriber receives exactly that message, with the outbox emptied
// behind it; a subject no stream holds keeps its message queued (counted as failures, retried
// with backoff) until a stream exists; and an engine SIGKILLed after the step committed but
// before NATS acknowledged the message sends it when it opens again, stored once by JetStream
// even when the first copy had reached the stream. "Exactly one in the stream" is proved by the
// stream sequence of a sentinel message published afterwards.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "events/nats_client.h"
#include "storage/lmdb.h"
#include "storage/outbox.h"
#include "tests/events/eventually.h"
#include "tests/events/nats_server.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {
namespace {

using events::Delivery;
using events::NatsClient;

constexpr char kWorkflow[] = R"(
workflow ship(order: string) {
    let sent = publish(subject: "orders.shipped", data: { order: order, items: [1, 2] })
    return sent.id
}
)";
constexpr char kDeadUrl[] = "nats://127.0.0.1:1";  // nothing listens there

std::unique_ptr<Engine> OpenEngine(const std::string& path, const std::string& nats_url) {
  EngineOptions options;
  options.path = path;
  options.nats_url = nats_url;
  options.worker_threads = 1;
  options.map_size_bytes = 64 << 20;
  auto engine = Engine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

// Runs `ship` for order A1 to its end; the execution's output is the message id.
std::string Ship(Engine& engine) {
  auto deployed = engine.Deploy("ship.wf", kWorkflow);
  EXPECT_TRUE(deployed.ok()) << deployed.status();
  auto id = engine.Start("ship", Value::MakeObject(Object({{"order", Value::String("A1")}})),
                         StartOptions{});
  EXPECT_TRUE(id.ok()) << id.status();
  if (!id.ok()) return "";
  auto done = engine.AwaitExecution(*id, absl::Seconds(60));
  EXPECT_TRUE(done.ok()) << done.status();
  if (!done.ok()) return "";
  EXPECT_EQ(done->status, ExecutionStatus::kCompleted) << done->error.ToJson();
  return done->output.is_string() ? done->output.as_string() : "";
}

std::vector<storage::OutboxMessage> OutboxRows(const std::string& path) {
  storage::Env::Options options;
  options.path = path;
  options.read_only = true;
  auto env = storage::Env::Open(options);
  EXPECT_TRUE(env.ok()) << env.status();
  if (!env.ok()) return {};
  auto txn = storage::Txn::BeginRead(**env);
  auto rows = storage::OutboxStore(*txn).List("", 100);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *rows : std::vector<storage::OutboxMessage>{};
}

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nats_.Start());
    auto client = NatsClient::Connect(nats_.url());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  void AddStream() { ASSERT_TRUE(client_->AddStream("ORDERS", {"orders.>"}).ok()); }

  // How many messages other than sentinels the stream holds: a new sentinel goes in after
  // them, and its stream sequence counts them all.
  uint64_t StreamCount() {
    ++sentinels_;
    auto seq = client_->PublishDurable("orders.sentinel", "{}",
                                       "sentinel-" + std::to_string(sentinels_));
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq - sentinels_ : 0;
  }
  uint64_t sentinels_ = 0;

  NatsServer nats_;
  std::unique_ptr<NatsClient> client_;
  TempDir dir_;
  std::string store_ = dir_.path() + "/store";
};

TEST_F(PublishTest, ASubscriberReceivesExactlyTheMessage) {
  AddStream();
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Delivery>> got;
  ASSERT_TRUE(client_->SubscribeDurable("ORDERS", "test", "orders.shipped", absl::Seconds(30),
                                        [&](std::unique_ptr<Delivery> d) {
                                          ASSERT_TRUE(d->Ack().ok());
                                          std::lock_guard<std::mutex> lock(mu);
                                          got.push_back(std::move(d));
                                          cv.notify_all();
                                        })
                  .ok());
  auto engine = OpenEngine(store_, nats_.url());
  ASSERT_NE(engine, nullptr);
  const std::string id = Ship(*engine);
  ASSERT_EQ(id.size(), 26u) << "a ULID";
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return !got.empty(); }));
    EXPECT_EQ(got[0]->subject(), "orders.shipped");
    EXPECT_EQ(got[0]->data(), R"({"order":"A1","items":[1,2]})");
    EXPECT_EQ(got[0]->id(), id);
  }
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }));
  EXPECT_EQ(engine->Stats().messages_published, 1u);
  EXPECT_EQ(StreamCount(), 1u);
  // The history says what was queued, under the id the workflow got back.
  bool queued = false;
  auto list = engine->ListExecutions(std::nullopt, 10);
  ASSERT_TRUE(list.ok());
  auto history = engine->History((*list)[0].id);
  ASSERT_TRUE(history.ok());
  for (const HistoryEvent& e : *history) {
    if (e.type != "MESSAGE_QUEUED") continue;
    queued = true;
    EXPECT_EQ(e.details.as_object().Find("id")->as_string(), id);
    EXPECT_EQ(e.details.as_object().Find("subject")->as_string(), "orders.shipped");
  }
  EXPECT_TRUE(queued);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(got.size(), 1u);
}

TEST_F(PublishTest, ASubjectNoStreamHoldsWaitsInTheOutboxUntilOneDoes) {
  auto engine = OpenEngine(store_, nats_.url());
  ASSERT_NE(engine, nullptr);
  const std::string id = Ship(*engine);
  // Refused by NATS (no stream), retried with backoff: the row stays, failures are counted.
  ASSERT_TRUE(Eventually([&] { return engine->Stats().publish_failures >= 2; }));
  EXPECT_EQ(engine->Stats().outbox_depth, 1u);
  EXPECT_EQ(engine->Stats().messages_published, 0u);
  AddStream();
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }));
  EXPECT_EQ(engine->Stats().messages_published, 1u);
  EXPECT_EQ(StreamCount(), 1u);
}

// Runs `ship` in a child process (publish_child) whose engine cannot reach NATS, and SIGKILLs
// it once the execution has completed: its message is committed in the outbox, never acked.
void ShipAndKill(const std::string& store) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    const std::string fd = std::to_string(ready[1]);
    execl(WEFT_PUBLISH_CHILD, WEFT_PUBLISH_CHILD, store.c_str(), kDeadUrl, fd.c_str(), kWorkflow,
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(ready[1]);
  char byte = 0;
  const bool shipped = read(ready[0], &byte, 1) == 1;  // EOF if the child died first
  close(ready[0]);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(shipped) << "the child ended before the kill, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status));
}

TEST_F(PublishTest, AMessageUnackedAtAKillIsSentWhenTheEngineOpens) {
  AddStream();
  ShipAndKill(store_);
  std::vector<storage::OutboxMessage> rows = OutboxRows(store_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(StreamCount(), 0u);
  auto engine = OpenEngine(store_, nats_.url());
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }));
  EXPECT_EQ(StreamCount(), 1u);
}

TEST_F(PublishTest, AMessageSentAgainAfterALostAckIsStoredOnce) {
  AddStream();
  ShipAndKill(store_);
  std::vector<storage::OutboxMessage> rows = OutboxRows(store_);
  ASSERT_EQ(rows.size(), 1u);
  // As if the killed engine had sent it and died before deleting the row.
  ASSERT_TRUE(client_->PublishDurable(rows[0].subject, rows[0].data, rows[0].id).ok());
  auto engine = OpenEngine(store_, nats_.url());
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }));
  EXPECT_EQ(StreamCount(), 1u) << "JetStream drops the second copy by its Nats-Msg-Id";
}

TEST_F(PublishTest, RefusedCallsFailWithPublishFailedAndQueueNothing) {
  auto engine = OpenEngine(store_, nats_.url());
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine->Deploy("bad.wf", R"(
workflow bad(subject: string) {
    try {
        publish(subject: subject, data: 1)
    } catch e {
        return e
    }
    return "sent"
}
workflow extra() {
    let r = publish(subject: "a.b", data: 1, headers: {})
    return r
}
)").ok());
  auto run = [&](const std::string& workflow, Value input) {
    auto id = engine->Start(workflow, input, StartOptions{});
    EXPECT_TRUE(id.ok()) << id.status();
    auto done = engine->AwaitExecution(*id, absl::Seconds(60));
    EXPECT_TRUE(done.ok()) << done.status();
    return *done;
  };
  for (const char* subject : {"", "orders.*", "orders.>", "a..b", "a b", ".a"}) {
    ExecutionInfo e = run("bad", Value::MakeObject(Object({{"subject", Value::String(subject)}})));
    ASSERT_EQ(e.status, ExecutionStatus::kCompleted) << subject;
    ASSERT_TRUE(e.output.is_object()) << subject << ": " << e.output.ToJson();
    EXPECT_EQ(e.output.as_object().Find("code")->as_string(), "PUBLISH_FAILED") << subject;
  }
  ExecutionInfo extra = run("extra", Value::MakeObject(Object()));
  ASSERT_EQ(extra.status, ExecutionStatus::kFailed);
  EXPECT_EQ(extra.error.as_object().Find("code")->as_string(), "PUBLISH_FAILED");
  EXPECT_NE(extra.error.as_object().Find("message")->as_string().find("`headers`"),
            std::string::npos)
      << extra.error.ToJson();
  EXPECT_EQ(engine->Stats().outbox_depth, 0u);
}

}  // namespace
}  // namespace weft::testing
