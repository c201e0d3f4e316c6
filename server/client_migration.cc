// The client's live migration (see client.h): /api/weft/check-migration and the migrate
// endpoints (routes_migrate.cc), their answers read back with migration_json.h.
#include "absl/strings/str_cat.h"
#include "server/migration_json.h"
#include "server/remote_engine.h"

namespace weft::server::remote {
namespace {

std::string MigrateQuery(uint32_t to_version, bool dry_run) {
  std::string query = absl::StrCat("dryRun=", dry_run ? "true" : "false");
  if (to_version != 0) absl::StrAppend(&query, "&to=", to_version);
  return query;
}

}  // namespace

absl::StatusOr<MigrationCheck> RemoteEngine::CheckMigration(std::string_view file_name,
                                                            std::string_view source) {
  absl::StatusOr<HttpResult> r =
      Send("POST", "/api/weft/check-migration?name=" + Escape(file_name), std::string(source), "text/plain");
  if (!r.ok()) return r.status();
  // A source with errors is a 400 that still carries the check, with the diagnostics.
  absl::StatusOr<Value> json = Value::FromJson(r->body);
  const bool with_check = json.ok() && Field(*json, "versions").is_list();
  if (r->status == 200 || (r->status == 400 && with_check)) {
    if (!json.ok()) return json.status();
    return MigrationCheckFromJson(*json);
  }
  return absl::Status(r->status >= 400 ? CodeOf(r->status) : absl::StatusCode::kInternal,
                      json.ok() ? StringField(*json, "message") : r->body);
}

absl::StatusOr<MigrationResult> RemoteEngine::MigrateExecution(std::string_view id, uint32_t to_version,
                                                               bool dry_run) {
  absl::StatusOr<Value> r = CallJson("POST", absl::StrCat("/api/weft/executions/", Escape(id), "/migrate?",
                                                          MigrateQuery(to_version, dry_run)));
  if (!r.ok()) return r.status();
  return MigrationResultFromJson(*r);
}

absl::StatusOr<std::vector<MigrationResult>> RemoteEngine::MigrateExecutions(std::string_view workflow,
                                                                             uint32_t from_version,
                                                                             uint32_t to_version,
                                                                             bool dry_run) {
  absl::StatusOr<Value> r =
      CallJson("POST", absl::StrCat("/api/weft/workflows/", Escape(workflow), "/migrate?from=", from_version,
                                    "&", MigrateQuery(to_version, dry_run)));
  if (!r.ok()) return r.status();
  return MigrationResultsFromJson(*r);
}

}  // namespace weft::server::remote
