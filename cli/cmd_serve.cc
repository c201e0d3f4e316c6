// `weft serve [--listen HOST:PORT] [--token-file F]`: serve the store over HTTP, with
// Conductor's REST API and Weft's own endpoints (server/, docs/server.md), until SIGINT or
// SIGTERM, then shut down gracefully.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cli/cli_common.h"
#include "cli/interrupt.h"
#include "cli/nats_option.h"
#include "cli/worker_spec.h"
#include "server/http_server.h"

namespace weft::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string token_file;
  int concurrency = 0;
  std::string retention;
  std::string nats;  // --nats: the NATS server of `publish`
  std::string lease;  // empty: the engine's default (60s)
  std::string nats_ack_wait;  // empty: the engine's default (30s)
};

absl::Status ParseListen(const std::string& text, server::ServerOptions& options) {
  const size_t colon = text.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(colon + 1), &port) ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen must be HOST:PORT (e.g. 127.0.0.1:8080), not `", text, "`"));
  }
  options.host = text.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[' && options.host.back() == ']') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  if (options.host.empty()) options.host = "127.0.0.1";
  options.port = static_cast<uint16_t>(port);
  return absl::OkStatus();
}

// The served store's address, for the CLI's client mode and for scripts: STORE/serve.json.
std::string ServeFile(const GlobalOptions& global) {
  return (std::filesystem::path(global.store) / "serve.json").string();
}

int RunServe(const GlobalOptions& global, const ServeOptions& options) {
  server::ServerOptions server_options;
  if (absl::Status s = ParseListen(options.listen, server_options); !s.ok()) return Fail(s);
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadFile(options.token_file);
    if (!token.ok()) return Fail(token.status());
    server_options.token = std::string(absl::StripAsciiWhitespace(*token));
    if (server_options.token.empty()) return Fail("the token file " + options.token_file + " is empty");
  }
  absl::Duration retention;
  if (!options.retention.empty()) {
    absl::StatusOr<absl::Duration> age = ParseAge(options.retention, "--retention");
    if (!age.ok()) return Fail(age.status());
    retention = *age;
  }
  std::optional<absl::Duration> lease;
  if (!options.lease.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout(options.lease);
    if (!parsed.ok()) return Fail(parsed.status());
    lease = *parsed;
  }
  CatchInterrupts();
  EngineOptions engine_options;
  engine_options.path = global.store;
  engine_options.durability = global.nosync ? Durability::kNoSync : Durability::kSync;
  if (global.map_size_bytes != 0) engine_options.map_size_bytes = global.map_size_bytes;
  engine_options.worker_threads = options.concurrency;
  engine_options.retention = retention;
  engine_options.nats_url = options.nats;
  if (lease) engine_options.lease = *lease;
  if (!options.nats_ack_wait.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout(options.nats_ack_wait);
    if (!parsed.ok()) return Fail(parsed.status());
    engine_options.nats_ack_wait = *parsed;
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(engine_options);
  if (!engine.ok()) return Fail(engine.status());
  // The pool runs the system tasks (http, jq) and expires remote workers' leases.
  if (absl::Status s = (*engine)->StartWorkers(); !s.ok()) return Fail(s);
  absl::StatusOr<std::unique_ptr<server::Server>> server =
      server::Server::Create(**engine, server_options);
  if (!server.ok()) return Fail(server.status());
  const std::string host = server_options.host.find(':') != std::string::npos
                               ? absl::StrCat("[", server_options.host, "]")
                               : server_options.host;
  const std::string url = absl::StrCat("http://", host, ":", (*server)->port());
  if (absl::Status s = WriteFileAtomically(
          ServeFile(global),
          absl::StrCat("{\"url\":\"", url, "\",\"pid\":", getpid(), "}\n"));
      !s.ok()) {
    return Fail(s);
  }
  std::cerr << "weft serve: listening on " << url << " (store " << global.store << ")"
            << std::endl;
  (*server)->Start();
  SleepUntilInterrupted(absl::InfiniteFuture());
  std::cerr << "weft serve: shutting down" << std::endl;
  (*server)->Stop();  // stops accepting, answers what is in flight
  server->reset();
  std::error_code ignored;
  std::filesystem::remove(ServeFile(global), ignored);
  engine->reset();  // commits what is queued and closes the store
  return kExitOk;
}

}  // namespace

void RegisterServe(const CommandContext& context) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "serve", "Serve the store over HTTP: Conductor's REST API and Weft's own endpoints");
  cmd->footer(
      "Owns the store while it runs, as `weft work` does, and serves remote workers (poll and "
      "update over HTTP), starts, reads and controls executions, and deploys .wf source. "
      "docs/server.md lists every endpoint. It writes its URL to STORE/serve.json. SIGINT or "
      "SIGTERM stops it gracefully: it stops accepting, answers the requests in flight, "
      "commits and closes the store, then exits 0.");
  cmd->add_option("--nats-ack-wait", options->nats_ack_wait,
                  "how long JetStream waits for the ack of a message it handed to an event "
                  "handler before it sends it again (e.g. 10s; default 30s)");
  cmd->add_option("--listen", options->listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)");
  cmd->add_option("--token-file", options->token_file,
                  "a file holding a bearer token every request must carry");
  cmd->add_option("--concurrency", options->concurrency, kConcurrencyHelp)
      ->check(CLI::Range(1, kMaxConcurrency));
  cmd->add_option("--lease", options->lease,
                  "how long a polled task stays with its worker without a result or heartbeat "
                  "before it is handed out again (e.g. 30s; default 60s)");
  cmd->add_option("--retention", options->retention,
                  "delete finished executions that ended longer ago than this (e.g. 7d)");
  AddNatsOption(*cmd, options->nats);
  cmd->callback([&context, options] {
    context.exit_code = RunServe(context.global, *options);
  });
}

}  // namespace weft::cli
