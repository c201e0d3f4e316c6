// Response headers and bodies as Values (workers/http_response.h): no network involved.
#include "workers/http_response.h"

#include <gtest/gtest.h>

#include "tests/value/value_printer.h"

namespace weft::workers {
namespace {

Value Json(const char* text) { return *Value::FromJson(text); }

TEST(ResponseHeaders, LowerCasesNamesAndJoinsRepeats) {
  ResponseHeaders h;
  h.AddLine("HTTP/1.1 200 OK\r\n");
  h.AddLine("Content-Type: text/plain\r\n");
  h.AddLine("Set-Cookie: a=1\r\n");
  h.AddLine("SET-COOKIE:b=2\r\n");
  h.AddLine("\r\n");
  EXPECT_EQ(h.reason(), "OK");
  EXPECT_EQ(h.ToValue(), Json(R"({"content-type":"text/plain","set-cookie":"a=1, b=2"})"));
  EXPECT_EQ(h.Get("content-type"), "text/plain");
  EXPECT_EQ(h.Get("absent"), "");
}

TEST(ResponseHeaders, KeepsOnlyTheFinalResponse) {
  ResponseHeaders h;
  h.AddLine("HTTP/1.1 302 Found\r\n");
  h.AddLine("Location: /next\r\n");
  h.AddLine("\r\n");
  h.AddLine("HTTP/2 404\r\n");
  h.AddLine("X-A: 1\r\n");
  h.AddLine(" continued\r\n");
  EXPECT_EQ(h.reason(), "");
  EXPECT_EQ(h.ToValue(), Json(R"({"x-a":"1 continued"})"));
}

TEST(ResponseBody, JsonContentTypes) {
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(IsJsonContentType("application/problem+json"));
  EXPECT_TRUE(IsJsonContentType("application/vnd.api+json;v=2"));
  EXPECT_FALSE(IsJsonContentType("text/plain"));
  EXPECT_FALSE(IsJsonContentType("application/jsonx"));
  EXPECT_FALSE(IsJsonContentType("+json"));
  EXPECT_FALSE(IsJsonContentType(""));
}

TEST(ResponseBody, ParsedOnlyWhenJson) {
  EXPECT_EQ(DecodeBody(R"({"a":1})", "application/json"), Json(R"({"a":1})"));
  EXPECT_EQ(DecodeBody(R"({"a":1})", "text/plain"), Value::String(R"({"a":1})"));
  EXPECT_EQ(DecodeBody("{oops", "application/json"), Value::String("{oops"));
  EXPECT_EQ(DecodeBody("", "application/json"), Value::String(""));
}

TEST(ResponseStatus, Retryable) {
  EXPECT_TRUE(IsRetryableStatus(408));
  EXPECT_TRUE(IsRetryableStatus(429));
  EXPECT_TRUE(IsRetryableStatus(500));
  EXPECT_TRUE(IsRetryableStatus(503));
  EXPECT_FALSE(IsRetryableStatus(400));
  EXPECT_FALSE(IsRetryableStatus(404));
  EXPECT_FALSE(IsRetryableStatus(302));
}

}  // namespace
}  // namespace weft::workers
