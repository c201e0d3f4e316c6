// The FlexBuffers value codec: round trips of every kind, exactness, key order, embedding in a
// larger buffer, determinism, sharing, and hostile bytes (truncation, mutation, crafted input).
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "value/value_codec.h"
#include "weft/value.h"
#include "tests/value/json_literal.h"
#include "tests/value/value_printer.h"

namespace weft {
namespace {

using testing::J;

// Equality that also distinguishes Int from Double and checks key order: what "unchanged"
// means for a round trip.
bool Identical(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kDouble: {
      double x = a.as_double(), y = b.as_double();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Value::Kind::kList: {
      if (a.as_list().size() != b.as_list().size()) return false;
      for (size_t i = 0; i < a.as_list().size(); ++i) {
        if (!Identical(a.as_list()[i], b.as_list()[i])) return false;
      }
      return true;
    }
    case Value::Kind::kObject: {
      const auto& x = a.as_object().entries();
      const auto& y = b.as_object().entries();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (x[i].first != y[i].first || !Identical(x[i].second, y[i].second)) return false;
      }
      return true;
    }
    default: return a == b;
  }
}

Value RoundTrip(const Value& v) {
  std::vector<uint8_t> bytes = EncodeValue(v);
  auto back = DecodeValue(bytes.data(), bytes.size());
  EXPECT_TRUE(back.ok()) << back.status();
  return back.ok() ? *back : Value::String("<decode failed>");
}

void ExpectRoundTrip(const Value& v) {
  Value back = RoundTrip(v);
  EXPECT_TRUE(Identical(v, back)) << v.ToJson() << " came back as " << back.ToJson();
}

TEST(CodecTest, Scalars) {
  ExpectRoundTrip(Value());
  ExpectRoundTrip(Value::Bool(true));
  ExpectRoundTrip(Value::Bool(false));
  for (int64_t i : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{127}, int64_t{-128},
                    int64_t{128}, int64_t{32767}, int64_t{-32769}, int64_t{1} << 31,
                    int64_t{1} << 53, (int64_t{1} << 53) + 1,
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    ExpectRoundTrip(Value::Int(i));
  }
  for (double d : {0.0, -0.0, 1.0, 0.1, 1.5, -2.25, 1e300, 5e-324, 3.4028234663852886e38,
                   1e-45, std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()}) {
    ExpectRoundTrip(Value::Double(d));
  }
  Value nan = RoundTrip(Value::Double(std::numeric_limits<double>::quiet_NaN()));
  ASSERT_TRUE(nan.is_double());
  EXPECT_TRUE(std::isnan(nan.as_double()));
  ExpectRoundTrip(Value::String(""));
  ExpectRoundTrip(Value::String("hello"));
  ExpectRoundTrip(Value::String(std::string("nul\0inside", 10)));
  ExpectRoundTrip(Value::String(std::string(100000, 'x')));
  ExpectRoundTrip(Value::String("\xFF\xFE not utf-8"));
}

TEST(CodecTest, IntAndDoubleStayDistinct) {
  Value i = RoundTrip(Value::Int(1));
  Value d = RoundTrip(Value::Double(1.0));
  EXPECT_TRUE(i.is_int());
  EXPECT_TRUE(d.is_double());
}

TEST(CodecTest, Containers) {
  ExpectRoundTrip(Value::MakeList({}));
  ExpectRoundTrip(Value::MakeObject(Object()));
  ExpectRoundTrip(J("[[],{},[[]],[{}],{\"a\":[]},{\"a\":{}}]"));
  ExpectRoundTrip(J(R"({"z":1,"a":2,"m":{"y":[1,2.5,"three",null,true],"b":{}}})"));
  ExpectRoundTrip(J(R"([{"a":1,"b":2},{"a":3,"b":4},{"b":5,"a":6},{"a":7}])"));
  std::vector<Object::Entry> odd_keys = {{"", Value::Int(1)},
                                         {std::string("k\0ey", 4), Value::Int(2)},
                                         {std::string(300, 'k'), Value::Int(3)}};
  ExpectRoundTrip(Value::MakeObject(Object(odd_keys)));
  // An empty object and an empty list must not be confused, nor a list holding either.
  EXPECT_TRUE(RoundTrip(Value::MakeObject(Object())).is_object());
  EXPECT_TRUE(RoundTrip(Value::MakeList({})).is_list());
  EXPECT_TRUE(RoundTrip(J("[{}]")).as_list()[0].is_object());
}

TEST(CodecTest, ObjectKeyOrderSurvives) {
  Value v = RoundTrip(J(R"({"zebra":1,"apple":2,"mango":3})"));
  EXPECT_EQ(v.ToJson(), R"({"zebra":1,"apple":2,"mango":3})");
}

TEST(CodecTest, LargeContainers) {
  List items;
  Object object;
  for (int i = 0; i < 5000; ++i) {
    items.push_back(Value::Int(int64_t{i} * 1000003));
    object.Set("key" + std::to_string(i), Value::String("v" + std::to_string(i)));
  }
  ExpectRoundTrip(Value::MakeList(items));
  ExpectRoundTrip(Value::MakeObject(object));
}

TEST(CodecTest, RepeatedStringsAndKeySets) {
  // Many references to one string and one key set: must survive the verifier (whose depth
  // accounting is per path) and share the key blob.
  List items;
  Value obj = J(R"({"tracking":"1Z999","vendor":"ups","address":"somewhere"})");
  for (int i = 0; i < 1000; ++i) items.push_back(i % 2 ? obj : Value::String("same"));
  Value list = Value::MakeList(items);
  ExpectRoundTrip(list);
  // 500 objects with the same keys: the key blob is written once.
  std::vector<uint8_t> bytes = EncodeValue(list);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t first = text.find("tracking");
  ASSERT_NE(first, std::string_view::npos);
  EXPECT_EQ(text.find("tracking", first + 1), std::string_view::npos);
}

TEST(CodecTest, DepthLimit) {
  Value v = Value::Int(1);
  for (int i = 0; i < Value::kMaxDepth; ++i) v = Value::MakeList({v});
  Value o = Value::Int(1);
  for (int i = 0; i < Value::kMaxDepth; ++i) o = Value::MakeObject(Object({{"k", o}}));
  for (const Value& deepest : {v, o}) {
    ExpectRoundTrip(deepest);
    flexbuffers::Builder fbb;
    ValueEncoder encoder(fbb);
    encoder.Encode(deepest);
    EXPECT_FALSE(encoder.too_deep());
  }
  // One level more: the encoder says so.
  Value too_deep = Value::MakeList({v});
  flexbuffers::Builder fbb;
  EXPECT_FALSE(EncodeValue(fbb, too_deep));
  flexbuffers::Builder fbb2;
  EXPECT_TRUE(EncodeValue(fbb2, v));
  // A caller may wrap the deepest values in a few lists of its own (a checkpoint's slots).
  Value wrapped = Value::MakeList({Value::MakeList({v, o})});
  ExpectRoundTrip(wrapped);
  // Beyond kDecodeMaxDepth, decoding fails cleanly.
  Value deeper = v;
  for (int i = Value::kMaxDepth; i < kDecodeMaxDepth + 1; ++i) deeper = Value::MakeList({deeper});
  std::vector<uint8_t> bytes = EncodeValue(deeper);
  auto back = DecodeValue(bytes.data(), bytes.size());
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("nesting deeper"), std::string::npos);
  // Far deeper: the verifier stops it before the decoder recurses.
  for (int i = 0; i < 1000; ++i) deeper = Value::MakeList({deeper});
  bytes = EncodeValue(deeper);
  EXPECT_FALSE(DecodeValue(bytes.data(), bytes.size()).ok());
}

