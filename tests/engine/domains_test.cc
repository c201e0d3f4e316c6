// Task domains (Conductor's taskToDomain) and workflow priority in the engine: which domain a
// task is queued in (TaskDomainFor: "*", per-type overrides, lists with an active worker or
// the last one, NO_DOMAIN, system tasks), that only a poll naming the domain gets it, that a
// SUB_WORKFLOW child inherits the map and a detached start does not, that both survive a
// reopen, and that a higher workflow priority's tasks are handed out first.
#include <map>

#include "absl/strings/str_cat.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kFlow = R"(
task a, b

workflow two(x: int) {
    let r = a(x: x)
    return b(r: r)
}

workflow parent(x: int) {
    return two(x: x)
}

workflow launcher(x: int) {
    let id = start two(x: x)
    return id
}
)";

bool Never(std::string_view, std::string_view) { return false; }

TEST(TaskDomainForTest, StarAppliesToEveryTypeAndATypeOverridesIt) {
  const TaskToDomain map = {{"*", "x"}, {"b", "y"}};
  EXPECT_EQ(TaskDomainFor(map, "a", Never), "x");
  EXPECT_EQ(TaskDomainFor(map, "b", Never), "y");
  EXPECT_EQ(TaskDomainFor({{"b", "y"}}, "a", Never), "");
  EXPECT_EQ(TaskDomainFor({}, "a", Never), "");
  // System tasks run in the engine: never in a domain.
  EXPECT_EQ(TaskDomainFor(map, "http", Never), "");
  EXPECT_EQ(TaskDomainFor(map, "jq", Never), "");
}

TEST(TaskDomainForTest, AListTakesTheFirstActiveDomainElseTheLastOrNone) {
  const TaskToDomain map = {{"a", " red , green "}};
  EXPECT_EQ(TaskDomainFor(map, "a", Never), "green");
  auto only = [](std::string_view active) {
    return [active](std::string_view type, std::string_view d) { return type == "a" && d == active; };
  };
  EXPECT_EQ(TaskDomainFor(map, "a", only("red")), "red");
  EXPECT_EQ(TaskDomainFor(map, "a", only("green")), "green");
  EXPECT_EQ(TaskDomainFor(map, "a", only("blue")), "green");
  // NO_DOMAIN last: no active domain means no domain at all; it is never "active" itself.
  EXPECT_EQ(TaskDomainFor({{"a", "red,NO_DOMAIN"}}, "a", Never), "");
  EXPECT_EQ(TaskDomainFor({{"a", "red,no_domain"}}, "a", only("red")), "red");
  EXPECT_EQ(TaskDomainFor({{"a", "NO_DOMAIN"}}, "a", only("NO_DOMAIN")), "");
  EXPECT_EQ(TaskDomainFor({{"a", ""}}, "a", Never), "");
}

TEST(TaskQueueNameTest, IsTheTypeOrDomainColonType) {
  EXPECT_EQ(TaskQueueName("a", ""), "a");
  EXPECT_EQ(TaskQueueName("a", "blue"), "blue:a");
}

class DomainsTest : public EngineTest {
 protected:
  std::string StartWith(std::string_view workflow, StartOptions options, int x = 1) {
    auto id = engine_->Start(workflow, Json(absl::StrCat("{\"x\":", x, "}")), options);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : std::string();
  }

  // Ready tasks of `type` in `domain`, from the dispatcher.
  uint64_t Ready(std::string_view type, std::string_view domain) {
    for (const QueueDepth& d : engine_->QueueDepths()) {
      if (d.task_type == type && d.domain == domain) return d.ready;
    }
    return 0;
  }

  std::optional<LeasedTask> Poll(std::string_view type, std::string_view domain) {
    auto polled = engine_->PollTask(type, "w1", domain);
    EXPECT_TRUE(polled.ok()) << polled.status();
    return polled.ok() ? *polled : std::nullopt;
  }

  static StartOptions Domains(TaskToDomain map, int32_t priority = 0) {
    StartOptions o;
    o.task_to_domain = std::move(map);
    o.priority = priority;
    return o;
  }
};

TEST_F(DomainsTest, OnlyAPollNamingTheDomainGetsTheTask) {
  Deploy(kFlow);
  const std::string id = StartWith("two", Domains({{"a", "blue"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "blue") == 1; }));
  EXPECT_FALSE(Poll("a", ""));
  EXPECT_FALSE(Poll("a", "red"));
  std::optional<LeasedTask> got = Poll("a", "blue");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->domain, "blue");
  auto row = engine_->GetTask(got->context.task_id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->domain, "blue");
  ASSERT_TRUE(engine_->CompleteTask(got->context.task_id, "w1", Value::Int(5)).ok());
  // `b` is not mapped: it waits without a domain.
  ASSERT_TRUE(Eventually([&] { return Ready("b", "") == 1; }));
  EXPECT_FALSE(Poll("b", "blue"));
  std::optional<LeasedTask> next = Poll("b", "");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->domain, "");
  ASSERT_TRUE(engine_->CompleteTask(next->context.task_id, "w1", Value::Int(6)).ok());
  EXPECT_EQ(Await(id).status, ExecutionStatus::kCompleted);
  auto info = engine_->GetExecution(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->task_to_domain, (TaskToDomain{{"a", "blue"}}));
}

