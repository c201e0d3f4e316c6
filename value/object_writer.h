// ObjectWriter: one object's binary form (value_codec.h) written field by field, with no Value
// built for the object or its scalars. The engine writes history details on every transition;
// building them as Values cost an allocation per object, per entry list and per string, and
// freeing them again, on the writer's hot path.
//
// The bytes are those EncodeValue(Obj(...)) gives for the same fields in the same order, so
// DecodeValue reads them back as that object. One difference is allowed by the format: a nested
// Value whose object has exactly this object's keys gets a key blob of its own rather than
// sharing this one's (both decode the same).
#ifndef WEFT_VALUE_OBJECT_WRITER_H_
#define WEFT_VALUE_OBJECT_WRITER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "weft/value.h"

namespace weft {

class ObjectWriter {
 public:
  static constexpr size_t kMaxFields = 8;

  // Each adds one field after those added before. Keys and strings are referenced, not copied:
  // they, and a Value given to Add, must outlive Encode. REQUIRES: fewer than kMaxFields fields
  // so far, and no key given twice.
  ObjectWriter& Int(std::string_view key, int64_t v);
  ObjectWriter& Bool(std::string_view key, bool v);
  ObjectWriter& String(std::string_view key, std::string_view v);
  ObjectWriter& Add(std::string_view key, const Value& v);
  // A temporary would be gone before Encode: not allowed.
  ObjectWriter& Add(std::string_view key, Value&& v) = delete;
  template <typename T>
    requires std::is_same_v<T, std::string>
  ObjectWriter& String(std::string_view key, T&& v) = delete;

  size_t size() const { return size_; }

  // The object's bytes, in this thread's warm builder (EncodeValueInPlace's): valid until the
  // thread's next encode of either kind. As with EncodeValueInPlace, a nested Value of any
  // depth the language or JSON can build decodes (the decoder allows kDecodeMaxDepth).
  std::span<const uint8_t> EncodeInPlace() const;

  // The same object as a Value (for a reader that wants one, and for tests).
  Value ToValue() const;

 private:
  enum class Kind : uint8_t { kInt, kBool, kString, kValue };
  struct Field {
    std::string_view key;
    Kind kind = Kind::kInt;
    int64_t i = 0;
    std::string_view s;
    const Value* v = nullptr;
  };
  Field& Next(std::string_view key, Kind kind);

  std::array<Field, kMaxFields> fields_;
  size_t size_ = 0;
};

}  // namespace weft

#endif  // WEFT_VALUE_OBJECT_WRITER_H_