TEST(CodecTest, Deterministic) {
  Value v = J(R"({"a":[1,2,{"b":"c"}],"d":1.5,"e":{"a":[1,2,{"b":"c"}]}})");
  EXPECT_EQ(EncodeValue(v), EncodeValue(J(v.ToJson())));
}

TEST(CodecTest, Compact) {
  // Sizes are part of what the engine reports per checkpoint; keep an eye on them.
  EXPECT_LE(EncodeValue(Value::Int(7)).size(), 3u);
  EXPECT_LE(EncodeValue(Value::String("ups")).size(), 8u);
  EXPECT_LE(EncodeValue(J(R"({"tracking":"1Z999","vendor":"ups"})")).size(), 48u);
}

TEST(CodecTest, EmbeddedInALargerBuffer) {
  // A checkpoint-like buffer: a vector of slots, each a value, plus a map around it.
  Value a = J(R"({"x":[1,2,3],"y":"s"})");
  Value b = J(R"({"x":[4],"y":"t"})");
  flexbuffers::Builder fbb;
  size_t map = fbb.StartMap();
  fbb.Int("pc", 42);
  size_t vec = fbb.StartVector("slots");
  ValueEncoder encoder(fbb);
  encoder.Encode(a);
  encoder.Encode(b);
  encoder.Encode(Value::Int(5));
  fbb.EndVector(vec, false, false);
  fbb.EndMap(map);
  fbb.Finish();
  const std::vector<uint8_t>& buf = fbb.GetBuffer();
  ASSERT_TRUE(VerifyValueBuffer(buf.data(), buf.size()));
  flexbuffers::Map root = flexbuffers::GetRoot(buf).AsMap();
  EXPECT_EQ(root["pc"].AsInt64(), 42);
  flexbuffers::Vector slots = root["slots"].AsVector();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_TRUE(Identical(*DecodeValue(slots[0]), a));
  EXPECT_TRUE(Identical(*DecodeValue(slots[1]), b));
  EXPECT_TRUE(Identical(*DecodeValue(slots[2]), Value::Int(5)));
  // The free function works the same for a single value.
  flexbuffers::Builder one;
  EncodeValue(one, a);
  one.Finish();
  EXPECT_TRUE(Identical(*DecodeValue(one.GetBuffer().data(), one.GetSize()), a));
}

