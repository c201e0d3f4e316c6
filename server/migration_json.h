// Live migration as JSON, the same both ways for `weft serve` (routes_migrate.cc) and its
// client (client_migration.cc): a MigrationResult, and Engine::CheckMigration's MigrationCheck.
// docs/server.md, "Migration", shows the shapes. Also the one JSON form of a compiler
// diagnostic, which a check's compile errors and the deploy route's errors share.
#ifndef WEFT_SERVER_MIGRATION_JSON_H_
#define WEFT_SERVER_MIGRATION_JSON_H_

#include <cstdint>
#include <optional>
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

// Where a diagnostic's source range ends (the deploy route gives it; a check does not).
struct DiagnosticEnd {
  uint32_t line = 0, column = 0;
};
// A compiler diagnostic: {"code","severity","line","column","endLine"?,"endColumn"?,"message",
// "hints":[...]}, the end fields only with `end`.
Value DiagnosticToJson(const SourceDiagnostic& d, std::optional<DiagnosticEnd> end = std::nullopt);

// {"file","compiles","mappable","diagnostics":[...],"diagnosticsText","versions":[...]}
Value MigrationCheckToJson(const MigrationCheck& check);
absl::StatusOr<MigrationCheck> MigrationCheckFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_MIGRATION_JSON_H_
