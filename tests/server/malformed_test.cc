// Hundreds of malformed requests over raw sockets: truncated, bad methods and versions, huge
// headers, bodies over the limit, deep JSON, bad UTF-8, wrong types, bad escapes. Each gets a
// 4xx (or, when it never completes, a closed connection) and the server stays up.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

// Sends `bytes`, half-closes, and reads what comes back until the server closes (or 5 s of
// silence). Returns the HTTP status of the first response, or 0 for none.
int SendRaw(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (a limit was hit)
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string got;
  char buf[4096];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (got.rfind("HTTP/1.1 ", 0) != 0 || got.size() < 12) return 0;
  return std::stoi(got.substr(9, 3));
}

std::string Post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST_F(ServerTest, HundredsOfMalformedRequestsGet4xxAndTheServerStaysUp) {
  StopServer();
  server::ServerOptions options;
  options.limits.max_body_bytes = 64 * 1024;
  options.limits.max_header_bytes = 8 * 1024;
  StartServer(options);
  DeployWf("task a\nworkflow one(n: int) { return a(n: n) }\n");
  const uint16_t port = server_->port();
  std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage", "\x01\x02\x03\r\n\r\n"},
      {"bad method", "GE T / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"bad version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
      {"no target", "GET  HTTP/1.1\r\n\r\n"},
      {"huge header", "GET /health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"},
      {"huge body", Post("/api/workflow", std::string(100000, ' '))},
      {"bad content-length", "POST /api/workflow HTTP/1.1\r\nContent-Length: zz\r\n\r\n"},
      {"bad chunk", "POST /api/workflow HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
      {"deep json", Post("/api/workflow", std::string(10000, '[') + std::string(10000, ']'))},
      {"deep json in task result", Post("/api/tasks", "{\"a\":" + std::string(500, '[') +
                                                          std::string(500, ']') + "}")},
      {"bad utf-8", Post("/api/workflow", "{\"name\":\"\xff\xfe\"}")},
      {"bad utf-8 deploy", Post("/api/weft/deploy", "\xc0\xaf")},
      {"not json", Post("/api/workflow", "{name:")},
      {"empty body", Post("/api/workflow", "")},
      {"wrong type name", Post("/api/workflow", "{\"name\":[1]}")},
      {"wrong type input", Post("/api/workflow", "{\"name\":\"one\",\"input\":3}")},
      {"wrong type version", Post("/api/workflow", "{\"name\":\"one\",\"version\":\"x\"}")},
      {"result without id", Post("/api/tasks", "{\"status\":\"COMPLETED\"}")},
      {"result bad status", Post("/api/tasks", "{\"taskId\":\"t\",\"status\":\"DONE\"}")},
      {"result output list", Post("/api/tasks/update-v2",
                                  "{\"taskId\":\"t\",\"status\":\"COMPLETED\",\"outputData\":[]}")},
      {"bulk not a list", Post("/api/workflow/bulk/pause", "{}")},
      {"bad escape path", "GET /api/tasks/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"bad escape query",
       "GET /api/tasks/poll/batch/a?count=%g1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"count not a number",
       "GET /api/tasks/poll/batch/a?count=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"negative timeout",
       "GET /api/tasks/poll/batch/a?timeout=-5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"unknown method", "BREW /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"relative target", "GET health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"truncated body", "POST /api/workflow HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"na"},
      {"truncated headers", "GET /health HTTP/1.1\r\nHost: x"},
      {"bad search", "GET /api/workflow/search?query=DROP%20TABLE HTTP/1.1\r\nHost: x\r\n"
                     "Connection: close\r\n\r\n"},
      {"taskdefs not a list", Post("/api/metadata/taskdefs", "{\"name\":\"t\"}")},
      {"taskdef without name", Post("/api/metadata/taskdefs", "[{\"retryCount\":1}]")},
      {"taskdef wrong types", Post("/api/metadata/taskdefs", "[{\"name\":7,\"retryCount\":\"x\"}]")},
      {"taskdef not an object", Post("/api/metadata/taskdefs", "[1,null,[]]")},
      {"workflowdef not an object", Post("/api/metadata/workflow", "[]")},
      {"workflowdef no tasks", Post("/api/metadata/workflow", "{\"name\":\"w\"}")},
      {"workflowdef bad version", Post("/api/metadata/workflow", "{\"name\":\"w\",\"version\":-1,\"tasks\":[{}]}")},
      {"workflowdef tasks not objects", Post("/api/metadata/workflow", "{\"name\":\"w\",\"tasks\":[1,\"x\"]}")},
      {"workflowdef bad name", Post("/api/metadata/workflow", "{\"name\":\"a b\",\"tasks\":[{\"name\":\"t\",\"taskReferenceName\":\"r\"}]}")},
      {"workflowdefs not a list", Post("/api/metadata/workflow/validate", "\"x\"")},
      {"delete version not a number",
       "DELETE /api/metadata/workflow/w/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
  };
  int answered = 0;
  for (int round = 0; round < 10; ++round) {
    for (const auto& [name, bytes] : cases) {
      const int status = SendRaw(port, bytes);
      // Every response to a malformed request is a 4xx; a request that never completes
      // (truncated) is closed without one.
      if (status != 0) {
        EXPECT_GE(status, 400) << name;
        EXPECT_LT(status, 500) << name;
        ++answered;
      }
    }
  }
  EXPECT_GE(answered, 200);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // And it still does real work.
  auto started = client_->Post("/api/workflow", "{\"name\":\"one\",\"input\":{\"n\":1}}",
                               "application/json");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->status, 200) << started->body;
}

}  // namespace
}  // namespace weft::testing