TEST(CodecTest, RejectsNonValueFlexBuffers) {
  // Well-formed flexbuffers that are not values: a map, a uint, a typed vector, a blob.
  auto decode = [](const std::function<void(flexbuffers::Builder&)>& build) {
    flexbuffers::Builder fbb;
    build(fbb);
    fbb.Finish();
    return DecodeValue(fbb.GetBuffer().data(), fbb.GetSize());
  };
  EXPECT_FALSE(decode([](auto& b) { b.Map([&] { b.Int("a", 1); }); }).ok());
  EXPECT_FALSE(decode([](auto& b) { b.UInt(5); }).ok());
  EXPECT_FALSE(decode([](auto& b) { b.TypedVector([&] { b.Int(1); b.Int(2); }); }).ok());
  EXPECT_FALSE(decode([](auto& b) { b.Blob("ab", 2); }).ok());
  EXPECT_FALSE(decode([](auto& b) { b.IndirectInt(5); }).ok());
  // An object whose key blob holds fewer or more keys than there are values.
  EXPECT_FALSE(decode([](auto& b) {
                 b.Vector([&] {
                   b.Blob("\x01" "a", 2);
                   b.Int(1);
                   b.Int(2);
                 });
               }).ok());
  EXPECT_FALSE(decode([](auto& b) {
                 b.Vector([&] {
                   b.Blob("\x01" "a" "\x01" "b", 4);
                   b.Int(1);
                 });
               }).ok());
  EXPECT_FALSE(decode([](auto& b) {  // a key length running past the blob
                 b.Vector([&] {
                   b.Blob("\x05" "a", 2);
                   b.Int(1);
                 });
               }).ok());
  EXPECT_FALSE(decode([](auto& b) {  // a blob in a list position other than 0
                 b.Vector([&] {
                   b.Int(1);
                   b.Blob("x", 1);
                 });
               }).ok());
  // The same shapes, well-formed, do decode.
  auto ok = decode([](auto& b) {
    b.Vector([&] {
      b.Blob("\x01" "a" "\x01" "b", 4);
      b.Int(1);
      b.Int(2);
    });
  });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->ToJson(), R"({"a":1,"b":2})");
}

