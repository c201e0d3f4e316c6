// The FlexBuffers encoding of weft::Value; the layout is described in value_codec.h and
// docs/format/values.md. Decoding treats every byte as hostile: the verifier runs first, and
// the decoder still checks each type, count and depth itself.
#include "value/value_codec.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace weft {
namespace {

void AppendLeb128(size_t n, std::string& out) {
  do {
    uint8_t byte = n & 0x7F;
    n >>= 7;
    out += static_cast<char>(n ? (byte | 0x80) : byte);
  } while (n);
}

bool SameKeys(const Object& a, const Object& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a.entries()[i].first != b.entries()[i].first) return false;
  }
  return true;
}

// Turns a verified flexbuffer back into Values. Every method returns false with error_ set on
// the first problem.
class Decoder {
 public:
  explicit Decoder(size_t max_nodes) : nodes_left_(max_nodes) {}

  bool Decode(flexbuffers::Reference ref, int depth, Value* out) {
    if (nodes_left_ == 0) return Fail("more values than the buffer can hold");
    --nodes_left_;
    switch (ref.GetType()) {
      case flexbuffers::FBT_NULL: *out = Value(); return true;
      case flexbuffers::FBT_BOOL: *out = Value::Bool(ref.AsBool()); return true;
      case flexbuffers::FBT_INT: *out = Value::Int(ref.AsInt64()); return true;
      case flexbuffers::FBT_FLOAT: *out = Value::Double(ref.AsDouble()); return true;
      case flexbuffers::FBT_STRING: {
        flexbuffers::String s = ref.AsString();
        if (s.size() > Value::kMaxStringBytes) return Fail("string longer than the limit");
        *out = Value::String(std::string(s.c_str(), s.size()));
        return true;
      }
      case flexbuffers::FBT_VECTOR: {
        if (depth >= kDecodeMaxDepth) {
          return Fail(absl::StrCat("nesting deeper than ", kDecodeMaxDepth, " levels"));
        }
        flexbuffers::Vector vec = ref.AsVector();
        if (vec.size() > 0 && vec[0].GetType() == flexbuffers::FBT_BLOB) {
          return DecodeObject(vec, depth + 1, out);
        }
        return DecodeList(vec, depth + 1, out);
      }
      default:
        return Fail(absl::StrCat("unexpected FlexBuffers type ", static_cast<int>(ref.GetType())));
    }
  }

  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool DecodeList(const flexbuffers::Vector& vec, int depth, Value* out) {
    List items(vec.size());
    for (size_t i = 0; i < vec.size(); ++i) {
      if (!Decode(vec[i], depth, &items[i])) return false;
    }
    *out = Value::MakeList(std::move(items));
    return true;
  }

  bool DecodeObject(const flexbuffers::Vector& vec, int depth, Value* out) {
    if (vec.size() - 1 > Value::kMaxObjectEntries) return Fail("object larger than the limit");
    flexbuffers::Blob blob = vec[0].AsBlob();
    const uint8_t* p = blob.data();
    const uint8_t* end = p + blob.size();
    std::vector<Object::Entry> entries(vec.size() - 1);
    for (size_t i = 0; i < entries.size(); ++i) {
      size_t len;
      if (!ReadLeb128(&p, end, &len)) return Fail("truncated object key length");
      if (len > static_cast<size_t>(end - p)) return Fail("object key runs past its blob");
      entries[i].first.assign(reinterpret_cast<const char*>(p), len);
      p += len;
      if (!Decode(vec[i + 1], depth, &entries[i].second)) return false;
    }
    if (p != end) return Fail("object has more keys than values");
    *out = Value::MakeObject(Object(std::move(entries)));
    return true;
  }

  static bool ReadLeb128(const uint8_t** p, const uint8_t* end, size_t* n) {
    size_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (*p == end) return false;
      uint8_t byte = *(*p)++;
      result |= static_cast<size_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) {
        *n = result;
        return true;
      }
    }
    return false;
  }

  size_t nodes_left_;
  std::string error_;
};

}  // namespace

