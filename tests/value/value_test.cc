// weft::Value and weft::Object: construction, Object key semantics, deep equality, kind names.
#include <limits>

#include "gtest/gtest.h"
#include "weft/value.h"
#include "tests/value/value_printer.h"

namespace weft {
namespace {

Value Obj(std::vector<Object::Entry> entries) { return Value::MakeObject(Object(std::move(entries))); }

TEST(ValueTest, DefaultIsNull) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.kind(), Value::Kind::kNull);
  EXPECT_EQ(v, Value::Null());
}

TEST(ValueTest, Accessors) {
  EXPECT_TRUE(Value::Bool(true).as_bool());
  EXPECT_EQ(Value::Int(-7).as_int(), -7);
  EXPECT_EQ(Value::Double(2.5).as_double(), 2.5);
  EXPECT_EQ(Value::Int(3).as_number(), 3.0);
  EXPECT_EQ(Value::String("hi").as_string(), "hi");
  EXPECT_EQ(Value::MakeList({Value::Int(1)}).as_list().size(), 1u);
  EXPECT_TRUE(Value::Int(1).is_number());
  EXPECT_TRUE(Value::Double(1).is_number());
  EXPECT_FALSE(Value::String("1").is_number());
}

TEST(ValueTest, CopiesShareContainers) {
  Value a = Value::MakeList({Value::Int(1), Value::Int(2)});
  Value b = a;
  EXPECT_EQ(&a.as_list(), &b.as_list());
  Value s = Value::String("abc");
  Value t = s;
  EXPECT_EQ(&s.as_string(), &t.as_string());
}

TEST(ObjectTest, ConstructorDedupesLaterWinsFirstPosition) {
  Object o({{"a", Value::Int(1)}, {"b", Value::Int(2)}, {"a", Value::Int(3)}});
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.entries()[0].first, "a");
  EXPECT_EQ(o.entries()[0].second, Value::Int(3));
  EXPECT_EQ(o.entries()[1].first, "b");
}

TEST(ObjectTest, LargeConstructorDedupesLikeSmall) {
  // Above the linear-scan limit the hashed path must give the same result.
  std::vector<Object::Entry> entries;
  for (int i = 0; i < 100; ++i) entries.emplace_back("k" + std::to_string(i % 40), Value::Int(i));
  Object o(std::move(entries));
  ASSERT_EQ(o.size(), 40u);
  for (int k = 0; k < 40; ++k) {
    EXPECT_EQ(o.entries()[k].first, "k" + std::to_string(k));
    EXPECT_EQ(o.entries()[k].second, Value::Int(k < 20 ? k + 80 : k + 40));  // the last one
  }
  // Long keys (not in the small-string buffer) too.
  std::vector<Object::Entry> longs;
  std::string base(100, 'x');
  for (int i = 0; i < 50; ++i) longs.emplace_back(base + std::to_string(i % 20), Value::Int(i));
  Object lo(std::move(longs));
  ASSERT_EQ(lo.size(), 20u);
  EXPECT_EQ(lo.entries()[19].first, base + "19");
  EXPECT_EQ(lo.entries()[19].second, Value::Int(39));
}

TEST(ObjectTest, FindAndSet) {
  Object o;
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.Find("x"), nullptr);
  o.Set("x", Value::Int(1));
  o.Set("y", Value::Int(2));
  o.Set("x", Value::Int(9));  // replaces in place
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.entries()[0].first, "x");
  ASSERT_NE(o.Find("x"), nullptr);
  EXPECT_EQ(*o.Find("x"), Value::Int(9));
  EXPECT_EQ(*o.Find("y"), Value::Int(2));
  EXPECT_EQ(o.Find("z"), nullptr);
  std::vector<std::string> keys;
  for (const auto& [k, v] : o) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"x", "y"}));
}

TEST(EqualityTest, Scalars) {
  EXPECT_EQ(Value::Null(), Value::Null());
  EXPECT_NE(Value::Null(), Value::Bool(false));
  EXPECT_NE(Value::Bool(true), Value::Bool(false));
  EXPECT_EQ(Value::String("a"), Value::String("a"));
  EXPECT_NE(Value::String("a"), Value::String("b"));
  EXPECT_NE(Value::String("1"), Value::Int(1));
  EXPECT_NE(Value::Int(0), Value::Bool(false));
  EXPECT_NE(Value::Int(0), Value::Null());
}

