// `weft serve`'s HTTP/1.1 server, on Boost.Beast and Asio: one listener, one session object
// per connection (read -> route -> handle -> write, kept alive), timeouts on every socket
// operation and size limits set on the parser before it reads (server/limits.h).
//
// Threading: one I/O thread runs every socket, the router, and the kInline handlers (polls,
// task results: they never block; a long poll is a waiter with a timer, see service.h). A
// small pool runs the kBlocking handlers (a start waits for its commit, a search reads the
// store); their replies are posted back to the I/O thread. The engine's own writer thread
// commits what both hand it, so many remote workers' results share one fsync.
//
// Shutdown (Stop, or SIGINT/SIGTERM in `weft serve`): the listener closes, waiting polls are
// answered empty, requests in flight are answered, idle connections are closed; then Run
// returns and the caller closes the engine, which commits what is queued.
#ifndef WEFT_SERVER_HTTP_SERVER_H_
#define WEFT_SERVER_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/limits.h"
#include "weft/engine.h"

namespace weft::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port)
  // When not empty, every request but GET /health and GETs of the web UI's files (IsUiPath in
  // routes.h) must carry `Authorization: Bearer TOKEN` (or Conductor's `X-Authorization:
  // TOKEN`); others get 401.
  std::string token;
  ServerLimits limits = kDefaultServerLimits;
  int blocking_threads = 8;
};

class Server {
 public:
  // Binds and listens; serves nothing until Run or Start. REQUIRES: `engine` outlives it.
  static absl::StatusOr<std::unique_ptr<Server>> Create(Engine& engine,
                                                        const ServerOptions& options);
  virtual ~Server() = default;  // stops (as Stop) if still running
  // The port listened on (the one chosen when options.port was 0).
  virtual uint16_t port() const = 0;
  // Serves on the calling thread until Stop has drained everything.
  virtual void Run() = 0;
  // Serves on a thread of its own (tests).
  virtual void Start() = 0;
  // Begins the graceful shutdown; safe from any thread and from a signal-watching thread.
  // With Start, also waits for the serving thread.
  virtual void Stop() = 0;
};

}  // namespace weft::server

#endif  // WEFT_SERVER_HTTP_SERVER_H_
