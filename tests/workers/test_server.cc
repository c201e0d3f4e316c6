// The loopback server of the http task's tests (test_server.h).
#include "tests/workers/test_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "common/check.h"
#include "weft/value.h"

namespace weft::testing {
namespace {

using Handler = httplib::Server::Handler;

void Json(httplib::Response& res, const Value& v, const char* type = "application/json") {
  res.set_content(v.ToJson(), type);
}

void Echo(const httplib::Request& req, httplib::Response& res) {
  Object o;
  o.Set("method", Value::String(req.method));
  o.Set("content_type", Value::String(req.get_header_value("Content-Type")));
  o.Set("body", Value::String(req.body));
  o.Set("x_token", Value::String(req.get_header_value("X-Token")));
  o.Set("expect", Value::String(req.get_header_value("Expect")));
  Json(res, Value::MakeObject(std::move(o)));
}

void Redirect(httplib::Response& res, const std::string& location) {
  res.status = 302;
  res.set_header("Location", location);
}

size_t SizeParam(const httplib::Request& req) { return std::stoul(req.matches[1].str()); }

}  // namespace

TestServer::TestServer() : server_(std::make_unique<httplib::Server>()) {
  server_->set_payload_max_length(size_t{16} << 20);
  AddRoutes();
  port_ = server_->bind_to_any_port("127.0.0.1");
  WEFT_CHECK(port_ > 0);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(), and its stop() does nothing until the accept
  // loop has started, so a test that never calls the server would hang in the destructor.
  // Connections would already queue on the bound socket; this waits only for stop() to work.
  while (!server_->is_running()) std::this_thread::yield();
}

TestServer::~TestServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
  }
  released_cv_.notify_all();
  server_->stop();
  thread_.join();
}

std::string TestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void TestServer::WaitUntilReleased() {
  std::unique_lock<std::mutex> lock(mu_);
  released_cv_.wait_for(lock, std::chrono::seconds(60), [this] { return released_; });
}

void TestServer::AddRoutes() {
  auto any = [this](const char* pattern, Handler h) {
    server_->Get(pattern, h);
    server_->Post(pattern, h);
    server_->Put(pattern, h);
    server_->Patch(pattern, h);
    server_->Delete(pattern, h);
  };
  any("/json", [](const auto&, auto& res) {
    Json(res, *Value::FromJson(R"({"hello":"world","n":1})"));
  });
  any("/echo", Echo);
  any("/text", [](const auto&, auto& res) { res.set_content("plain text", "text/plain"); });
  any("/not-json", [](const auto&, auto& res) { res.set_content("{oops", "application/json"); });
  any("/problem", [](const auto&, auto& res) {
    Json(res, *Value::FromJson(R"({"title":"x"})"), "application/problem+json; charset=utf-8");
  });
  any("/headers", [](const auto&, auto& res) {
    res.set_header("X-Custom-Thing", "a");
    res.set_header("X-Repeat", "1");
    res.set_header("X-Repeat", "2");
    res.set_content("ok", "text/plain");
  });
  any(R"(/status/(\d+))", [](const auto& req, auto& res) {
    res.status = static_cast<int>(SizeParam(req));
    res.set_content("status " + req.matches[1].str(), "text/plain");
  });
  any("/slow", [this](const auto&, auto& res) {
    WaitUntilReleased();
    res.set_content("late", "text/plain");
  });
  any("/redirect", [](const auto&, auto& res) { Redirect(res, "/json"); });
  any("/redirect-to", [](const auto& req, auto& res) { Redirect(res, req.get_param_value("url")); });
  any("/redirect-loop", [](const auto&, auto& res) { Redirect(res, "/redirect-loop"); });
  any(R"(/big/(\d+))", [](const auto& req, auto& res) {
    res.set_content(std::string(SizeParam(req), 'x'), "text/plain");
  });
  any(R"(/chunked/(\d+))", [](const auto& req, auto& res) {
    size_t total = SizeParam(req);
    res.set_chunked_content_provider("text/plain", [total](size_t offset, httplib::DataSink& sink) {
      if (offset >= total) {
        sink.done();
        return true;
      }
      std::string chunk(std::min<size_t>(total - offset, 4096), 'y');
      return sink.write(chunk.data(), chunk.size());
    });
  });
}

ClosedPort::ClosedPort() {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  WEFT_CHECK(fd_ >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  WEFT_CHECK(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  WEFT_CHECK(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port_ = ntohs(addr.sin_port);
}

ClosedPort::~ClosedPort() { close(fd_); }

}  // namespace weft::testing
