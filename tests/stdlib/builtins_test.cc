// Every builtin of stdlib/builtins.def: results, user-facing errors, the catalogue, and the
// determinism of now()/uuid() given the checkpointed context.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/value/value_printer.h"
#include "weft/value.h"

namespace weft::stdlib {
namespace {

using ::testing::HasSubstr;

Value J(std::string_view json) {
  auto v = Value::FromJson(json);
  EXPECT_TRUE(v.ok()) << v.status();
  return *v;
}

class BuiltinsTest : public ::testing::Test {
 protected:
  absl::StatusOr<Value> Call(std::string_view name, std::vector<Value> args) {
    const BuiltinInfo* info = FindBuiltin(name);
    EXPECT_NE(info, nullptr) << name;
    if (info == nullptr) return absl::NotFoundError("no builtin");
    EXPECT_GE(args.size(), info->min_args);
    EXPECT_LE(args.size(), info->max_args);
    return info->fn(ctx_, args);
  }
  // Calls with JSON arguments and returns the result as compact JSON.
  std::string CallJ(std::string_view name, std::vector<std::string_view> json_args) {
    std::vector<Value> args;
    for (auto a : json_args) args.push_back(J(a));
    auto r = Call(name, std::move(args));
    EXPECT_TRUE(r.ok()) << name << ": " << r.status();
    return r.ok() ? r->ToJson() : "<error>";
  }
  // Calls with JSON arguments, expects InvalidArgument, returns the message.
  std::string Error(std::string_view name, std::vector<std::string_view> json_args) {
    std::vector<Value> args;
    for (auto a : json_args) args.push_back(J(a));
    auto r = Call(name, std::move(args));
    EXPECT_FALSE(r.ok()) << name << " returned " << r->ToJson();
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  }

