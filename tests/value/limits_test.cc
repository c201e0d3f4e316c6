// The value limits (depth, string/list/object width, total size) and the operations that must
// not recurse on the C++ stack: destroying, comparing, printing and encoding a value nested a
// million levels deep, built directly in C++ (past every limit, which C++ code may do).
#include <string>

#include "gtest/gtest.h"
#include "tests/value/value_printer.h"
#include "value/value_codec.h"
#include "weft/value.h"

namespace weft {
namespace {

constexpr int kMillion = 1'000'000;

Value DeepList(int depth) {
  Value v = Value::Int(1);
  for (int i = 0; i < depth; ++i) v = Value::MakeList({std::move(v)});
  return v;
}

Value DeepObject(int depth) {
  Value v = Value::Int(1);
  for (int i = 0; i < depth; ++i) v = Value::MakeObject(Object({{"k", std::move(v)}}));
  return v;
}

TEST(ValueLimitsTest, DepthAndSizeAreComputedWhenMade) {
  EXPECT_EQ(Value::Int(1).depth(), 0);
  EXPECT_EQ(Value::String("abc").depth(), 0);
  EXPECT_EQ(Value::MakeList({}).depth(), 1);
  EXPECT_EQ(DeepList(3).depth(), 3);
  EXPECT_EQ(DeepObject(5).depth(), 5);
  EXPECT_EQ(Value::Int(1).total_size(), 1u);
  EXPECT_EQ(Value::String("abc").total_size(), 4u);
  // [1, "ab"]: the list, 1, and "ab" (1 + 2 bytes).
  EXPECT_EQ(Value::MakeList({Value::Int(1), Value::String("ab")}).total_size(), 5u);
  // {"key": [1]}: the object, the key's 3 bytes, the list and 1.
  EXPECT_EQ(Value::MakeObject(Object({{"key", Value::MakeList({Value::Int(1)})}})).total_size(),
            6u);
  // The JSON text is never shorter than the size.
  Value v = *Value::FromJson(R"({"a":[1,2,{"b":"xyz"}],"c":null})");
  EXPECT_LE(v.total_size(), v.ToJson().size());
}

TEST(ValueLimitsTest, SharedStructureIsSeenAtOnce) {
  // o = [o, o] forty times: 2^40 values, yet a few dozen nodes in memory.
  Value o = Value::MakeList({});
  for (int i = 0; i < 40; ++i) o = Value::MakeList({o, o});
  EXPECT_GT(o.total_size(), uint64_t{1} << 40);
  EXPECT_EQ(o.depth(), 41);
  absl::Status s = o.CheckLimits();
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(s.message().find("total size"), std::string::npos) << s;
  // Sizes saturate instead of wrapping.
  for (int i = 0; i < 40; ++i) o = Value::MakeList({o, o});
  EXPECT_EQ(o.total_size(), UINT64_MAX);
  // Bounded printing gives up early instead of writing 2^80 values.
  EXPECT_FALSE(o.ToJsonBounded(-1, 1 << 20).has_value());
}

TEST(ValueLimitsTest, CheckLimitsNamesEachLimit) {
  EXPECT_TRUE(DeepList(Value::kMaxDepth).CheckLimits().ok());
  absl::Status deep = DeepList(Value::kMaxDepth + 1).CheckLimits();
  EXPECT_TRUE(absl::IsResourceExhausted(deep));
  EXPECT_EQ(deep.message(), "value nests deeper than 256 levels");
  EXPECT_TRUE(absl::IsResourceExhausted(DeepObject(Value::kMaxDepth + 1).CheckLimits()));

  EXPECT_TRUE(Value::String(std::string(Value::kMaxStringBytes, 'x')).CheckLimits().ok());
  absl::Status long_string = Value::String(std::string(Value::kMaxStringBytes + 1, 'x')).CheckLimits();
  EXPECT_TRUE(absl::IsResourceExhausted(long_string)) << long_string;

  absl::Status long_list = Value::MakeList(List(Value::kMaxListItems + 1)).CheckLimits();
  EXPECT_TRUE(absl::IsResourceExhausted(long_list)) << long_list;
  EXPECT_TRUE(Value::MakeList(List(Value::kMaxListItems)).CheckLimits().ok());

  std::vector<Object::Entry> entries;
  for (size_t i = 0; i <= Value::kMaxObjectEntries; ++i) entries.emplace_back(std::to_string(i), Value());
  absl::Status big_object = Value::MakeObject(Object(std::move(entries))).CheckLimits();
  EXPECT_TRUE(absl::IsResourceExhausted(big_object)) << big_object;
}

TEST(ValueLimitsTest, MillionDeepListDestroyCompareAndPrint) {
  Value a = DeepList(kMillion);
  Value b = DeepList(kMillion);
  EXPECT_EQ(a.depth(), kMillion);
  EXPECT_TRUE(a == b);  // distinct nodes all the way down
  EXPECT_FALSE(a == DeepList(kMillion - 1));
  const std::string json = a.ToJson();
  EXPECT_EQ(json.size(), 2u * kMillion + 1);
  EXPECT_EQ(json.substr(kMillion - 2, 5), "[[1]]");
  EXPECT_EQ(a.ToDisplayString(), json);
  // Indented text grows with the square of the depth, so it is checked on a shallower value.
  EXPECT_EQ(DeepList(2).ToPrettyJson(), "[\n  [\n    1\n  ]\n]");
  const int64_t n = 2000;
  EXPECT_EQ(static_cast<int64_t>(DeepList(n).ToPrettyJson().size()), 6 * n + 2 * n * (n - 1) + 1);
  a = Value();  // destroyed here, not at the end of the test
  b = Value();
}

TEST(ValueLimitsTest, MillionDeepObjectDestroyCompareAndPrint) {
  Value a = DeepObject(kMillion);
  Value b = DeepObject(kMillion);
  EXPECT_TRUE(a == b);
  EXPECT_EQ(a.ToJson().size(), 6u * kMillion + 1);  // {"k":  ...  }
  a = Value();
  b = Value();
}

TEST(ValueLimitsTest, MillionDeepEncodeIsReportedNotRecursed) {
  Value a = DeepList(kMillion);
  flexbuffers::Builder fbb;
  ValueEncoder encoder(fbb);
  encoder.Encode(a);
  EXPECT_TRUE(encoder.too_deep());
}

TEST(ValueLimitsTest, ListsOfDeepValuesAreFreedIteratively) {
  // A vector (not a Value) holding deep values, and a deep value reached only through an
  // object entry inside a list: both paths go through the release queue.
  List many;
  for (int i = 0; i < 3; ++i) many.push_back(DeepList(kMillion / 3));
  many.push_back(Value::MakeList({DeepObject(kMillion / 3)}));
  many.clear();
  // A shared deep value survives its container and stays whole.
  Value shared = DeepList(1000);
  { Value holder = Value::MakeList({shared, shared}); }
  EXPECT_EQ(shared.depth(), 1000);
  EXPECT_EQ(shared.ToJson().size(), 2001u);
}

TEST(ValueLimitsTest, FromJsonEnforcesTheLimits) {
  // A 256-deep document parses; 257 does not (see json_test.cc), and neither does a list with
  // more items than the limit.
  std::string items = "[";
  for (size_t i = 0; i <= Value::kMaxListItems; ++i) items += i == 0 ? "0" : ",0";
  items += "]";
  auto parsed = Value::FromJson(items);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("limit"), std::string::npos) << parsed.status();
}

// `depth` nested vectors around an int, written with the FlexBuffers builder directly.
std::vector<uint8_t> CraftedDeepBuffer(int depth) {
  flexbuffers::Builder fbb;
  std::vector<size_t> starts;
  for (int i = 0; i < depth; ++i) starts.push_back(fbb.StartVector());
  fbb.Int(1);
  for (size_t i = starts.size(); i-- > 0;) fbb.EndVector(starts[i], false, false);
  fbb.Finish();
  return fbb.GetBuffer();
}

TEST(ValueLimitsTest, CraftedDeepFlexBufferIsRejectedCleanly) {
  const std::vector<uint8_t> bytes = CraftedDeepBuffer(100'000);
  auto decoded = DecodeValue(bytes.data(), bytes.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(decoded.status())) << decoded.status();
  // Embedded in a buffer whose verifier allowed more depth: the decoder itself stops.
  const std::vector<uint8_t> deep = CraftedDeepBuffer(2000);
  flexbuffers::Verifier verifier(deep.data(), deep.size(), nullptr, true, 4000);
  ASSERT_TRUE(verifier.VerifyBuffer());
  auto embedded = DecodeValue(flexbuffers::GetRoot(deep.data(), deep.size()));
  ASSERT_FALSE(embedded.ok());
  EXPECT_NE(embedded.status().message().find("nesting deeper"), std::string::npos);
}

TEST(ValueLimitsTest, DepthLimitValueRoundTripsThroughTheCodec) {
  for (const Value& v : {DeepList(Value::kMaxDepth), DeepObject(Value::kMaxDepth)}) {
    std::vector<uint8_t> bytes = EncodeValue(v);
    auto back = DecodeValue(bytes.data(), bytes.size());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == v);
    EXPECT_EQ(back->depth(), Value::kMaxDepth);
  }
}

}  // namespace
}  // namespace weft
