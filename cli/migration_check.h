// `weft deploy FILE --check-migration` (docs/migration.md): for each workflow
// of FILE and each stored version of it with running or paused executions, the
// state map from that version to FILE's, with the diagnostics of every point
// that cannot move. Deploys nothing.
#ifndef WEFT_CLI_MIGRATION_CHECK_H_
#define WEFT_CLI_MIGRATION_CHECK_H_

#include <string>

#include "cli/cli_common.h"

namespace weft::cli {

// Exit status: 0 when every point of every checked version maps (or nothing
// runs), 1 when a point does not map or a version's source is not stored, or on
// any error.
int RunCheckMigration(const GlobalOptions &global, const std::string &file,
                      const std::string &source);

}  // namespace weft::cli

#endif  // WEFT_CLI_MIGRATION_CHECK_H_