  uint64_t rng_ = 42;
  BuiltinContext ctx_{1700000000123, &rng_};
};

TEST_F(BuiltinsTest, CatalogueMatchesTheDefFile) {
  auto all = AllBuiltins();
  std::vector<std::string> names;
  for (const auto& b : all) names.emplace_back(b.name);
  // Ids are an on-disk ABI: this order may only grow at the end.
  EXPECT_THAT(names, ::testing::ElementsAre(
                         "len", "keys", "values", "contains", "upper", "lower", "split", "join",
                         "str", "int", "float", "now", "uuid",
                         // strings
                         "trim", "trim_start", "trim_end", "starts_with", "ends_with", "replace",
                         "substr", "index_of", "pad_left", "pad_right", "repeat", "lines",
                         // lists
                         "sort", "reverse", "unique", "flatten", "range", "slice", "sum", "min",
                         "max", "first", "last", "append", "concat", "zip",
                         // objects
                         "merge", "pick_keys", "omit_keys", "get", "has", "entries",
                         "from_entries",
                         // math
                         "abs", "floor", "ceil", "round", "pow", "sqrt", "clamp",
                         // time, JSON, jq
                         "format_time", "parse_time", "format_duration", "parse_duration",
                         "json_parse", "json_stringify", "jq"));
  for (uint32_t i = 0; i < all.size(); ++i) {
    uint32_t id = 999;
    const BuiltinInfo* info = FindBuiltin(all[i].name, &id);
    ASSERT_EQ(info, &all[i]);
    EXPECT_EQ(id, i);
    EXPECT_NE(info->fn, nullptr);
    EXPECT_FALSE(info->doc.empty());
    EXPECT_LE(info->min_args, info->max_args);
  }
  EXPECT_EQ(static_cast<uint32_t>(BuiltinId::k_uuid), 12u);
  EXPECT_EQ(static_cast<uint32_t>(BuiltinId::k_trim), 13u);
  EXPECT_EQ(static_cast<uint32_t>(BuiltinId::k_jq), 59u);
  EXPECT_EQ(FindBuiltin("nope"), nullptr);
  EXPECT_EQ(FindBuiltin("LEN"), nullptr);
  EXPECT_EQ(FindBuiltin(""), nullptr);
  EXPECT_NE(FindBuiltin("len", nullptr), nullptr);
}

TEST_F(BuiltinsTest, Len) {
  EXPECT_EQ(CallJ("len", {"[1,2,3]"}), "3");
  EXPECT_EQ(CallJ("len", {"[]"}), "0");
  EXPECT_EQ(CallJ("len", {R"({"a":1,"b":2})"}), "2");
  EXPECT_EQ(CallJ("len", {R"("hello")"}), "5");
  EXPECT_EQ(CallJ("len", {"\"caf\xC3\xA9\""}), "5");  // bytes of UTF-8
  EXPECT_EQ(Error("len", {"3"}), "len() expects a list, object or string, got int");
  EXPECT_EQ(Error("len", {"null"}), "len() expects a list, object or string, got null");
  EXPECT_EQ(Error("len", {"1.5"}), "len() expects a list, object or string, got float");
}

TEST_F(BuiltinsTest, KeysAndValues) {
  EXPECT_EQ(CallJ("keys", {R"({"z":1,"a":[2],"m":null})"}), R"(["z","a","m"])");
  EXPECT_EQ(CallJ("values", {R"({"z":1,"a":[2],"m":null})"}), R"([1,[2],null])");
  EXPECT_EQ(CallJ("keys", {"{}"}), "[]");
  EXPECT_EQ(CallJ("values", {"{}"}), "[]");
  EXPECT_EQ(Error("keys", {"[1]"}), "keys() expects an object, got list");
  EXPECT_EQ(Error("values", {R"("s")"}), "values() expects an object, got string");
}

TEST_F(BuiltinsTest, ContainsOnLists) {
  EXPECT_EQ(CallJ("contains", {"[1,2,3]", "2"}), "true");
  EXPECT_EQ(CallJ("contains", {"[1,2,3]", "2.0"}), "true");  // numeric equality
  EXPECT_EQ(CallJ("contains", {"[1,2,3]", "4"}), "false");
  EXPECT_EQ(CallJ("contains", {R"([{"a":[1,{"b":2}]}])", R"({"a":[1,{"b":2}]})"}), "true");
  EXPECT_EQ(CallJ("contains", {R"([{"a":1,"b":2}])", R"({"b":2,"a":1})"}), "true");
  EXPECT_EQ(CallJ("contains", {R"([{"a":1}])", R"({"a":2})"}), "false");
  EXPECT_EQ(CallJ("contains", {"[]", "null"}), "false");
  EXPECT_EQ(CallJ("contains", {"[null]", "null"}), "true");
  EXPECT_EQ(CallJ("contains", {R"(["1"])", "1"}), "false");
}

TEST_F(BuiltinsTest, ContainsOnObjectsAndStrings) {
  EXPECT_EQ(CallJ("contains", {R"({"a":1})", R"("a")"}), "true");
  EXPECT_EQ(CallJ("contains", {R"({"a":1})", R"("b")"}), "false");
  EXPECT_EQ(CallJ("contains", {R"({"a":null})", R"("a")"}), "true");
  EXPECT_EQ(CallJ("contains", {R"("hello world")", R"("o w")"}), "true");
  EXPECT_EQ(CallJ("contains", {R"("hello")", R"("")"}), "true");
  EXPECT_EQ(CallJ("contains", {R"("hello")", R"("Hello")"}), "false");
  EXPECT_EQ(Error("contains", {R"({"a":1})", "1"}),
            "contains() expects a string key for an object, got int");
  EXPECT_EQ(Error("contains", {R"("abc")", "[1]"}),
            "contains() expects a string to find in a string, got list");
  EXPECT_EQ(Error("contains", {"5", "5"}), "contains() expects a list, object or string, got int");
}

TEST_F(BuiltinsTest, UpperLower) {
  EXPECT_EQ(CallJ("upper", {R"("Hello, World 1!")"}), R"("HELLO, WORLD 1!")");
  EXPECT_EQ(CallJ("lower", {R"("Hello, World 1!")"}), R"("hello, world 1!")");
  EXPECT_EQ(CallJ("upper", {"\"caf\xC3\xA9\""}), "\"CAF\xC3\xA9\"");  // ASCII only
  EXPECT_EQ(CallJ("lower", {R"("")"}), R"("")");
  EXPECT_EQ(Error("upper", {"1"}), "upper() expects a string, got int");
  EXPECT_EQ(Error("lower", {"true"}), "lower() expects a string, got bool");
}

TEST_F(BuiltinsTest, Split) {
  EXPECT_EQ(CallJ("split", {R"("a,b,c")", R"(",")"}), R"(["a","b","c"])");
  EXPECT_EQ(CallJ("split", {R"("a,,b,")", R"(",")"}), R"(["a","","b",""])");
  EXPECT_EQ(CallJ("split", {R"("abc")", R"(",")"}), R"(["abc"])");
  EXPECT_EQ(CallJ("split", {R"("")", R"(",")"}), R"([""])");
  EXPECT_EQ(CallJ("split", {R"("a::b::c")", R"("::")"}), R"(["a","b","c"])");
  EXPECT_EQ(CallJ("split", {R"("aaa")", R"("aa")"}), R"(["","a"])");
  EXPECT_EQ(Error("split", {R"("abc")", R"("")"}), "split() separator must not be empty");
  EXPECT_EQ(Error("split", {"1", R"(",")"}), "split() expects a string, got int");
  EXPECT_EQ(Error("split", {R"("a")", "1"}), "split() expects a string separator, got int");
}

TEST_F(BuiltinsTest, Join) {
  EXPECT_EQ(CallJ("join", {R"(["a","b","c"])", R"(", ")"}), R"("a, b, c")");
  EXPECT_EQ(CallJ("join", {R"([1,2.5,true,null,"s",[1],{"k":"v"}])", R"("|")"}),
            R"("1|2.5|true|null|s|[1]|{\"k\":\"v\"}")");
  EXPECT_EQ(CallJ("join", {"[]", R"(",")"}), R"("")");
  EXPECT_EQ(CallJ("join", {R"(["only"])", R"(",")"}), R"("only")");
  EXPECT_EQ(CallJ("join", {R"(["a","b"])", R"("")"}), R"("ab")");
  EXPECT_EQ(Error("join", {R"("ab")", R"(",")"}), "join() expects a list, got string");
  EXPECT_EQ(Error("join", {"[1]", "null"}), "join() expects a string separator, got null");
}

TEST_F(BuiltinsTest, Str) {
  EXPECT_EQ(CallJ("str", {R"("as is")"}), R"("as is")");
  EXPECT_EQ(CallJ("str", {"42"}), R"("42")");
  EXPECT_EQ(CallJ("str", {"1.0"}), R"("1.0")");
  EXPECT_EQ(CallJ("str", {"null"}), R"("null")");
  EXPECT_EQ(CallJ("str", {"false"}), R"("false")");
  EXPECT_EQ(CallJ("str", {R"({"a":[1,"x"]})"}), R"("{\"a\":[1,\"x\"]}")");
  // A string argument is returned shared, not copied.
  Value s = Value::String("shared");
  auto r = Call("str", {s});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(&r->as_string(), &s.as_string());
}

TEST_F(BuiltinsTest, Int) {
  EXPECT_EQ(CallJ("int", {"7"}), "7");
  EXPECT_EQ(CallJ("int", {"3.9"}), "3");
  EXPECT_EQ(CallJ("int", {"-3.9"}), "-3");
  EXPECT_EQ(CallJ("int", {"true"}), "1");
  EXPECT_EQ(CallJ("int", {"false"}), "0");
  EXPECT_EQ(CallJ("int", {R"("42")"}), "42");
  EXPECT_EQ(CallJ("int", {R"("-42")"}), "-42");
  EXPECT_EQ(CallJ("int", {R"("+42")"}), "42");
  EXPECT_EQ(CallJ("int", {R"("9223372036854775807")"}), "9223372036854775807");
  EXPECT_EQ(CallJ("int", {R"("-9223372036854775808")"}), "-9223372036854775808");
  EXPECT_EQ(CallJ("int", {"-9223372036854775808.0"}), "-9223372036854775808");
  auto r = Call("int", {Value::Int(5)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_int());
  EXPECT_EQ(Error("int", {R"("4x")"}), R"(int() cannot parse "4x" as an int)");
  EXPECT_EQ(Error("int", {R"("")"}), R"(int() cannot parse "" as an int)");
  EXPECT_EQ(Error("int", {R"(" 4")"}), R"(int() cannot parse " 4" as an int)");
  EXPECT_EQ(Error("int", {R"("4.0")"}), R"(int() cannot parse "4.0" as an int)");
  EXPECT_EQ(Error("int", {R"("+-4")"}), R"(int() cannot parse "+-4" as an int)");
  EXPECT_EQ(Error("int", {R"("0x10")"}), R"(int() cannot parse "0x10" as an int)");
  EXPECT_EQ(Error("int", {R"("9223372036854775808")"}),
            R"(int() cannot convert "9223372036854775808": out of the 64-bit integer range)");
  EXPECT_EQ(Error("int", {"1e300"}), "int() cannot convert 1e300: out of the 64-bit integer range");
  EXPECT_EQ(Error("int", {"9223372036854775808.0"}),
            "int() cannot convert 9223372036854776000.0: out of the 64-bit integer range");
  auto inf = Call("int", {Value::Double(1.0 / 0.0)});
  ASSERT_FALSE(inf.ok());
  EXPECT_THAT(std::string(inf.status().message()), HasSubstr("not a finite number"));
  EXPECT_EQ(Error("int", {"null"}), "int() expects a number, bool or string, got null");
  EXPECT_EQ(Error("int", {"[1]"}), "int() expects a number, bool or string, got list");
}

TEST_F(BuiltinsTest, Float) {
  EXPECT_EQ(CallJ("float", {R"("1.5")"}), "1.5");
  EXPECT_EQ(CallJ("float", {R"("-2")"}), "-2.0");
  EXPECT_EQ(CallJ("float", {R"("+2e3")"}), "2000.0");
  EXPECT_EQ(CallJ("float", {R"("0.1")"}), "0.1");
  EXPECT_EQ(CallJ("float", {"3"}), "3.0");
  EXPECT_EQ(CallJ("float", {"2.5"}), "2.5");
  auto r = Call("float", {Value::Int(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_double());
  EXPECT_EQ(Error("float", {R"("1.5x")"}), R"(float() cannot parse "1.5x" as a float)");
  EXPECT_EQ(Error("float", {R"("nan")"}), R"(float() cannot parse "nan" as a float)");
  EXPECT_EQ(Error("float", {R"("inf")"}), R"(float() cannot parse "inf" as a float)");
  EXPECT_EQ(Error("float", {R"("")"}), R"(float() cannot parse "" as a float)");
  EXPECT_EQ(Error("float", {R"("1e999")"}), R"(float() cannot convert "1e999": out of range)");
  EXPECT_EQ(Error("float", {"true"}), "float() expects a number or string, got bool");
  EXPECT_EQ(Error("float", {"{}"}), "float() expects a number or string, got object");
}

TEST_F(BuiltinsTest, NowReturnsTheTransitionTime) {
  EXPECT_EQ(CallJ("now", {}), "1700000000123");
  ctx_.now_ms = 5;
  EXPECT_EQ(CallJ("now", {}), "5");
}

TEST_F(BuiltinsTest, UuidIsVersion4AndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto r = Call("uuid", {});
    ASSERT_TRUE(r.ok());
    const std::string& u = r->as_string();
    ASSERT_EQ(u.size(), 36u);
    for (size_t k = 0; k < u.size(); ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        ASSERT_EQ(u[k], '-') << u;
      } else {
        ASSERT_TRUE((u[k] >= '0' && u[k] <= '9') || (u[k] >= 'a' && u[k] <= 'f')) << u;
      }
    }
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b') << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(BuiltinsTest, UuidIsDeterministicGivenTheSeed) {
  // The same generator state gives the same ids: that is what a resumed execution relies on.
  uint64_t a = 123, b = 123;
  BuiltinContext ca{0, &a}, cb{0, &b};
  const BuiltinInfo* uuid = FindBuiltin("uuid");
  for (int i = 0; i < 10; ++i) {
    auto x = uuid->fn(ca, {});
    auto y = uuid->fn(cb, {});
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(*x, *y);
  }
  EXPECT_EQ(a, b);
  // Two draws per uuid.
  uint64_t c = 123;
  NextRandom(&c);
  NextRandom(&c);
  uint64_t d = 123;
  BuiltinContext cd{0, &d};
  ASSERT_TRUE(uuid->fn(cd, {}).ok());
  EXPECT_EQ(c, d);
  // Pinned: changing the generator or the formatting would change ids of running executions.
  uint64_t zero = 0;
  BuiltinContext cz{0, &zero};
  EXPECT_EQ(uuid->fn(cz, {})->as_string(), "e220a839-7b1d-4daf-ae78-9e6aa1b965f4");
}

TEST(NextRandomTest, SplitMix64ReferenceValues) {
  // From Vigna's splitmix64.c with seed 1234567.
  uint64_t s = 1234567;
  EXPECT_EQ(NextRandom(&s), 6457827717110365317ULL);
  EXPECT_EQ(NextRandom(&s), 3203168211198807973ULL);
  EXPECT_EQ(NextRandom(&s), 9817491932198370423ULL);
  EXPECT_EQ(NextRandom(&s), 4593380528125082431ULL);
  EXPECT_EQ(NextRandom(&s), 16408922859458223821ULL);
}

}  // namespace
}  // namespace weft::stdlib
