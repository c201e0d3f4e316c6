// `weft deploy --check-migration`: asks the engine (local, or a `weft serve` through the
// client) to map each older version with running executions onto the file's version
// (Engine::CheckMigration) and prints its answer: the compiler's diagnostics when the file has
// errors, else each version's rendered map and diagnostics.
#include "cli/migration_check.h"

#include <iostream>

#include "absl/strings/str_cat.h"

namespace weft::cli {

int RunCheckMigration(const GlobalOptions& global, const std::string& file, const std::string& source) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<MigrationCheck> check = (*engine)->CheckMigration(file, source);
  if (!check.ok()) return Fail(check.status());
  if (!check->compiles()) {
    std::cerr << check->compile_text;
    return Fail(absl::StrCat("`", file, "` has errors; nothing was checked"));
  }
  for (const MigrationVersionCheck& v : check->versions) std::cout << v.text;
  if (check->versions.empty()) {
    std::cout << "no running executions of the workflows of " << file << "; nothing to migrate\n";
  }
  if (check->all_mappable()) return kExitOk;
  std::cerr << "weft: error: some running executions cannot move to " << file
            << "'s version; nothing was deployed\n";
  return kExitFailure;
}

}  // namespace weft::cli
