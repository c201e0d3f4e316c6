// Conductor's scheduler API on `weft serve` (/api/scheduler/...): save, read, list, pause,
// resume and delete schedules, and preview a cron expression's next times, over the engine's
// schedules (docs/schedules.md maps the fields; conductor_schedule.h converts them). Plus
// Weft's GET /api/weft/schedules/{name}/next, a stored schedule's next slots, which the CLI's
// client mode uses for `weft schedule next NAME`.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/conductor_schedule.h"
#include "server/routes.h"

namespace weft::server {
namespace {

// The most times one preview answers.
constexpr int64_t kMaxNextTimes = 1000;

Value TimesJson(const std::vector<int64_t>& times) {
  List items;
  for (int64_t t : times) items.push_back(Value::Int(t));
  return Value::MakeList(std::move(items));
}

// POST /api/scheduler/schedules: create or replace (Conductor's save). Weft's `?replace=false`
// refuses to replace one of the same name (409), for `weft schedule create` without --replace.
void Save(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  absl::StatusOr<Schedule> schedule = ScheduleFromConductor(*body);
  if (!schedule.ok()) return reply(Response::FromStatus(schedule.status()));
  absl::StatusOr<Schedule> stored =
      c.service.SaveSchedule(*schedule, QueryBool(r, "replace", /*fallback=*/true));
  if (!stored.ok()) return reply(Response::FromStatus(stored.status()));
  reply(JsonOk(ScheduleToConductor(*stored)));
}

void GetOne(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Schedule> s = c.service.GetSchedule(r.Param("name"));
  if (!s.ok()) return reply(Response::FromStatus(s.status()));
  reply(JsonOk(ScheduleToConductor(*s)));
}

void GetAll(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::vector<Schedule>> all =
      c.service.ListSchedules(r.Query("workflowName").value_or(""));
  if (!all.ok()) return reply(Response::FromStatus(all.status()));
  List items;
  for (const Schedule& s : *all) items.push_back(ScheduleToConductor(s));
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void Empty(const absl::Status& s, Reply& reply) {
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

void Pause(RouteContext& c, Request& r, Reply reply) {
  Empty(c.service.PauseSchedule(r.Param("name")), reply);
}
void Resume(RouteContext& c, Request& r, Reply reply) {
  Empty(c.service.ResumeSchedule(r.Param("name")), reply);
}
void Delete(RouteContext& c, Request& r, Reply reply) {
  Empty(c.service.DeleteSchedule(r.Param("name")), reply);
}

absl::StatusOr<size_t> Limit(const Request& r, int64_t fallback) {
  absl::StatusOr<int64_t> limit = QueryInt(r, "limit", fallback);
  if (!limit.ok()) return limit.status();
  if (*limit < 1 || *limit > kMaxNextTimes) {
    return absl::InvalidArgumentError(
        absl::StrCat("`limit` must be between 1 and ", kMaxNextTimes));
  }
  return static_cast<size_t>(*limit);
}

// GET /api/scheduler/nextFewSchedules?cronExpression=&scheduleStartTime=&scheduleEndTime=
// &limit= (default 3, as Conductor), and Weft's zoneId= (default UTC). From now when no start.
void NextFew(RouteContext&, Request& r, Reply reply) {
  const std::optional<std::string> cron = r.Query("cronExpression");
  if (!cron || cron->empty()) {
    return reply(Response::Error(400, "the query parameter `cronExpression` is required"));
  }
  absl::StatusOr<int64_t> start = QueryInt(r, "scheduleStartTime", NowMs());
  absl::StatusOr<int64_t> end = QueryInt(r, "scheduleEndTime", 0);
  absl::StatusOr<size_t> limit = Limit(r, 3);
  for (const absl::Status& s : {start.status(), end.status(), limit.status()}) {
    if (!s.ok()) return reply(Response::FromStatus(s));
  }
  absl::StatusOr<std::vector<int64_t>> times =
      NextCronTimes(*cron, r.Query("zoneId").value_or("UTC"), *start, *limit, *end);
  if (!times.ok()) return reply(Response::FromStatus(times.status()));
  reply(JsonOk(TimesJson(*times)));
}

// GET /api/weft/schedules/{name}/next?limit=N (default 5): a stored schedule's next slots.
void NextOfSchedule(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<size_t> limit = Limit(r, 5);
  if (!limit.ok()) return reply(Response::FromStatus(limit.status()));
  absl::StatusOr<std::vector<int64_t>> times = c.service.NextScheduleTimes(r.Param("name"), *limit);
  if (!times.ok()) return reply(Response::FromStatus(times.status()));
  reply(JsonOk(TimesJson(*times)));
}

// Scheduler endpoints that are not served: (method, pattern, what to do instead).
struct Unsupported {
  const char* method;
  const char* pattern;
  const char* instead;
};
constexpr Unsupported kUnsupported[] = {
    {"GET", "/api/scheduler/admin/pause", "pause schedules one by one"},
    {"GET", "/api/scheduler/admin/resume", "resume schedules one by one"},
    {"GET", "/api/scheduler/admin/requeue", "schedules' timers are durable rows"},
    {"GET", "/api/scheduler/search/executions",
     "a schedule's executions carry _scheduleName; see its lastExecutionId"},
    {"GET", "/api/scheduler/schedules/tags", "schedules have no tags"},
    {"PUT", "/api/scheduler/schedules/{name}/tags", "schedules have no tags"},
    {"GET", "/api/scheduler/schedules/{name}/tags", "schedules have no tags"},
    {"DELETE", "/api/scheduler/schedules/{name}/tags", "schedules have no tags"},
};

}  // namespace

void AddSchedulerRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern,
                 void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("POST", "/api/scheduler/schedules", Save);
  add("GET", "/api/scheduler/schedules", GetAll);
  add("GET", "/api/scheduler/schedules/{name}", GetOne);
  add("DELETE", "/api/scheduler/schedules/{name}", Delete);
  add("GET", "/api/scheduler/schedules/{name}/pause", Pause);
  add("PUT", "/api/scheduler/schedules/{name}/pause", Pause);
  add("GET", "/api/scheduler/schedules/{name}/resume", Resume);
  add("PUT", "/api/scheduler/schedules/{name}/resume", Resume);
  add("GET", "/api/scheduler/nextFewSchedules", NextFew);
  add("GET", "/api/weft/schedules/{name}/next", NextOfSchedule);
  for (const Unsupported& u : kUnsupported) {
    std::string message = absl::StrCat("`", u.method, " ", u.pattern,
                                       "` is not supported by weft serve: ", u.instead);
    router.Add({u.method, u.pattern, RunOn::kInline, [message](Request&, Reply reply) {
                  reply(Response::Error(501, message));
                }});
  }
}

}  // namespace weft::server
