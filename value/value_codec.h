// The binary form of weft::Value, used wherever values are stored: bytecode constants,
// checkpoints (stack slots, locals), task and execution records. Built on FlexBuffers
// (FlatBuffers 2.0.8) so that a value can sit inside a larger flexbuffer, e.g. a vector of slots.
//
// Encoding (the full description, with examples, is docs/format/values.md):
//   null    FBT_NULL              bool    FBT_BOOL
//   int     FBT_INT (exact int64) float   FBT_FLOAT (32-bit when exact, else 64-bit: exact)
//   string  FBT_STRING (sized: may hold NUL bytes)
//   list    FBT_VECTOR (untyped) of the items
//   object  FBT_VECTOR (untyped) whose element 0 is an FBT_BLOB holding the keys, followed by the
//           N values in key order. The blob is the keys in insertion order, each as a LEB128
//           length then its bytes. FlexBuffers maps are not used because they sort their keys;
//           FBT_KEY is not used because it cannot hold NUL bytes. A list never contains a blob,
//           so the two container kinds cannot be confused; {} is [blob("")], [] is [].
// Encoding is deterministic: the same value gives the same bytes (used for content hashes).
// Identical key sets of objects encoded by one ValueEncoder share one blob.
//
// Depth: a value nested deeper than Value::kMaxDepth is still encoded, but ValueEncoder reports
// it (too_deep()) because such bytes would not decode: check it before storing anything the
// language built (JSON input cannot be that deep). The decoder accepts kDecodeMaxDepth, a few
// levels more than kMaxDepth, so a caller may wrap values (e.g. a list of checkpoint slots).
//
// Decoding is safe on hostile bytes: DecodeValue(data, size) runs the FlexBuffers verifier
// first, then decodes defensively (only the types above; the key blob must hold exactly one key
// per value; nesting at most kDecodeMaxDepth; strings at most Value::kMaxStringBytes and
// objects at most Value::kMaxObjectEntries; at most `size` nodes, which bounds the work on
// inputs whose references form a DAG).
//
// Neither direction recurses on the C++ stack for depth: the encoder keeps an explicit stack
// (values built in C++ may be arbitrarily deep), and the decoder stops at kDecodeMaxDepth.
#ifndef WEFT_VALUE_VALUE_CODEC_H_
#define WEFT_VALUE_VALUE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "flatbuffers/flexbuffers.h"
#include "weft/value.h"

namespace weft {

// Encodes values into a caller's builder, sharing the key blobs of objects with the same keys
// across every value it encodes. Use one per buffer being built (e.g. one per checkpoint).
// REQUIRES: `builder` outlives the encoder.
class ValueEncoder {
 public:
  explicit ValueEncoder(flexbuffers::Builder& builder) : builder_(builder) {}
  ValueEncoder(const ValueEncoder&) = delete;
  ValueEncoder& operator=(const ValueEncoder&) = delete;

  // Pushes one value onto the builder's stack (as an element of the vector being built, or as
  // the root before Finish()). Always leaves the builder balanced, even for too-deep values.
  void Encode(const Value& value);

  // True once any value given to Encode() nested deeper than Value::kMaxDepth: the buffer being
  // built would then fail to decode, so the caller must not store it.
  bool too_deep() const { return too_deep_; }

 private:
  void EncodeKeys(const Value& object);

  struct CachedKeys {
    Value object;                        // whose keys were written (held, so never dangling)
    flexbuffers::Builder::Value blob;    // where
  };
  static constexpr size_t kKeyCacheSize = 8;

  flexbuffers::Builder& builder_;
  CachedKeys key_cache_[kKeyCacheSize] = {};
  size_t key_cache_used_ = 0;
  size_t key_cache_next_ = 0;  // round-robin replacement
  bool too_deep_ = false;
};

// One value into a caller's builder (a ValueEncoder for a single value). Returns false when the
// value nests deeper than Value::kMaxDepth (it is encoded anyway; see ValueEncoder::too_deep).
bool EncodeValue(flexbuffers::Builder& builder, const Value& value);

// One value as a finished, self-contained buffer. REQUIRES: the value nests at most
// Value::kMaxDepth levels (true of anything from FromJson or DecodeValue); a deeper value gives
// bytes that DecodeValue rejects. Use a ValueEncoder to find out.
std::vector<uint8_t> EncodeValue(const Value& value);

// As EncodeValue, into this thread's warm builder: the bytes stay valid until the thread's
// next call of either. For a caller that copies them at once (a record's value blob), it saves
// the vector.
std::span<const uint8_t> EncodeValueInPlace(const Value& value);

// This thread's warm builder, cleared: what EncodeValueInPlace encodes into, for a writer that
// builds a value's binary form itself (ObjectWriter). Its bytes stay valid until the thread's
// next call of either.
flexbuffers::Builder& ClearedWarmBuilder();

// Verifies and decodes a buffer made by EncodeValue(const Value&). Never crashes on bad bytes:
// returns InvalidArgument ("corrupt value: ...") instead.
absl::StatusOr<Value> DecodeValue(const uint8_t* data, size_t size);

// Decodes a value embedded in a larger flexbuffer. REQUIRES: the enclosing buffer has passed a
// FlexBuffers verifier (VerifyValueBuffer below, or flexbuffers::Verifier with a max_depth of at
// least kVerifierMaxDepth: the stock VerifyBuffer() stops at depth 64). The decoding itself is
// still defensive (types, key counts, depth); `max_nodes` caps the number of values produced.
absl::StatusOr<Value> DecodeValue(flexbuffers::Reference ref, size_t max_nodes = SIZE_MAX);

// The deepest container nesting the decoder accepts: Value::kMaxDepth plus room for a caller to
// wrap values in a few levels of its own lists (a checkpoint's list of slots).
inline constexpr int kDecodeMaxDepth = Value::kMaxDepth + 8;

// The FlexBuffers verifier depth that lets any decodable value through (the verifier also counts
// strings and key blobs as a level), with room for enclosing structure.
inline constexpr size_t kVerifierMaxDepth = Value::kMaxDepth + 16;

// The FlexBuffers verifier with kVerifierMaxDepth. Use it on any buffer that embeds values.
bool VerifyValueBuffer(const uint8_t* data, size_t size);

}  // namespace weft

#endif  // WEFT_VALUE_VALUE_CODEC_H_
