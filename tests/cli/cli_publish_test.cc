// `publish` through the `weft` binary: --nats (and WEFT_NATS_URL) is checked as a NATS URL, a
// run without one keeps the message in the store's outbox and says so, and the next run given a
// real nats-server sends it along with its own before it exits.
#include <gtest/gtest.h>

#include <cstdlib>

#include "events/nats_client.h"
#include "tests/cli/run_binary.h"
#include "tests/events/nats_server.h"

namespace weft::testing {
namespace {

const char* kWeft = WEFT_CLI_PATH;

constexpr char kWorkflow[] = R"(
workflow notify(order: string) {
    let sent = publish(subject: "orders.packed", data: { order: order })
    return { order: order, sent: sent.id != "" }
}
)";

TEST(CliPublish, ABadNatsUrlIsAUsageError) {
  ScratchDir dir;
  const std::string wf = dir.Write("notify.wf", kWorkflow);
  ProcessOutput out = RunBinary({kWeft, "--store", dir.Sub("store"), "run", wf, "--input",
                                 R"({"order":"A1"})", "--nats", "127.0.0.1:4222"});
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_NE(out.err.find("is not a NATS URL"), std::string::npos) << out.err;
  setenv("WEFT_NATS_URL", "http://x", 1);
  ProcessOutput env = RunBinary({kWeft, "--store", dir.Sub("store"), "work", "--timeout", "1s"});
  unsetenv("WEFT_NATS_URL");
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_NE(env.err.find("is not a NATS URL"), std::string::npos) << env.err;
}

TEST(CliPublish, WithoutNatsTheMessageWaitsAndTheNextRunWithNatsSendsIt) {
  unsetenv("WEFT_NATS_URL");
  ScratchDir dir;
  const std::string wf = dir.Write("notify.wf", kWorkflow);
  const std::string store = dir.Sub("store");
  ProcessOutput first =
      RunBinary({kWeft, "--store", store, "run", wf, "--input", R"({"order":"A1"})"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "{\"order\":\"A1\",\"sent\":true}\n");
  EXPECT_NE(first.err.find("no NATS server is configured"), std::string::npos) << first.err;

  NatsServer nats;
  ASSERT_TRUE(nats.Start());
  auto client = events::NatsClient::Connect(nats.url());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());
  ProcessOutput second = RunBinary({kWeft, "--store", store, "run", wf, "--input",
                                    R"({"order":"A2"})", "--nats", nats.url()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.err.find("no NATS server"), std::string::npos) << second.err;
  // Both messages are in the stream (the first run's and the second's), before the sentinel.
  auto seq = (*client)->PublishDurable("orders.sentinel", "{}", "sentinel");
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(*seq, 3u);
  ProcessOutput verify = RunBinary({kWeft, "--store", store, "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err << verify.out;
}

}  // namespace
}  // namespace weft::testing
