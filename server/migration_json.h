// Live migration as JSON, the same both ways for `weft serve` (routes_migrate.cc) and its
// client (client.cc): a MigrationResult, and Engine::CheckMigration's MigrationCheck.
// docs/server.md, "Migration", shows the shapes.
#ifndef WEFT_SERVER_MIGRATION_JSON_H_
#define WEFT_SERVER_MIGRATION_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

// {"executionId","workflow","fromVersion","toVersion","moved","reason","points":[...]}
Value MigrationResultToJson(const MigrationResult& result);
// InvalidArgument when `json` is not such an object.
absl::StatusOr<MigrationResult> MigrationResultFromJson(const Value& json);
absl::StatusOr<std::vector<MigrationResult>> MigrationResultsFromJson(const Value& json);

// {"file","compiles","mappable","diagnostics":[...],"diagnosticsText","versions":[...]}
Value MigrationCheckToJson(const MigrationCheck& check);
absl::StatusOr<MigrationCheck> MigrationCheckFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_MIGRATION_JSON_H_
