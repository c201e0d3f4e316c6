// ObjectWriter: an object written field by field gives the bytes EncodeValue gives for the same
// object built as a Value, decodes back to it, and checks its own limits.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "value/object_writer.h"
#include "value/value_codec.h"
#include "weft/value.h"
#include "tests/value/json_literal.h"
#include "tests/value/value_printer.h"

namespace weft {
namespace {

using testing::J;

std::vector<uint8_t> Bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(ObjectWriter, GivesTheBytesOfTheSameObjectBuiltAsAValue) {
  const Value input = J(R"({"order": 7, "lines": [{"sku": "a", "n": 2}, null, 1.5, "x"]})");
  const std::string worker = "worker with a name longer than sixteen bytes";
  ObjectWriter w;
  w.String("worker", worker).Int("attempt", 3).Bool("terminal", false).Add("input", input)
      .Int("negative", -1234567890123);
  const Value as_value = J(
      R"({"worker": "worker with a name longer than sixteen bytes", "attempt": 3,
          "terminal": false,
          "input": {"order": 7, "lines": [{"sku": "a", "n": 2}, null, 1.5, "x"]},
          "negative": -1234567890123})");
  EXPECT_EQ(Bytes(w.EncodeInPlace()), EncodeValue(as_value));
  EXPECT_EQ(w.ToValue(), as_value);
  std::vector<uint8_t> bytes = Bytes(w.EncodeInPlace());
  absl::StatusOr<Value> decoded = DecodeValue(bytes.data(), bytes.size());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, as_value);
  EXPECT_EQ(decoded->as_object().entries()[0].first, "worker");  // the order given
}

TEST(ObjectWriter, EmptyObjectsAndKeysThatNeedTwoLengthBytes) {
  EXPECT_EQ(Bytes(ObjectWriter().EncodeInPlace()), EncodeValue(J("{}")));
  const std::string long_key(200, 'k');  // a LEB128 length of two bytes
  const Value null;
  ObjectWriter w;
  w.Add(long_key, null).String("", "empty key");
  std::vector<Object::Entry> entries;
  entries.emplace_back(long_key, Value());
  entries.emplace_back("", Value::String("empty key"));
  const Value as_value = Value::MakeObject(Object(std::move(entries)));
  EXPECT_EQ(Bytes(w.EncodeInPlace()), EncodeValue(as_value));
}

TEST(ObjectWriter, AnEncodeAfterItIsStillTheObject) {
  // The bytes live in the thread's warm builder: encoding the same writer again gives them
  // again, after another value used the builder in between.
  const Value output = J(R"({"ok": true})");
  ObjectWriter w;
  w.Int("attempt", 1).Add("output", output);
  const std::vector<uint8_t> first = Bytes(w.EncodeInPlace());
  EXPECT_EQ(Bytes(EncodeValueInPlace(J("[1, 2, 3]"))), EncodeValue(J("[1, 2, 3]")));
  EXPECT_EQ(Bytes(w.EncodeInPlace()), first);
}

TEST(ObjectWriterDeathTest, MoreFieldsThanItHoldsOrAKeyTwiceIsABug) {
  EXPECT_DEATH(
      {
        ObjectWriter w;
        for (int i = 0; i <= static_cast<int>(ObjectWriter::kMaxFields); ++i) {
          w.Int(std::string_view("abcdefghijk").substr(i, 1), i);
        }
      },
      "kMaxFields");
  EXPECT_DEATH(
      {
        ObjectWriter w;
        w.Int("a", 1).Int("a", 2);
      },
      "a key twice");
}

}  // namespace
}  // namespace weft
