// A loopback HTTP server inside the test process, for the http task's tests. It listens on
// 127.0.0.1 on a port the kernel picks, so tests never collide on fixed ports; the socket is
// listening and the accept loop running before the constructor returns.
//
// Routes (any method unless noted):
//   /json                 {"hello":"world","n":1} as application/json
//   /echo                 JSON {method, content_type, body, x_token, expect} describing the
//                         request
//   /text                 "plain text" as text/plain
//   /not-json             "{oops" labelled application/json
//   /problem              a JSON object as application/problem+json; charset=utf-8
//   /headers              X-Custom-Thing: a, and X-Repeat twice (1 and 2)
//   /status/N             status N with body "status N"
//   /slow                 answers only when the server is destroyed (for timeouts)
//   /redirect             302 to /json;  /redirect-to?url=U: 302 to U
//   /redirect-loop        302 to itself
//   /big/N                N bytes with Content-Length;  /chunked/N: N bytes, chunked
#ifndef WEFT_TESTS_WORKERS_TEST_SERVER_H_
#define WEFT_TESTS_WORKERS_TEST_SERVER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace weft::testing {

class TestServer {
 public:
  TestServer();
  ~TestServer();  // releases /slow requests, stops the server, joins its thread
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path
  std::string Url(const std::string& path) const;

 private:
  void AddRoutes();
  void WaitUntilReleased();

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

// A TCP port on 127.0.0.1 that refuses connections: bound (so nobody else takes it while the
// test runs) but not listening.
class ClosedPort {
 public:
  ClosedPort();
  ~ClosedPort();
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_WORKERS_TEST_SERVER_H_
