// The route table: literal segments beat captures, 404 vs 405, and query/path decoding.
#include <gtest/gtest.h>

#include "server/request.h"
#include "server/router.h"

namespace weft::server {
namespace {

Handler Named(std::string* hit, std::string name) {
  return [hit, name](Request&, Reply) { *hit = name; };
}

TEST(RouterTest, LiteralSegmentsBeatCapturesWhateverTheOrder) {
  Router router;
  std::string hit;
  router.Add({"GET", "/api/tasks/{taskId}", RunOn::kInline, Named(&hit, "task")});
  router.Add({"GET", "/api/tasks/queue/all", RunOn::kInline, Named(&hit, "all")});
  router.Add({"GET", "/api/tasks/{taskId}/log", RunOn::kInline, Named(&hit, "log")});
  int status = 0;
  Request r;
  r.method = "GET";
  r.path = "/api/tasks/queue/all";
  ASSERT_NE(router.Match(r, status), nullptr);
  router.Match(r, status)->handler(r, nullptr);
  EXPECT_EQ(hit, "all");
  Request t;
  t.method = "GET";
  t.path = "/api/tasks/abc";
  const Route* route = router.Match(t, status);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(t.Param("taskId"), "abc");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  Router router;
  router.Add({"GET", "/health", RunOn::kInline, [](Request&, Reply) {}});
  int status = 0;
  Request r;
  r.method = "DELETE";
  r.path = "/health";
  EXPECT_EQ(router.Match(r, status), nullptr);
  EXPECT_EQ(status, 405);
  r.path = "/nowhere";
  EXPECT_EQ(router.Match(r, status), nullptr);
  EXPECT_EQ(status, 404);
}

TEST(RequestTest, QueryDecodingRejectsBadEscapesAndBadUtf8) {
  std::vector<std::pair<std::string, std::string>> q;
  EXPECT_TRUE(ParseQuery("a=1&b=x%20y+z", q));
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].second, "x y z");
  q.clear();
  EXPECT_FALSE(ParseQuery("a=%zz", q));
  EXPECT_FALSE(ParseQuery("a=%", q));
  EXPECT_FALSE(ParseQuery("a=%ff%fe", q));  // not UTF-8
  EXPECT_TRUE(IsValidUtf8("h\xc3\xa9llo"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // a surrogate
}

}  // namespace
}  // namespace weft::server
