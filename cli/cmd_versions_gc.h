// `weft versions gc` and `weft versions delete`, subcommands of `weft versions`
// (cmd_versions.cc registers them).
#ifndef WEFT_CLI_CMD_VERSIONS_GC_H_
#define WEFT_CLI_CMD_VERSIONS_GC_H_

#include "cli/cli_common.h"

namespace weft::cli {

void RegisterVersionLifecycle(const CommandContext& context, CLI::App& versions);

}  // namespace weft::cli

#endif  // WEFT_CLI_CMD_VERSIONS_GC_H_
