// The client side of the service layer: a weft::Engine whose operations are HTTP calls to a
// `weft serve` (docs/server.md). The CLI uses it when the store it is told to write is served
// (STORE/serve.json names the server) or when given --server URL, so `weft start`, `signal`,
// `terminate`, `pause`, `resume`, `retry`, `restart`, `deploy` (with --check-migration) and
// `migrate` work on a served store instead of failing with "store in use".
//
// Served remotely: Deploy, DeployFile, Versions, Start, GetExecution, ListExecutions, History,
// Tasks, GetTask, Signal, Terminate, Pause, Resume, Retry, Restart, the schedules (Conductor's
// /api/scheduler), and live migration (CheckMigration, MigrateExecution, MigrateExecutions).
// Everything else (workers,
// polling, prune, bytecode) answers Unimplemented with a message that says to run it where the
// store is, or against the server's HTTP API.
#ifndef WEFT_SERVER_CLIENT_H_
#define WEFT_SERVER_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "weft/engine.h"

namespace weft::server {

// An Engine that talks to the server at `url` ("http://127.0.0.1:8080"), sending `token` as a
// bearer token when it is not empty. Checks that the server answers GET /health first.
absl::StatusOr<std::unique_ptr<Engine>> ConnectRemote(const std::string& url,
                                                      const std::string& token = "");

// The URL in STORE/serve.json, written by `weft serve`; nullopt when there is none.
std::optional<std::string> ServedUrl(const std::string& store);

}  // namespace weft::server

#endif  // WEFT_SERVER_CLIENT_H_
