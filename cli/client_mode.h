// The CLI's client mode: when the store a writing command is told to use is held by
// `weft serve` (STORE/serve.json names it), or when --server URL is given, the command's
// engine is server/client.h's remote engine, which makes the same calls over HTTP. The bearer
// token, when the server wants one, comes from $WEFT_TOKEN.
#ifndef WEFT_CLI_CLIENT_MODE_H_
#define WEFT_CLI_CLIENT_MODE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "weft/engine.h"

namespace weft::cli {

// --server URL (empty: none). Set by main before any command runs.
void SetServerUrl(std::string url);
const std::string& ServerUrl();

// The remote engine for --server URL; nullopt-like nullptr when none was given.
absl::StatusOr<std::unique_ptr<Engine>> ConnectToServer(const std::string& url);

}  // namespace weft::cli

#endif  // WEFT_CLI_CLIENT_MODE_H_
