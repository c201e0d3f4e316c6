// The http task's input checks (workers/http_request.h): no network involved.
#include "workers/http_request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/strings.h"

namespace weft::workers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Value Json(const char* text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

std::string ErrorOf(const char* input) {
  absl::StatusOr<HttpRequest> r = ParseHttpRequest(Json(input));
  EXPECT_FALSE(r.ok()) << input;
  return r.ok() ? "" : std::string(ToStd(r.status().message()));
}

TEST(HttpRequest, Defaults) {
  absl::StatusOr<HttpRequest> r = ParseHttpRequest(Json(R"({"url":"http://example.com/a"})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->url, "http://example.com/a");
  EXPECT_EQ(r->timeout_ms, 30000);
  EXPECT_TRUE(r->follow_redirects);
  EXPECT_FALSE(r->body.has_value());
  EXPECT_TRUE(r->headers.empty());
}

TEST(HttpRequest, MethodIsUpperCased) {
  absl::StatusOr<HttpRequest> r =
      ParseHttpRequest(Json(R"({"url":"https://example.com","method":"post"})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "POST");
}

TEST(HttpRequest, ObjectBodyBecomesJsonWithContentType) {
  absl::StatusOr<HttpRequest> r =
      ParseHttpRequest(Json(R"({"url":"http://h","method":"POST","body":{"a":[1,2]}})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, R"({"a":[1,2]})");
  EXPECT_THAT(r->headers, ElementsAre(Pair("Content-Type", "application/json")));
}

TEST(HttpRequest, AuthorsContentTypeWins) {
  absl::StatusOr<HttpRequest> r = ParseHttpRequest(Json(
      R"({"url":"http://h","method":"POST","headers":{"content-TYPE":"text/x"},"body":[1]})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "[1]");
  EXPECT_THAT(r->headers, ElementsAre(Pair("content-TYPE", "text/x")));
}

TEST(HttpRequest, StringBodyIsSentAsIs) {
  absl::StatusOr<HttpRequest> r =
      ParseHttpRequest(Json(R"({"url":"http://h","method":"PUT","body":"a=1&b=2"})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "a=1&b=2");
  EXPECT_TRUE(r->headers.empty());
}

TEST(HttpRequest, OptionsAreRead) {
  absl::StatusOr<HttpRequest> r = ParseHttpRequest(
      Json(R"({"url":"http://h","timeout":250,"follow_redirects":false})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->timeout_ms, 250);
  EXPECT_FALSE(r->follow_redirects);
}

TEST(HttpRequest, RejectsMistakes) {
  EXPECT_THAT(ErrorOf(R"("http://h")"), HasSubstr("input must be an object, not string"));
  EXPECT_THAT(ErrorOf(R"({})"), HasSubstr("missing `url`"));
  EXPECT_THAT(ErrorOf(R"({"url":5})"), HasSubstr("`url` must be a string, not int"));
  EXPECT_THAT(ErrorOf(R"({"url":"file:///etc/passwd"})"),
              HasSubstr("`url` must be http:// or https://, not file://"));
  EXPECT_THAT(ErrorOf(R"({"url":"ftp://h/x"})"), HasSubstr("not ftp://"));
  EXPECT_THAT(ErrorOf(R"({"url":"example.com/x"})"), HasSubstr("`url` is not a valid URL"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","method":"BREW"})"),
              HasSubstr("unsupported `method` \"BREW\""));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","method":1})"), HasSubstr("`method` must be a string"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","headers":{"X-A":1}})"),
              HasSubstr("header `X-A` must be a string, not int"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","headers":["X-A"]})"),
              HasSubstr("`headers` must be an object, not list"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","headers":{"X-A\r\nEvil":"1"}})"),
              HasSubstr("invalid header name"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","headers":{"X-A":"1\r\nEvil: 2"}})"),
              HasSubstr("line break"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","timeout":0})"), HasSubstr("positive int"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","timeout":1.5})"), HasSubstr("positive int"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","follow_redirects":"yes"})"),
              HasSubstr("`follow_redirects` must be a bool"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","method":"HEAD","body":"x"})"),
              HasSubstr("HEAD request cannot have a `body`"));
  EXPECT_THAT(ErrorOf(R"({"url":"http://h","header":{}})"),
              HasSubstr("unknown input field `header`"));
}

TEST(HttpRequest, RedactsCredentials) {
  EXPECT_EQ(RedactUrl("https://user:secret@example.com/p?q=1"), "https://example.com/p?q=1");
  EXPECT_EQ(RedactUrl("http://Example.com:8080/a"), "http://Example.com:8080/a");
  absl::StatusOr<HttpRequest> r = ParseHttpRequest(Json(R"({"url":"http://u:pw@h/x"})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->url, "http://u:pw@h/x");
  EXPECT_EQ(r->display_url, "http://h/x");
}

}  // namespace
}  // namespace weft::workers
