// `weft schedule create|list|pause|resume|delete|next`: schedules that start a workflow on the
// slots of a cron expression in a time zone (docs/schedules.md). They fire while an engine has
// the store open (`weft work`, `weft run`, an embedding program); these commands open the store
// just long enough for one change, as `weft pause` does.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/cli_common.h"
#include "common/strings.h"

namespace weft::cli {
namespace {

struct ScheduleOptions {
  std::string name;
  std::string workflow;
  uint32_t version = 0;
  std::string cron;
  std::string zone = "UTC";
  std::string input = "{}";
  std::string start, end, after;
  std::string catch_up = "skip";
  std::string overlap = "allow";
  bool paused = false;
  bool replace = false;
  bool json = false;
  size_t count = 5;
};

// A time for --start, --end and --after: RFC 3339 ("2026-01-01T00:00:00Z") or ms since the
// epoch.
absl::StatusOr<int64_t> ParseWhen(const std::string& text, std::string_view option) {
  int64_t ms = 0;
  if (absl::SimpleAtoi(text, &ms) && ms >= 0) return ms;
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return absl::ToUnixMillis(t);
  return absl::InvalidArgumentError(absl::StrCat(
      ToAbsl(option), " `", text,
      "` is not a time: use RFC 3339 (2026-01-01T09:00:00Z, 2026-01-01T09:00:00+01:00) or ms "
      "since the epoch"));
}

// A slot in the schedule's zone, with its offset: 2024-03-10T03:30:00-04:00.
std::string InZone(int64_t ms, const std::string& zone_name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(zone_name, &zone)) zone = absl::UTCTimeZone();
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromUnixMillis(ms), zone);
}

std::string State(const Schedule& s) {
  if (s.paused) return "PAUSED";
  return s.next_ms == 0 ? "ENDED" : "ACTIVE";
}

Value ScheduleJson(const Schedule& s) {
  Object o;
  o.Set("name", Value::String(s.name));
  o.Set("workflow", Value::String(s.workflow));
  o.Set("version", s.version == 0 ? Value() : Value::Int(s.version));
  o.Set("input", s.input.is_null() ? Value::MakeObject(Object()) : s.input);
  o.Set("cron", Value::String(s.cron));
  o.Set("zone", Value::String(s.zone));
  o.Set("start", TimeValue(s.start_ms));
  o.Set("end", TimeValue(s.end_ms));
  o.Set("state", Value::String(State(s)));
  o.Set("catch_up", Value::String(std::string(CatchUpPolicyName(s.catch_up))));
  o.Set("overlap", Value::String(std::string(OverlapPolicyName(s.overlap))));
  o.Set("next", TimeValue(s.next_ms));
  o.Set("last_slot", TimeValue(s.last_slot_ms));
  o.Set("last_execution_id", s.last_execution_id.empty() ? Value()
                                                         : Value::String(s.last_execution_id));
  o.Set("runs", Value::Int(static_cast<int64_t>(s.runs)));
  o.Set("skipped", Value::Int(static_cast<int64_t>(s.skipped)));
  o.Set("last_error", s.last_error.empty() ? Value() : Value::String(s.last_error));
  o.Set("created", TimeValue(s.created_ms));
  return Value::MakeObject(std::move(o));
}

void PrintSchedule(const Schedule& s) {
  std::cout << s.name << " " << State(s);
  if (s.next_ms != 0) std::cout << " next " << InZone(s.next_ms, s.zone);
  std::cout << "\n";
}