TEST(CodecTest, GarbageAndTruncation) {
  EXPECT_FALSE(DecodeValue(nullptr, 0).ok());
  uint8_t tiny[] = {0, 0};
  EXPECT_FALSE(DecodeValue(tiny, sizeof tiny).ok());
  std::vector<uint8_t> bytes = EncodeValue(J(R"({"a":[1,2,{"b":"cc"}],"d":1.5,"e":"x"})"));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto v = DecodeValue(bytes.data(), n);  // every prefix: an error or some value, no crash
    (void)v;
  }
  auto error = DecodeValue(bytes.data(), 1);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(error.status().message().find("corrupt value"), std::string::npos);
}

// Random values of every kind, for round trips and as seeds for mutation.
Value RandomValue(std::mt19937_64& rng, int depth) {
  int kind = static_cast<int>(rng() % (depth > 4 ? 5 : 7));
  switch (kind) {
    case 0: return Value();
    case 1: return Value::Bool(rng() & 1);
    case 2: {
      int shift = static_cast<int>(rng() % 64);
      return Value::Int(static_cast<int64_t>(rng()) >> shift);
    }
    case 3: {
      if (rng() & 1) return Value::Double(static_cast<double>(rng() % 1000) / 8.0);
      uint64_t bits = rng();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value::Double(std::isnan(d) ? 0.5 : d);
    }
    case 4: {
      static const char* const kWords[] = {"", "a", "ups", "fedex", "tracking", "\xC3\xA9"};
      return Value::String(kWords[rng() % 6] + std::string(rng() % 3, 'z'));
    }
    case 5: {
      List items(rng() % 6);
      for (auto& item : items) item = RandomValue(rng, depth + 1);
      return Value::MakeList(std::move(items));
    }
    default: {
      static const char* const kKeys[] = {"id", "name", "x", "y", "", "tracking"};
      Object o;
      size_t n = rng() % 6;
      for (size_t i = 0; i < n; ++i) o.Set(kKeys[rng() % 6], RandomValue(rng, depth + 1));
      return Value::MakeObject(std::move(o));
    }
  }
}

TEST(CodecTest, RandomValuesRoundTrip) {
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 3000; ++i) {
    Value v = RandomValue(rng, 0);
    Value back = RoundTrip(v);
    ASSERT_TRUE(Identical(v, back)) << v.ToJson() << " came back as " << back.ToJson();
  }
}

TEST(CodecTest, HostileBytesNeverCrash) {
  // Mutate encoded values (flip bytes, set bytes to interesting values, truncate, splice) and
  // decode: every outcome must be a Value or an InvalidArgument. Run under ASan for most value.
  std::mt19937_64 rng(99);
  int decoded = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> bytes = EncodeValue(RandomValue(rng, 0));
    int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !bytes.empty(); ++m) {
      size_t at = rng() % bytes.size();
      switch (rng() % 5) {
        case 0: bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
        case 1: bytes[at] = static_cast<uint8_t>(rng()); break;
        case 2: {
          static const uint8_t kInteresting[] = {0, 1, 2, 3, 4, 8, 0x7F, 0x80, 0xFF, 0x24, 0x28};
          bytes[at] = kInteresting[rng() % sizeof kInteresting];
          break;
        }
        case 3: bytes.resize(at); break;
        default: bytes.insert(bytes.begin() + static_cast<long>(at), static_cast<uint8_t>(rng()));
      }
    }
    auto v = DecodeValue(bytes.data(), bytes.size());
    if (v.ok()) {
      ++decoded;
      // Whatever decoded is a well-formed value: it prints and re-encodes.
      (void)v->ToJson();
      std::vector<uint8_t> again = EncodeValue(*v);
      ASSERT_TRUE(DecodeValue(again.data(), again.size()).ok());
    } else {
      ++rejected;
      EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(decoded, 0);
}

TEST(CodecTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    auto v = DecodeValue(bytes.data(), bytes.size());
    (void)v;
  }
}

}  // namespace
}  // namespace weft