TEST_F(DomainsTest, AnActiveDomainOfAListIsChosen) {
  Deploy(kFlow);
  // Nobody polled `red`: the last of the list.
  StartWith("two", Domains({{"a", "red,green"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "green") == 1; }));
  // A poll of `red` (finding nothing) makes it active for `a`.
  EXPECT_FALSE(Poll("a", "red"));
  StartWith("two", Domains({{"a", "red,green"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "red") == 1; }));
  // NO_DOMAIN last and no active domain: no domain.
  StartWith("two", Domains({{"a", "gray,NO_DOMAIN"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "") == 1; }));
}

TEST_F(DomainsTest, ASubWorkflowInheritsTheMapADetachedStartDoesNot) {
  Deploy(kFlow);
  StartWith("parent", Domains({{"*", "blue"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "blue") == 1; }));
  StartWith("launcher", Domains({{"*", "blue"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "") == 1; }));
  EXPECT_EQ(Ready("a", "blue"), 1u);
}

TEST_F(DomainsTest, DomainsAndMapsSurviveAReopen) {
  Deploy(kFlow);
  const std::string id = StartWith("two", Domains({{"a", "blue"}, {"b", "green"}}));
  ASSERT_TRUE(Eventually([&] { return Ready("a", "blue") == 1; }));
  Reopen();
  EXPECT_EQ(Ready("a", "blue"), 1u);
  EXPECT_FALSE(Poll("a", ""));
  std::optional<LeasedTask> got = Poll("a", "blue");
  ASSERT_TRUE(got);
  ASSERT_TRUE(engine_->CompleteTask(got->context.task_id, "w1", Value::Int(5)).ok());
  // The next task still follows the stored map.
  ASSERT_TRUE(Eventually([&] { return Ready("b", "green") == 1; }));
  auto info = engine_->GetExecution(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->task_to_domain.size(), 2u);
}

TEST_F(DomainsTest, ABadMapIsRefused) {
  Deploy(kFlow);
  auto colon = engine_->Start("two", Json("{\"x\":1}"), Domains({{"a", "x:y"}}));
  EXPECT_EQ(colon.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(colon.status().ToString().find("':'"), std::string::npos) << colon.status();
  auto empty_type = engine_->Start("two", Json("{\"x\":1}"), Domains({{"", "x"}}));
  EXPECT_EQ(empty_type.status().code(), absl::StatusCode::kInvalidArgument);
  auto long_domain =
      engine_->Start("two", Json("{\"x\":1}"), Domains({{"a", std::string(300, 'd')}}));
  EXPECT_EQ(long_domain.status().code(), absl::StatusCode::kInvalidArgument);
}

class PriorityTest : public DomainsTest {
 protected:
  // Four executions of priorities 1, 0, 9, 1; the ids in the order they must be handed out:
  // priority first, then the order they were queued in.
  std::vector<std::string> StartFour() {
    Deploy(kFlow);
    const std::string low = StartWith("two", Domains({}, 1));
    const std::string none = StartWith("two", Domains({}, 0));
    const std::string high = StartWith("two", Domains({}, 9));
    const std::string low2 = StartWith("two", Domains({}, 1));
    EXPECT_TRUE(Eventually([&] { return Ready("a", "") == 4; }));
    priorities_ = {{low, 1}, {none, 0}, {high, 9}, {low2, 1}};
    return {high, low, low2, none};
  }

  std::vector<std::string> PollAll() {
    std::vector<std::string> got;
    while (std::optional<LeasedTask> t = Poll("a", "")) {
      got.push_back(t->context.execution_id);
      EXPECT_EQ(t->workflow_priority, priorities_[t->context.execution_id]);
    }
    return got;
  }

  std::map<std::string, int32_t> priorities_;
};

TEST_F(PriorityTest, HigherWorkflowPriorityIsHandedOutFirst) {
  const std::vector<std::string> want = StartFour();
  EXPECT_EQ(PollAll(), want);
}

TEST_F(PriorityTest, TheOrderIsRebuiltFromTheStoreOnReopen) {
  const std::vector<std::string> want = StartFour();
  Reopen();
  ASSERT_TRUE(Eventually([&] { return Ready("a", "") == 4; }));
  EXPECT_EQ(PollAll(), want);
}

}  // namespace
}  // namespace weft::testing