int RunCreate(const GlobalOptions& global, const ScheduleOptions& o) {
  Schedule s;
  s.name = o.name;
  s.workflow = o.workflow;
  s.version = o.version;
  s.cron = o.cron;
  s.zone = o.zone;
  s.paused = o.paused;
  absl::StatusOr<Value> input = ParseInputArgument(o.input);
  if (!input.ok()) return Fail(input.status());
  s.input = *input;
  if (!o.start.empty()) {
    absl::StatusOr<int64_t> ms = ParseWhen(o.start, "--start");
    if (!ms.ok()) return Fail(ms.status());
    s.start_ms = *ms;
  }
  if (!o.end.empty()) {
    absl::StatusOr<int64_t> ms = ParseWhen(o.end, "--end");
    if (!ms.ok()) return Fail(ms.status());
    s.end_ms = *ms;
  }
  std::optional<CatchUpPolicy> catch_up = ParseCatchUpPolicy(o.catch_up);
  if (!catch_up) return Fail("unknown --catch-up `" + o.catch_up + "` (expected skip or run_all)");
  s.catch_up = *catch_up;
  std::optional<OverlapPolicy> overlap = ParseOverlapPolicy(o.overlap);
  if (!overlap) return Fail("unknown --overlap `" + o.overlap + "` (expected allow or skip)");
  s.overlap = *overlap;
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<Schedule> stored = (*engine)->CreateSchedule(s, o.replace);
  if (!stored.ok()) return Fail(stored.status());
  PrintSchedule(*stored);
  return kExitOk;
}

int RunList(const GlobalOptions& global, const ScheduleOptions& o) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<Schedule>> all = (*engine)->ListSchedules();
  if (!all.ok()) return Fail(all.status());
  if (o.json) {
    List list;
    for (const Schedule& s : *all) list.push_back(ScheduleJson(s));
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "WORKFLOW", "CRON", "ZONE", "STATE", "NEXT", "RUNS", "SKIPPED"}};
  for (const Schedule& s : *all) {
    rows.push_back({s.name, s.version == 0 ? s.workflow : absl::StrCat(s.workflow, "@", s.version),
                    s.cron, s.zone, State(s), s.next_ms == 0 ? "-" : InZone(s.next_ms, s.zone),
                    absl::StrCat(s.runs), absl::StrCat(s.skipped)});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

int RunChange(const GlobalOptions& global, const std::string& name,
              absl::Status (Engine::*change)(std::string_view)) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = ((**engine).*change)(name); !s.ok()) return Fail(s);
  if (change == &Engine::DeleteSchedule) {
    std::cout << name << " DELETED\n";
    return kExitOk;
  }
  absl::StatusOr<Schedule> after = (*engine)->GetSchedule(name);
  if (!after.ok()) return Fail(after.status());
  PrintSchedule(*after);
  return kExitOk;
}

int RunNext(const GlobalOptions& global, const ScheduleOptions& o) {
  if (o.name.empty() == o.cron.empty()) {
    return Fail("give a schedule's NAME, or --cron EXPR (with --zone) to preview an expression");
  }
  std::vector<int64_t> times;
  std::string zone = o.zone;
  if (!o.cron.empty()) {
    int64_t after = absl::ToUnixMillis(absl::Now());
    if (!o.after.empty()) {
      absl::StatusOr<int64_t> ms = ParseWhen(o.after, "--after");
      if (!ms.ok()) return Fail(ms.status());
      after = *ms;
    }
    absl::StatusOr<std::vector<int64_t>> next = NextCronTimes(o.cron, o.zone, after, o.count);
    if (!next.ok()) return Fail(next.status());
    times = *std::move(next);
  } else {
    absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
    if (!engine.ok()) return Fail(engine.status());
    absl::StatusOr<Schedule> s = (*engine)->GetSchedule(o.name);
    if (!s.ok()) return Fail(s.status());
    zone = s->zone;
    absl::StatusOr<std::vector<int64_t>> next = (*engine)->NextScheduleTimes(o.name, o.count);
    if (!next.ok()) return Fail(next.status());
    times = *std::move(next);
  }
  if (o.json) {
    List items;
    for (int64_t t : times) items.push_back(Value::String(InZone(t, zone)));
    std::cout << Value::MakeList(std::move(items)).ToJson() << "\n";
    return kExitOk;
  }
  for (int64_t t : times) std::cout << InZone(t, zone) << "\n";
  return kExitOk;
}

