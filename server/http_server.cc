// See http_server.h. The session follows Beast's http_server_async example: async_read with a
// request_parser whose limits are set first, then the route's handler, then async_write.
#include "server/http_server.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/router.h"
#include "server/routes.h"
#include "server/service.h"

namespace weft::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class ServerImpl;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerImpl& server);
  ~Session();
  void Begin() { Read(); }
  // Closes the connection if it is waiting for a request (shutdown).
  void CloseIfIdle();

 private:
  void Read();
  void OnRead(beast::error_code ec);
  void Handle();
  void Write(Response response, bool keep_alive);
  void Close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerImpl& server_;
  bool reading_ = false;
  bool closed_ = false;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(Engine& engine, const ServerOptions& options)
      : options_(options),
        acceptor_(io_),
        blocking_(options.blocking_threads),
        service_(engine, io_, blocking_, options.limits),
        context_{service_, options.limits},
        guard_(asio::make_work_guard(io_)) {
    AddUiRoutes(router_);
    AddMetadataRoutes(router_, context_);
    AddOpsRoutes(router_, context_);
    AddTaskRoutes(router_, context_);
    AddWorkflowRoutes(router_, context_);
    AddWeftRoutes(router_, context_);
    AddAliasRoutes(router_, context_);
    AddVersionRoutes(router_, context_);
    AddMigrateRoutes(router_, context_);
    AddSchedulerRoutes(router_, context_);
    AddEventRoutes(router_, context_);
    AddGraphRoutes(router_, context_);
  }
  ~ServerImpl() override {
    Stop();
    if (!ran_) {
      // Never served: nothing in flight.
      guard_.reset();
    }
    blocking_.join();
  }

  absl::Status Listen() {
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen address `", options_.host, "`"));
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":",
                                                 options_.port, ": ", ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    return absl::OkStatus();
  }

  uint16_t port() const override { return port_; }

  void Run() override {
    ran_ = true;
    Accept();
    io_.run();
  }

  void Start() override {
    ran_ = true;
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  void Stop() override {
    if (stop_requested_.exchange(true)) {
      if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
      return;
    }
    asio::post(io_, [this] {
      stopping_ = true;
      beast::error_code ec;
      acceptor_.close(ec);
      service_.Drain();
      MaybeFinish();
    });
    if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
  }

  // --- for sessions -----------------------------------------------------------------------
  const ServerOptions& options() const { return options_; }
  Router& router() { return router_; }
  asio::io_context& io() { return io_; }
  asio::thread_pool& blocking() { return blocking_; }
  bool stopping() const { return stopping_; }
  void Register(Session* s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.insert(s);
  }
  void Unregister(Session* s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(s);
  }
  size_t session_count() {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    return sessions_.size();
  }
  void RequestBegan() { ++in_flight_; }
  void RequestEnded() {
    --in_flight_;
    MaybeFinish();
  }

 private:
  void Accept() {
    acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (!stopping_ && acceptor_.is_open()) Accept();
        return;
      }
      if (session_count() >= options_.limits.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        // Small responses go out at once: with Nagle's algorithm a keep-alive client that
        // waits for each answer stalls on the peer's delayed ACK (40 ms a request).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), *this)->Begin();
      }
      Accept();
    });
  }

  // On the I/O thread: once stopping and nothing is in flight, close idle connections and
  // let io_.run() return.
  void MaybeFinish() {
    if (!stopping_ || in_flight_ > 0 || finished_) return;
    finished_ = true;
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (Session* s : sessions_) {
        if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
      }
    }
    for (auto& s : live) s->CloseIfIdle();
    guard_.reset();
  }

  const ServerOptions options_;
  // Before io_: sessions destroyed with io_'s pending handlers unregister themselves here.
  std::mutex sessions_mu_;
  absl::flat_hash_set<Session*> sessions_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  asio::thread_pool blocking_;
  Service service_;
  RouteContext context_;
  Router router_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  bool ran_ = false;
  bool stopping_ = false;  // I/O thread only
  bool finished_ = false;
  int64_t in_flight_ = 0;  // I/O thread only
};

Session::Session(tcp::socket socket, ServerImpl& server)
    : stream_(std::move(socket)), server_(server) {
  server_.Register(this);
}

Session::~Session() { server_.Unregister(this); }

void Session::Read() {
  if (server_.stopping()) return Close();
  parser_.emplace();
  parser_->body_limit(server_.options().limits.max_body_bytes);
  parser_->header_limit(static_cast<uint32_t>(server_.options().limits.max_header_bytes));
  stream_.expires_after(std::chrono::milliseconds(server_.options().limits.idle_timeout_ms));
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->reading_ = false;
                     self->OnRead(ec);
                   });
}

