// Live migration over HTTP (docs/server.md, "Migration"): check a source against the running
// executions of its workflows, and move one execution or every one of a version. The moves run
// as commands of the engine's single writer, like every other transition of a served store.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/migration_json.h"
#include "server/routes.h"

namespace weft::server {
namespace {

// A version query parameter: `fallback` when absent, else a positive integer.
absl::StatusOr<uint32_t> QueryVersion(const Request& r, std::string_view name, uint32_t fallback) {
  std::optional<std::string> text = r.Query(name);
  if (!text) return fallback;
  uint32_t version = 0;
  if (!absl::SimpleAtoi(*text, &version) || version == 0) {
    return absl::InvalidArgumentError(absl::StrCat("query parameter `", std::string(name),
                                                   "` must be a positive version number, not `", *text, "`"));
  }
  return version;
}

// dryRun: absent or "false" is a real move, "true" a dry run; anything else is refused.
absl::StatusOr<bool> QueryDryRun(const Request& r) {
  std::optional<std::string> text = r.Query("dryRun");
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return absl::InvalidArgumentError(
      absl::StrCat("query parameter `dryRun` must be `true` or `false`, not `", *text, "`"));
}

// POST /api/weft/check-migration?name=FILE.wf with the .wf source as the body: 200 with the
// MigrationCheck, 400 with the same object (and the compiler's diagnostics) when the source has
// errors.
void Check(RouteContext& c, Request& r, Reply reply) {
  const std::string name = r.Query("name").value_or("request.wf");
  if (!IsValidUtf8(r.body)) return reply(Response::Error(400, "the source is not valid UTF-8"));
  absl::StatusOr<MigrationCheck> check = c.service.CheckMigration(name, r.body);
  if (!check.ok()) return reply(Response::FromStatus(check.status()));
  Value json = MigrationCheckToJson(*check);
  if (check->compiles()) return reply(JsonOk(json));
  Object o = json.as_object();
  o.Set("status", Value::Int(400));
  o.Set("message", Value::String(absl::StrCat("`", name, "` has errors; nothing was checked")));
  o.Set("retryable", Value::Bool(false));
  reply(Response::Json(400, Value::MakeObject(std::move(o)).ToJson()));
}

// POST /api/weft/executions/{id}/migrate?to=W&dryRun=true|false: the MigrationResult; 404 for
// an unknown execution or version, 409 for an ended execution or one already on W.
void MigrateOne(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<uint32_t> to = QueryVersion(r, "to", 0);
  if (!to.ok()) return reply(Response::FromStatus(to.status()));
  absl::StatusOr<bool> dry_run = QueryDryRun(r);
  if (!dry_run.ok()) return reply(Response::FromStatus(dry_run.status()));
  absl::StatusOr<MigrationResult> result = c.service.Migrate(r.Param("id"), *to, *dry_run);
  if (!result.ok()) return reply(Response::FromStatus(result.status()));
  reply(JsonOk(MigrationResultToJson(*result)));
}

// POST /api/weft/workflows/{name}/migrate?from=V&to=W&dryRun=: a list of MigrationResults, one
// per RUNNING or PAUSED execution of version V; 404 for an unknown version.
void MigrateGroup(RouteContext& c, Request& r, Reply reply) {
  if (!r.Query("from")) {
    return reply(Response::Error(400,
                                 "query parameter `from` is required: the version to move "
                                 "executions from"));
  }
  absl::StatusOr<uint32_t> from = QueryVersion(r, "from", 0);
  if (!from.ok()) return reply(Response::FromStatus(from.status()));
  absl::StatusOr<uint32_t> to = QueryVersion(r, "to", 0);
  if (!to.ok()) return reply(Response::FromStatus(to.status()));
  absl::StatusOr<bool> dry_run = QueryDryRun(r);
  if (!dry_run.ok()) return reply(Response::FromStatus(dry_run.status()));
  absl::StatusOr<std::vector<MigrationResult>> results =
      c.service.MigrateGroup(r.Param("name"), *from, *to, *dry_run);
  if (!results.ok()) return reply(Response::FromStatus(results.status()));
  List items;
  for (const MigrationResult& m : *results) items.push_back(MigrationResultToJson(m));
  reply(JsonOk(Value::MakeList(std::move(items))));
}

}  // namespace

void AddMigrateRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string pattern, void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({"POST", std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("/api/weft/check-migration", Check);
  add("/api/weft/executions/{id}/migrate", MigrateOne);
  add("/api/weft/workflows/{name}/migrate", MigrateGroup);
}

}  // namespace weft::server