void AddCreate(const CommandContext& context, CLI::App* parent) {
  auto o = std::make_shared<ScheduleOptions>();
  CLI::App* cmd = parent->add_subcommand("create", "Create a schedule");
  cmd->footer(
      "The workflow's execution of each slot gets --input plus `_scheduledTime` (the slot, ms "
      "since the epoch) and `_scheduleName`, for each of the two it declares as a parameter. "
      "Slots fire while an engine has the store open (`weft work`, an embedding program).");
  cmd->add_option("NAME", o->name, "the schedule's name")->required();
  cmd->add_option("--workflow", o->workflow, "the workflow to start")->required();
  cmd->add_option("--version", o->version, "a version to pin (default: the latest at each slot)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--cron", o->cron,
                  "6 fields (second minute hour day-of-month month day-of-week) or 5 (no "
                  "second), e.g. \"0 0 9 * * MON-FRI\"")
      ->required();
  cmd->add_option("--zone", o->zone, "an IANA time zone (default: UTC)");
  cmd->add_option("--input", o->input, "the input: a JSON object, or @FILE (default: {})");
  cmd->add_option("--start", o->start, "no slot before this time (RFC 3339 or ms)");
  cmd->add_option("--end", o->end, "no slot after this time (RFC 3339 or ms)");
  cmd->add_option("--catch-up", o->catch_up,
                  "slots missed while no engine ran: skip (default) or run_all");
  cmd->add_option("--overlap", o->overlap,
                  "a slot while the previous run is still going: allow (default) or skip");
  cmd->add_flag("--paused", o->paused, "create it paused");
  cmd->add_flag("--replace", o->replace, "replace a schedule of that name (keeps its counters)");
  cmd->callback([&context, o] { context.exit_code = RunCreate(context.global, *o); });
}

}  // namespace

void RegisterSchedule(const CommandContext& context) {
  CLI::App* group = context.app.add_subcommand(
      "schedule", "Start a workflow on a cron schedule: create, list, pause, resume, delete, next");
  group->require_subcommand(1);
  AddCreate(context, group);

  auto list = std::make_shared<ScheduleOptions>();
  CLI::App* cmd = group->add_subcommand("list", "List schedules, by name");
  cmd->add_flag("--json", list->json, "print one JSON array");
  cmd->callback([&context, list] { context.exit_code = RunList(context.global, *list); });

  struct Change {
    const char* name;
    const char* help;
    absl::Status (Engine::*change)(std::string_view);
  };
  static const Change kChanges[] = {
      {"pause", "Pause a schedule: no slot runs until it is resumed", &Engine::PauseSchedule},
      {"resume", "Resume a schedule from the first slot after now (paused slots never run)",
       &Engine::ResumeSchedule},
      {"delete", "Delete a schedule (its executions are not touched)", &Engine::DeleteSchedule},
  };
  for (const Change& change : kChanges) {
    auto name = std::make_shared<std::string>();
    CLI::App* sub = group->add_subcommand(change.name, change.help);
    sub->add_option("NAME", *name, "the schedule's name")->required();
    sub->callback([&context, name, fn = change.change] {
      context.exit_code = RunChange(context.global, *name, fn);
    });
  }

  auto next = std::make_shared<ScheduleOptions>();
  cmd = group->add_subcommand("next", "Print the next slots of a schedule, or of an expression");
  cmd->add_option("NAME", next->name, "the schedule's name");
  cmd->add_option("--cron", next->cron, "an expression to preview instead of a schedule");
  cmd->add_option("--zone", next->zone, "the expression's time zone (default: UTC)");
  cmd->add_option("--after", next->after, "with --cron: slots after this time (default: now)");
  cmd->add_option("-n,--count", next->count, "how many (default: 5)")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", next->json, "print one JSON array of the slots");
  cmd->callback([&context, next] { context.exit_code = RunNext(context.global, *next); });
}

}  // namespace weft::cli
