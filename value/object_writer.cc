// See object_writer.h. The layout written is value_codec.h's object: an untyped vector whose
// element 0 is a blob of the keys (each a LEB128 length, then its bytes), then the values.
#include "value/object_writer.h"

#include <string>
#include <utility>
#include <vector>

#include "common/check.h"
#include "value/value_codec.h"

namespace weft {
namespace {

void AppendKey(std::string_view key, std::string& out) {
  size_t n = key.size();
  do {
    const uint8_t byte = n & 0x7F;
    n >>= 7;
    out += static_cast<char>(n ? (byte | 0x80) : byte);
  } while (n);
  out += key;
}

}  // namespace

ObjectWriter::Field& ObjectWriter::Next(std::string_view key, Kind kind) {
  WEFT_CHECK_MSG(size_ < kMaxFields, "ObjectWriter: more fields than kMaxFields");
  for (size_t i = 0; i < size_; ++i) WEFT_CHECK_MSG(fields_[i].key != key, "ObjectWriter: a key twice");
  Field& f = fields_[size_++];
  f = Field{};
  f.key = key;
  f.kind = kind;
  return f;
}

ObjectWriter& ObjectWriter::Int(std::string_view key, int64_t v) {
  Next(key, Kind::kInt).i = v;
  return *this;
}

ObjectWriter& ObjectWriter::Bool(std::string_view key, bool v) {
  Next(key, Kind::kBool).i = v ? 1 : 0;
  return *this;
}

ObjectWriter& ObjectWriter::String(std::string_view key, std::string_view v) {
  Next(key, Kind::kString).s = v;
  return *this;
}

ObjectWriter& ObjectWriter::Add(std::string_view key, const Value& v) {
  Next(key, Kind::kValue).v = &v;
  return *this;
}

std::span<const uint8_t> ObjectWriter::EncodeInPlace() const {
  thread_local std::string keys;
  if (keys.capacity() > 4096) std::string().swap(keys);
  keys.clear();
  for (size_t i = 0; i < size_; ++i) AppendKey(fields_[i].key, keys);
  flexbuffers::Builder& builder = ClearedWarmBuilder();
  const size_t start = builder.StartVector();
  builder.Blob(keys.data(), keys.size());
  for (size_t i = 0; i < size_; ++i) {
    const Field& f = fields_[i];
    switch (f.kind) {
      case Kind::kInt: builder.Int(f.i); break;
      case Kind::kBool: builder.Bool(f.i != 0); break;
      case Kind::kString: builder.String(f.s.data(), f.s.size()); break;
      case Kind::kValue: EncodeValue(builder, *f.v); break;
    }
  }
  builder.EndVector(start, /*typed=*/false, /*fixed=*/false);
  builder.Finish();
  const std::vector<uint8_t>& bytes = builder.GetBuffer();
  return {bytes.data(), bytes.size()};
}

Value ObjectWriter::ToValue() const {
  std::vector<Object::Entry> entries;
  entries.reserve(size_);
  for (size_t i = 0; i < size_; ++i) {
    const Field& f = fields_[i];
    Value v;
    switch (f.kind) {
      case Kind::kInt: v = Value::Int(f.i); break;
      case Kind::kBool: v = Value::Bool(f.i != 0); break;
      case Kind::kString: v = Value::String(std::string(f.s)); break;
      case Kind::kValue: v = *f.v; break;
    }
    entries.emplace_back(std::string(f.key), std::move(v));
  }
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace weft