void Session::CloseIfIdle() {
  if (reading_) Close();
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

void Session::OnRead(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == asio::error::eof || closed_) {
    return Close();
  }
  if (ec) {
    // A malformed request: answer it, then close (the stream cannot be trusted to resync).
    server_.RequestBegan();
    if (ec == http::error::body_limit) {
      return Write(Response::Error(413, "the request body is too large"), false);
    }
    if (ec == http::error::header_limit) {
      return Write(Response::Error(431, "the request headers are too large"), false);
    }
    return Write(Response::Error(400, absl::StrCat("malformed HTTP request: ", ec.message())),
                 false);
  }
  server_.RequestBegan();
  Handle();
}

bool TokenMatches(std::string_view given, std::string_view token) {
  if (given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= given[i] ^ token[i];
  return diff == 0;
}

void Session::Handle() {
  http::request<http::string_body> raw = parser_->release();
  const bool keep_alive = raw.keep_alive();
  auto request = std::make_shared<Request>();
  request->method = std::string(raw.method_string());
  request->target = std::string(raw.target());
  std::string_view target = request->target;
  const size_t q = target.find('?');
  std::optional<std::string> path = PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (!path || path->empty() || path->front() != '/') {
    return Write(Response::Error(400, "malformed request target"), false);
  }
  request->path = std::move(*path);
  if (q != std::string_view::npos && !ParseQuery(target.substr(q + 1), request->query)) {
    return Write(Response::Error(400, "malformed query string"), keep_alive);
  }
  if (!server_.options().token.empty() && request->path != "/health" &&
      !(request->method == "GET" && IsUiPath(request->path))) {
    std::string_view auth;
    if (auto it = raw.find(http::field::authorization); it != raw.end()) {
      auth = std::string_view(it->value().data(), it->value().size());
      if (auth.substr(0, 7) == "Bearer ") auth.remove_prefix(7);
    } else if (auto x = raw.find("X-Authorization"); x != raw.end()) {
      auth = std::string_view(x->value().data(), x->value().size());
    }
    if (!TokenMatches(auth, server_.options().token)) {
      Response r = Response::Error(401, "a valid bearer token is required");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return Write(std::move(r), keep_alive);
    }
  }
  if (auto ct = raw.find(http::field::content_type); ct != raw.end()) {
    request->content_type = std::string(ct->value());
  }
  if (auto inm = raw.find(http::field::if_none_match); inm != raw.end()) {
    request->if_none_match = std::string(inm->value());
  }
  request->body = std::move(raw.body());
  int status = 0;
  const Route* route = server_.router().Match(*request, status);
  if (route == nullptr) {
    return Write(Response::Error(status, status == 405
                                             ? absl::StrCat("method ", request->method,
                                                            " is not allowed on ", request->path)
                                             : absl::StrCat("no endpoint ", request->path)),
                 keep_alive);
  }
  // The reply may come from any thread; the write always happens on the I/O thread.
  auto replied = std::make_shared<std::atomic<bool>>(false);
  Reply reply = [self = shared_from_this(), keep_alive, replied](Response response) {
    if (replied->exchange(true)) return;  // exactly once
    asio::post(self->server_.io(), [self, keep_alive, response = std::move(response)]() mutable {
      self->Write(std::move(response), keep_alive);
    });
  };
  const Handler& handler = route->handler;
  if (route->run_on == RunOn::kInline) {
    handler(*request, std::move(reply));
  } else {
    asio::post(server_.blocking(), [&handler, request, reply = std::move(reply)]() mutable {
      handler(*request, std::move(reply));
    });
  }
}

void Session::Write(Response response, bool keep_alive) {
  if (closed_) {
    server_.RequestEnded();
    return;
  }
  keep_alive = keep_alive && !server_.stopping();
  auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), 11);
  res->set(http::field::server, "weft");
  if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) res->set(name, value);
  res->keep_alive(keep_alive);
  res->body() = std::move(response.body);
  res->prepare_payload();
  stream_.expires_after(std::chrono::milliseconds(server_.options().limits.read_timeout_ms));
  http::async_write(stream_, *res,
                    [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                      self->server_.RequestEnded();
                      if (ec || !keep_alive) return self->Close();
                      self->Read();
                    });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Create(Engine& engine,
                                                       const ServerOptions& options) {
  auto server = std::make_unique<ServerImpl>(engine, options);
  if (absl::Status s = server->Listen(); !s.ok()) return s;
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace weft::server