// Iterative: the containers being written wait on an explicit stack, so a value of any depth
// is encoded without deep C++ recursion (a too-deep one is still written, and reported).
void ValueEncoder::Encode(const Value& value) {
  struct Frame {
    const List* list;        // the container being written: a list,
    const Object* object;    // or an object
    size_t count;            // its items or entries
    size_t start;            // the builder's vector start
    size_t next;             // the index of the next item or entry to write
  };
  absl::InlinedVector<Frame, 16> open;  // no allocation for the usual shallow values
  // Writes a scalar, or starts a container (and its key blob) and pushes it.
  auto begin = [&](const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNull: builder_.Null(); return;
      case Value::Kind::kBool: builder_.Bool(v.as_bool()); return;
      case Value::Kind::kInt: builder_.Int(v.as_int()); return;
      case Value::Kind::kDouble: builder_.Double(v.as_double()); return;
      case Value::Kind::kString: {
        const std::string& s = v.as_string();
        builder_.String(s.data(), s.size());
        return;
      }
      case Value::Kind::kList:
      case Value::Kind::kObject: {
        // open.size(): the number of containers enclosing v within `value`.
        if (open.size() >= static_cast<size_t>(Value::kMaxDepth)) too_deep_ = true;
        const size_t start = builder_.StartVector();
        if (v.is_list()) {
          open.push_back(Frame{&v.as_list(), nullptr, v.as_list().size(), start, 0});
        } else {
          EncodeKeys(v);
          open.push_back(Frame{nullptr, &v.as_object(), v.as_object().size(), start, 0});
        }
        return;
      }
    }
  };
  begin(value);
  while (!open.empty()) {
    Frame& top = open.back();
    if (top.next == top.count) {
      builder_.EndVector(top.start, /*typed=*/false, /*fixed=*/false);
      open.pop_back();
      continue;
    }
    const size_t i = top.next++;
    begin(top.list != nullptr ? (*top.list)[i] : top.object->entries()[i].second);  // may push
  }
}

void ValueEncoder::EncodeKeys(const Value& value) {
  const Object& object = value.as_object();
  for (size_t i = 0; i < key_cache_used_; ++i) {
    if (SameKeys(key_cache_[i].object.as_object(), object)) {
      builder_.ReuseValue(key_cache_[i].blob);
      return;
    }
  }
  // One scratch string per thread: an encoder is made per value, and a key blob longer than
  // the short-string buffer would otherwise allocate each time.
  thread_local std::string blob;
  if (blob.capacity() > 64 * 1024) std::string().swap(blob);  // not kept after a huge object
  blob.clear();
  for (const auto& entry : object) {
    AppendLeb128(entry.first.size(), blob);
    blob += entry.first;
  }
  builder_.Blob(blob.data(), blob.size());
  key_cache_[key_cache_next_] = CachedKeys{value, builder_.LastValue()};
  key_cache_next_ = (key_cache_next_ + 1) % kKeyCacheSize;
  if (key_cache_used_ < kKeyCacheSize) ++key_cache_used_;
}

bool EncodeValue(flexbuffers::Builder& builder, const Value& value) {
  ValueEncoder encoder(builder);
  encoder.Encode(value);
  return !encoder.too_deep();
}

// One warm builder per thread: values are encoded on every transition. A builder that grew
// for a big value is dropped rather than kept holding its memory (at the next call).
flexbuffers::Builder& ClearedWarmBuilder() {
  constexpr size_t kKeepBelow = 64 * 1024;
  thread_local std::unique_ptr<flexbuffers::Builder> builder;
  if (builder != nullptr && builder->GetSize() >= kKeepBelow) builder.reset();
  if (builder == nullptr) {
    builder = std::make_unique<flexbuffers::Builder>(256, flexbuffers::BUILDER_FLAG_NONE);
  }
  builder->Clear();
  return *builder;
}

namespace {

flexbuffers::Builder& EncodeIntoWarmBuilder(const Value& value) {
  flexbuffers::Builder& builder = ClearedWarmBuilder();
  EncodeValue(builder, value);
  builder.Finish();
  return builder;
}

}  // namespace

std::vector<uint8_t> EncodeValue(const Value& value) {
  return EncodeIntoWarmBuilder(value).GetBuffer();
}

std::span<const uint8_t> EncodeValueInPlace(const Value& value) {
  const std::vector<uint8_t>& bytes = EncodeIntoWarmBuilder(value).GetBuffer();
  return {bytes.data(), bytes.size()};
}

bool VerifyValueBuffer(const uint8_t* data, size_t size) {
  // The verifier asserts (aborts) rather than failing on sizes at or beyond 2 GiB.
  if (data == nullptr || size >= FLATBUFFERS_MAX_BUFFER_SIZE) return false;
  flexbuffers::Verifier verifier(data, size, /*reuse_tracker=*/nullptr,
                                 /*_check_alignment=*/true, kVerifierMaxDepth);
  return verifier.VerifyBuffer();
}

absl::StatusOr<Value> DecodeValue(const uint8_t* data, size_t size) {
  if (!VerifyValueBuffer(data, size)) {
    return absl::InvalidArgumentError("corrupt value: the FlexBuffers verifier rejected it");
  }
  return DecodeValue(flexbuffers::GetRoot(data, size), size);
}

absl::StatusOr<Value> DecodeValue(flexbuffers::Reference ref, size_t max_nodes) {
  Decoder decoder(max_nodes);
  Value out;
  if (!decoder.Decode(ref, 0, &out)) {
    return absl::InvalidArgumentError(absl::StrCat("corrupt value: ", decoder.error()));
  }
  return out;
}

}  // namespace weft