TEST(EqualityTest, NumbersAcrossKinds) {
  EXPECT_EQ(Value::Int(1), Value::Double(1.0));
  EXPECT_EQ(Value::Double(1.0), Value::Int(1));
  EXPECT_NE(Value::Int(1), Value::Double(1.5));
  EXPECT_EQ(Value::Int(0), Value::Double(-0.0));
  // Exact: 2^53 + 1 is not representable as a double and must not equal 2^53.
  int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_NE(Value::Int(big), Value::Double(static_cast<double>(int64_t{1} << 53)));
  EXPECT_EQ(Value::Int(int64_t{1} << 53), Value::Double(9007199254740992.0));
  EXPECT_NE(Value::Int(std::numeric_limits<int64_t>::max()), Value::Double(9223372036854775808.0));
  EXPECT_EQ(Value::Int(std::numeric_limits<int64_t>::min()), Value::Double(-9223372036854775808.0));
  EXPECT_NE(Value::Int(0), Value::Double(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_NE(Value::Int(1), Value::Double(std::numeric_limits<double>::infinity()));
}

TEST(EqualityTest, DeepLists) {
  Value a = Value::MakeList({Value::Int(1), Value::MakeList({Value::String("x")})});
  Value b = Value::MakeList({Value::Double(1), Value::MakeList({Value::String("x")})});
  Value c = Value::MakeList({Value::Int(1), Value::MakeList({Value::String("y")})});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, Value::MakeList({Value::Int(1)}));
  EXPECT_EQ(Value::MakeList({}), Value::MakeList({}));
  EXPECT_NE(Value::MakeList({}), Obj({}));
}

TEST(EqualityTest, ObjectsIgnoreKeyOrder) {
  Value a = Obj({{"x", Value::Int(1)}, {"y", Value::String("s")}});
  Value b = Obj({{"y", Value::String("s")}, {"x", Value::Double(1)}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, Obj({{"x", Value::Int(1)}}));
  EXPECT_NE(a, Obj({{"x", Value::Int(1)}, {"z", Value::String("s")}}));
  EXPECT_NE(a, Obj({{"x", Value::Int(2)}, {"y", Value::String("s")}}));
  EXPECT_EQ(Obj({}), Obj({}));
  Value nested1 = Obj({{"o", a}, {"l", Value::MakeList({a})}});
  Value nested2 = Obj({{"l", Value::MakeList({b})}, {"o", b}});
  EXPECT_EQ(nested1, nested2);
}

TEST(ValueTest, KindNames) {
  EXPECT_EQ(Value::KindName(Value::Kind::kNull), "null");
  EXPECT_EQ(Value::KindName(Value::Kind::kBool), "bool");
  EXPECT_EQ(Value::KindName(Value::Kind::kInt), "int");
  EXPECT_EQ(Value::KindName(Value::Kind::kDouble), "float");
  EXPECT_EQ(Value::KindName(Value::Kind::kString), "string");
  EXPECT_EQ(Value::KindName(Value::Kind::kList), "list");
  EXPECT_EQ(Value::KindName(Value::Kind::kObject), "object");
}

TEST(ValueTest, KindOrderIsStable) {
  // The numbering is part of stored formats.
  EXPECT_EQ(static_cast<int>(Value::Kind::kNull), 0);
  EXPECT_EQ(static_cast<int>(Value::Kind::kBool), 1);
  EXPECT_EQ(static_cast<int>(Value::Kind::kInt), 2);
  EXPECT_EQ(static_cast<int>(Value::Kind::kDouble), 3);
  EXPECT_EQ(static_cast<int>(Value::Kind::kString), 4);
  EXPECT_EQ(static_cast<int>(Value::Kind::kList), 5);
  EXPECT_EQ(static_cast<int>(Value::Kind::kObject), 6);
  EXPECT_EQ(Value::Int(1).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value::Double(1).kind(), Value::Kind::kDouble);
}

}  // namespace
}  // namespace weft
