// `--nats URL` of `weft serve`, `run` and `work`, or $WEFT_NATS_URL: the NATS server that
// `publish` sends workflows' messages to and that event handlers listen on (docs/events.md).
// One function, so that every command that takes it spells and checks it the same way.
#ifndef WEFT_CLI_NATS_OPTION_H_
#define WEFT_CLI_NATS_OPTION_H_

#include <string>

#include "CLI/CLI.hpp"

namespace weft::cli {

// Adds --nats to `cmd`, filling `url`; a value that is not a nats:// or tls:// URL with a host
// is a usage error (exit 2).
void AddNatsOption(CLI::App& cmd, std::string& url);

}  // namespace weft::cli

#endif  // WEFT_CLI_NATS_OPTION_H_
