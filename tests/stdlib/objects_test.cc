// The object builtins of objects.cc.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using ObjectsTest = BuiltinFixture;

TEST_F(ObjectsTest, MergeIsShallowAndKeepsOrder) {
  EXPECT_EQ(CallJ("merge", {R"({"b":1,"a":{"x":1}})", R"({"c":3,"a":{"y":2}})"}),
            R"({"b":1,"a":{"y":2},"c":3})");
  EXPECT_EQ(CallJ("merge", {"{}", R"({"a":1})"}), R"({"a":1})");
  EXPECT_EQ(CallJ("merge", {R"({"a":1})", "{}"}), R"({"a":1})");
  EXPECT_EQ(CallJ("merge", {R"({"a":1})", R"({"a":null})"}), R"({"a":null})");
  EXPECT_EQ(Error("merge", {"[]", "{}"}), "merge() expects an object, got list");
  EXPECT_EQ(Error("merge", {"{}", "null"}), "merge() expects an object to merge in, got null");
}

TEST_F(ObjectsTest, MergeOfLargeObjects) {
  // Past the object's linear de-duplication limit: still b wins, a's order first.
  std::string a = "{", b = "{";
  for (int i = 0; i < 40; ++i) {
    a += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":" + std::to_string(i));
    b += (i ? "," : "") + ("\"k" + std::to_string(i + 20) + "\":-1");
  }
  a += "}";
  b += "}";
  auto r = Call("merge", {J(a), J(b)});
  ASSERT_TRUE(r.ok());
  const Object& o = r->as_object();
  ASSERT_EQ(o.size(), 60u);
  EXPECT_EQ(o.entries()[0].first, "k0");
  EXPECT_EQ(o.entries()[19].second.as_int(), 19);
  EXPECT_EQ(o.entries()[20].second.as_int(), -1);
  EXPECT_EQ(o.entries()[59].first, "k59");
}

TEST_F(ObjectsTest, PickAndOmitKeys) {
  const char* obj = R"({"id":1,"name":"n","secret":"s"})";
  EXPECT_EQ(CallJ("pick_keys", {obj, R"(["secret","id","missing"])"}), R"({"id":1,"secret":"s"})");
  EXPECT_EQ(CallJ("omit_keys", {obj, R"(["secret","missing"])"}), R"({"id":1,"name":"n"})");
  EXPECT_EQ(CallJ("pick_keys", {obj, "[]"}), "{}");
  EXPECT_EQ(CallJ("omit_keys", {obj, "[]"}), obj);
  EXPECT_EQ(Error("pick_keys", {"[]", "[]"}), "pick_keys() expects an object, got list");
  EXPECT_EQ(Error("omit_keys", {"{}", R"("a")"}), "omit_keys() expects a list of string keys, got string");
  EXPECT_EQ(Error("pick_keys", {"{}", "[1]"}), "pick_keys() expects string keys in the list, got int");
}

TEST_F(ObjectsTest, Get) {
  const char* doc = R"({"a":{"b":[10,{"c":"deep"}]},"n":null})";
  EXPECT_EQ(CallJ("get", {doc, R"("a")"}), R"({"b":[10,{"c":"deep"}]})");
  EXPECT_EQ(CallJ("get", {doc, R"(["a","b",1,"c"])"}), R"("deep")");
  EXPECT_EQ(CallJ("get", {doc, R"(["a","b",0])"}), "10");
  EXPECT_EQ(CallJ("get", {doc, "[]"}), doc);
  EXPECT_EQ(CallJ("get", {doc, R"("missing")"}), "null");
  EXPECT_EQ(CallJ("get", {doc, R"("missing")", "0"}), "0");
  EXPECT_EQ(CallJ("get", {doc, R"(["a","b",5])", R"("none")"}), R"("none")");
  EXPECT_EQ(CallJ("get", {doc, R"(["a","b",-1])", R"("none")"}), R"("none")");
  EXPECT_EQ(CallJ("get", {doc, R"(["a","b","c"])", R"("none")"}), R"("none")");  // key on a list
  EXPECT_EQ(CallJ("get", {doc, R"(["n","x"])", "1"}), "1");                      // through null
  EXPECT_EQ(CallJ("get", {doc, R"("n")", "1"}), "null");  // present, even if null
  EXPECT_EQ(CallJ("get", {"[5,6]", "1"}), "6");
  EXPECT_EQ(CallJ("get", {"null", R"("a")", "7"}), "7");
  EXPECT_EQ(CallJ("get", {R"({"a.b":1})", R"("a.b")"}), "1");  // no dotted paths
  EXPECT_EQ(Error("get", {doc, "1.5"}), "get() expects a string key, an int index or a list path, got float");
  EXPECT_EQ(Error("get", {doc, R"(["a",true])"}),
            "get() expects string keys and int indexes in the path, got bool");
}

TEST_F(ObjectsTest, Has) {
  EXPECT_EQ(CallJ("has", {R"({"a":null})", R"("a")"}), "true");
  EXPECT_EQ(CallJ("has", {R"({"a":null})", R"("b")"}), "false");
  EXPECT_EQ(CallJ("has", {"[1,2]", "1"}), "true");
  EXPECT_EQ(CallJ("has", {"[1,2]", "2"}), "false");
  EXPECT_EQ(CallJ("has", {"[1,2]", "-1"}), "false");
  EXPECT_EQ(Error("has", {"{}", "1"}), "has() expects a string key for an object, got int");
  EXPECT_EQ(Error("has", {"[]", R"("a")"}), "has() expects an int index for a list, got string");
  EXPECT_EQ(Error("has", {R"("abc")", R"("a")"}), "has() expects an object or list, got string");
}

TEST_F(ObjectsTest, EntriesAndBack) {
  EXPECT_EQ(CallJ("entries", {R"({"b":1,"a":[2]})"}),
            R"([{"key":"b","value":1},{"key":"a","value":[2]}])");
  EXPECT_EQ(CallJ("entries", {"{}"}), "[]");
  EXPECT_EQ(CallJ("from_entries", {R"([{"key":"b","value":1},{"key":"a","value":[2]}])"}),
            R"({"b":1,"a":[2]})");
  EXPECT_EQ(CallJ("from_entries", {R"([["x",1],["y",null]])"}), R"({"x":1,"y":null})");
  EXPECT_EQ(CallJ("from_entries", {R"([{"key":"k"}])"}), R"({"k":null})");
  EXPECT_EQ(CallJ("from_entries", {R"([["a",1],["b",2],["a",3]])"}), R"({"a":3,"b":2})");
  EXPECT_EQ(CallJ("from_entries", {"[]"}), "{}");
  EXPECT_EQ(Error("entries", {"[]"}), "entries() expects an object, got list");
  EXPECT_EQ(Error("from_entries", {"{}"}), "from_entries() expects a list, got object");
  EXPECT_EQ(Error("from_entries", {"[1]"}),
            "from_entries() expects {key, value} objects or [key, value] lists, got 1");
  EXPECT_EQ(Error("from_entries", {"[[1,2]]"}),
            "from_entries() expects a string key in every entry, got [1,2]");
  EXPECT_EQ(Error("from_entries", {R"([{"value":2}])"}),
            R"(from_entries() expects a string key in every entry, got {"value":2})");
}

TEST_F(ObjectsTest, EntriesRoundTrip) {
  Value v = J(R"({"z":1,"a":{"n":[1,2]},"m":"s"})");
  auto e = Call("entries", {v});
  ASSERT_TRUE(e.ok());
  auto back = Call("from_entries", {*e});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson(), v.ToJson());  // same keys, same order
}

}  // namespace
}  // namespace weft::stdlib
