// The http task end to end (workers/http_task.h), against a loopback server in this process.
#include "workers/http_task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/value/value_printer.h"
#include "tests/workers/test_server.h"

namespace weft::workers {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Value Json(const std::string& text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

// details.FIELD of a failure, or output.FIELD of a success.
Value Field(const Value& v, const char* name) {
  if (!v.is_object()) return Value::String("(not an object)");
  const Value* f = v.as_object().Find(name);
  return f != nullptr ? *f : Value::String("(absent)");
}

std::string Describe(const HttpOutcome& o) {
  return o.ok ? o.output.ToJson() : o.message + " " + o.details.ToJson();
}

class HttpTaskTest : public ::testing::Test {
 protected:
  // A proxy from the environment would take loopback requests away from the test server.
  static void SetUpTestSuite() {
    for (const char* var : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                            "all_proxy", "ALL_PROXY"}) {
      unsetenv(var);
    }
  }

  HttpOutcome Run(const std::string& input_json, const HttpTaskOptions& options = {}) {
    return RunHttpTask(Json(input_json), options);
  }
  // {"url": server URL of path, ...extra}
  std::string Input(const std::string& path, const std::string& extra = "") {
    return "{\"url\":\"" + server_.Url(path) + "\"" + (extra.empty() ? "" : "," + extra) + "}";
  }

  testing::TestServer server_;
};

TEST_F(HttpTaskTest, GetParsesJsonBody) {
  HttpOutcome o = Run(Input("/json"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "status"), Value::Int(200));
  EXPECT_EQ(Field(o.output, "body"), Json(R"({"hello":"world","n":1})"));
  EXPECT_EQ(Field(Field(o.output, "headers"), "content-type"), Value::String("application/json"));
}

TEST_F(HttpTaskTest, PostObjectBodyArrivesAsJson) {
  HttpOutcome o = Run(Input("/echo", R"("method":"POST","body":{"a":[1,"x"]})"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "body"),
            Json(R"({"method":"POST","content_type":"application/json",)"
                 R"("body":"{\"a\":[1,\"x\"]}","x_token":"","expect":""})"));
}

TEST_F(HttpTaskTest, PutObjectBodyKeepsMethod) {
  HttpOutcome o = Run(Input("/echo", R"("method":"PUT","body":[1])"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(Field(o.output, "body"), "method"), Value::String("PUT"));
  EXPECT_EQ(Field(Field(o.output, "body"), "body"), Value::String("[1]"));
}

TEST_F(HttpTaskTest, StringBodyIsSentRaw) {
  HttpOutcome o = Run(Input(
      "/echo", R"("method":"POST","body":"a=1&b=2","headers":{"Content-Type":"text/x-form"})"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(Field(o.output, "body"), "body"), Value::String("a=1&b=2"));
  EXPECT_EQ(Field(Field(o.output, "body"), "content_type"), Value::String("text/x-form"));
  // Without a content type from the author, none is sent (not libcurl's form default).
  o = Run(Input("/echo", R"("method":"POST","body":"{not json")"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(Field(o.output, "body"), "body"), Value::String("{not json"));
  EXPECT_EQ(Field(Field(o.output, "body"), "content_type"), Value::String(""));
}

// libcurl would otherwise send `Expect: 100-continue` and wait for servers that ignore it.
TEST_F(HttpTaskTest, LargeBodyIsSentWithoutExpectContinue) {
  std::string big(2 << 20, 'b');
  HttpOutcome o = Run(Input("/echo", "\"method\":\"POST\",\"body\":\"" + big + "\""));
  ASSERT_TRUE(o.ok) << o.message;
  EXPECT_EQ(Field(Field(o.output, "body"), "body"), Value::String(big));
  EXPECT_EQ(Field(Field(o.output, "body"), "expect"), Value::String(""));
}

TEST_F(HttpTaskTest, CustomHeadersArrive) {
  HttpOutcome o = Run(Input("/echo", R"("headers":{"X-Token":"s3cret"})"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(Field(o.output, "body"), "x_token"), Value::String("s3cret"));
  EXPECT_EQ(Field(Field(o.output, "body"), "method"), Value::String("GET"));
}

TEST_F(HttpTaskTest, ResponseHeadersAreLowerCasedAndJoined) {
  HttpOutcome o = Run(Input("/headers"));
  ASSERT_TRUE(o.ok) << Describe(o);
  Value headers = Field(o.output, "headers");
  EXPECT_EQ(Field(headers, "x-custom-thing"), Value::String("a"));
  EXPECT_EQ(Field(headers, "x-repeat"), Value::String("1, 2"));
  EXPECT_EQ(Field(headers, "X-Custom-Thing"), Value::String("(absent)"));
}

TEST_F(HttpTaskTest, NonJsonBodyStaysAString) {
  HttpOutcome o = Run(Input("/text"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "body"), Value::String("plain text"));
  o = Run(Input("/not-json"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "body"), Value::String("{oops"));
}

TEST_F(HttpTaskTest, PlusJsonBodyIsParsed) {
  HttpOutcome o = Run(Input("/problem"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "body"), Json(R"({"title":"x"})"));
}

TEST_F(HttpTaskTest, HeadHasNoBody) {
  HttpOutcome o = Run(Input("/json", R"("method":"HEAD")"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "status"), Value::Int(200));
  EXPECT_EQ(Field(o.output, "body"), Value::String(""));
}

TEST_F(HttpTaskTest, NotFoundFailsWithoutRetry) {
  HttpOutcome o = Run(Input("/status/404"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.message, "HTTP 404 Not Found from GET " + server_.Url("/status/404"));
  EXPECT_EQ(Field(o.details, "error"), Value::String("status"));
  EXPECT_EQ(Field(o.details, "url"), Value::String(server_.Url("/status/404")));
  EXPECT_EQ(Field(o.details, "status"), Value::Int(404));
  EXPECT_EQ(Field(o.details, "body"), Value::String("status 404"));
  EXPECT_EQ(Field(Field(o.details, "headers"), "content-type"), Value::String("text/plain"));
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, CredentialsStayOutOfErrors) {
  std::string url = "http://user:s3cret@127.0.0.1:" + std::to_string(server_.port()) + "/status/401";
  HttpOutcome o = RunHttpTask(Json("{\"url\":\"" + url + "\"}"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "status"), Value::Int(401));
  EXPECT_THAT(Describe(o), ::testing::Not(HasSubstr("s3cret")));
  EXPECT_EQ(Field(o.details, "url"), Value::String(server_.Url("/status/401")));
}

TEST_F(HttpTaskTest, ServiceUnavailableIsRetryable) {
  HttpOutcome o = Run(Input("/status/503", R"("method":"DELETE")"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.message, "HTTP 503 Service Unavailable from DELETE " + server_.Url("/status/503"));
  EXPECT_EQ(Field(o.details, "status"), Value::Int(503));
  EXPECT_TRUE(o.retryable);
  EXPECT_TRUE(Run(Input("/status/429")).retryable);
  EXPECT_TRUE(Run(Input("/status/408")).retryable);
  EXPECT_FALSE(Run(Input("/status/400")).retryable);
}

TEST_F(HttpTaskTest, TimeoutFailsQuickly) {
  auto start = std::chrono::steady_clock::now();
  HttpOutcome o = Run(Input("/slow", R"("timeout":200)"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("timeout"));
  EXPECT_EQ(Field(o.details, "url"), Value::String(server_.Url("/slow")));
  EXPECT_EQ(Field(o.details, "status"), Value::Null());
  EXPECT_THAT(o.message, HasSubstr("Timeout was reached"));
  EXPECT_TRUE(o.retryable);
  EXPECT_GE(elapsed, std::chrono::milliseconds(190));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(HttpTaskTest, ConnectionRefused) {
  testing::ClosedPort closed;
  std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  HttpOutcome o = RunHttpTask(Json("{\"url\":\"" + url + "\"}"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.details, Value::MakeObject(Object({{"error", Value::String("connect")},
                                                  {"url", Value::String(url)},
                                                  {"status", Value::Null()}})));
  EXPECT_THAT(o.message, StartsWith("GET " + url + " failed: Couldn't connect to server"));
  EXPECT_TRUE(o.retryable);
}

TEST_F(HttpTaskTest, RedirectIsFollowed) {
  HttpOutcome o = Run(Input("/redirect"));
  ASSERT_TRUE(o.ok) << Describe(o);
  EXPECT_EQ(Field(o.output, "status"), Value::Int(200));
  EXPECT_EQ(Field(o.output, "body"), Json(R"({"hello":"world","n":1})"));
  EXPECT_EQ(Field(Field(o.output, "headers"), "location"), Value::String("(absent)"));
}

TEST_F(HttpTaskTest, RedirectNotFollowedWhenDisabled) {
  HttpOutcome o = Run(Input("/redirect", R"("follow_redirects":false)"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "status"), Value::Int(302));
  EXPECT_EQ(Field(Field(o.details, "headers"), "location"), Value::String("/json"));
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, RedirectToFileIsRefused) {
  HttpOutcome o = Run(Input("/redirect-to?url=file:///etc/passwd"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("protocol"));
  EXPECT_FALSE(o.retryable);
  EXPECT_THAT(Describe(o), ::testing::Not(HasSubstr("root:")));
}

// libcurl's own default would follow a redirect to FTP (it would then fail to connect here).
TEST_F(HttpTaskTest, RedirectToFtpIsRefused) {
  testing::ClosedPort closed;
  HttpOutcome o = Run(
      Input("/redirect-to?url=ftp://127.0.0.1:" + std::to_string(closed.port()) + "/x"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("protocol")) << o.message;
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, RedirectLoopStops) {
  HttpOutcome o = Run(Input("/redirect-loop"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("too_many_redirects"));
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, FileUrlRejected) {
  HttpOutcome o = Run(R"({"url":"file:///etc/passwd"})");
  ASSERT_FALSE(o.ok);
  EXPECT_THAT(o.message, HasSubstr("`url` must be http:// or https://, not file://"));
  EXPECT_EQ(o.details, Json(R"({"error":"input","url":null,"status":null})"));
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, MissingUrlRejected) {
  HttpOutcome o = Run(R"({"method":"GET"})");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.message, "http task: missing `url`");
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, OversizedResponseRejected) {
  // Content-Length announces 1 byte more than the default cap of 10 MiB.
  HttpOutcome o = Run(Input("/big/" + std::to_string(kDefaultMaxResponseBytes + 1)));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("too_large"));
  EXPECT_THAT(o.message, HasSubstr("is larger than 10485760 bytes"));
  EXPECT_FALSE(o.retryable);
}

TEST_F(HttpTaskTest, OversizedChunkedResponseRejected) {
  HttpTaskOptions options;
  options.max_response_bytes = 10000;
  HttpOutcome o = Run(Input("/chunked/10001"), options);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(Field(o.details, "error"), Value::String("too_large"));
  o = Run(Input("/chunked/10000"), options);
  ASSERT_TRUE(o.ok) << o.message;
  EXPECT_EQ(Field(o.output, "body"), Value::String(std::string(10000, 'y')));
}

TEST_F(HttpTaskTest, ConcurrentCalls) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) ok[t] += RunHttpTask(Json(Input("/json"))).ok ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, std::vector<int>(4, 5));
}

}  // namespace
}  // namespace weft::workers
