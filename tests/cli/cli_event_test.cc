// End-to-end tests of `weft event create|list|messages|delete`, running the real binary against
// a fresh store (no NATS: handlers are stored and listed; nothing listens without --nats), and
// bad input refused with a clear `weft: error:` line and a non-zero exit.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"

namespace weft {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using testing::ProcessOutput;

constexpr char kHandler[] = R"({"name": "order_created", "event": "jsm:orders.created",
  "condition": "event.amount > 10", "evaluatorType": "weft",
  "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship",
    "input": {"order": "${id}"}}}]})";

class CliEventTest : public testing::WeftCliTest {};

TEST_F(CliEventTest, CreateListMessagesDelete) {
  ProcessOutput r = Weft({"event", "create", dir_.Write("h.json", kHandler)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "order_created jsm:orders.created ACTIVE\n");
  r = Weft({"event", "create", dir_.Write("h.json", kHandler)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("exists already"));
  r = Weft({"event", "create", "--replace", dir_.Write("h.json", kHandler)});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  r = Weft({"event", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // LISTENER: a command that opened the store itself listens to nothing.
  EXPECT_THAT(r.out, ContainsRegex("order_created +jsm:orders.created +ACTIVE +1 +OFF\n"));
  r = Weft({"event", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("evaluatorType":"weft")"));

  r = Weft({"event", "messages", "order_created"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("MESSAGE"));

  r = Weft({"event", "delete", "order_created"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "order_created DELETED\n");
  r = Weft({"event", "delete", "order_created"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no event handler `order_created`"));
  r = Weft({"event", "messages", "order_created"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(CliEventTest, BadHandlersAreRefusedWithTheReason) {
  ProcessOutput r = Weft({"event", "create", dir_.Write("k.json", R"({"name": "k",
    "event": "kafka:orders", "actions": [{"action": "start_workflow",
    "start_workflow": {"name": "ship"}}]})")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("weft: error: event handler: `event` `kafka:orders`"));
  r = Weft({"event", "create", dir_.Write("w.json", R"({"name": "w", "event": "nats:a",
    "evaluatorType": "weft", "condition": "event.amount >",
    "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship"}}]})")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not a Weft expression"));
  r = Weft({"event", "create", dir_.Write("bad.json", "{not json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("FILE file"));
  r = Weft({"event", "create", dir_.Sub("missing.json")});
  EXPECT_EQ(r.exit_code, 1);
  r = Weft({"serve", "--nats"});
  EXPECT_EQ(r.exit_code, 2);  // --nats needs a URL
}

}  // namespace
}  // namespace weft
