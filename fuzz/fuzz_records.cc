// Fuzz target: stored rows -> the record decoders of storage/records.cc, the CRC32C framing
// (storage::UnsealRecord), the wait records' value blobs and the timer keys; the input layout
// is in records.h. A row decodes or fails with a clean status, never a crash; a row that
// decodes re-encodes to bytes that decode again to the same encoding; a sealed row unseals
// exactly when its checksum matches.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "fuzz/records.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "value/value_codec.h"

namespace {

using weft::fuzz::RecordKind;

// Decode, encode, decode again: the second encoding must equal the first.
template <typename Row>
void RoundTrip(absl::StatusOr<Row> (*decode)(std::string_view),
               std::string (*encode)(const Row&), std::string_view bytes) {
  absl::StatusOr<Row> row = decode(bytes);
  if (!row.ok()) {
    WEFT_CHECK(!row.status().message().empty());
    return;
  }
  const std::string encoded = encode(*row);
  absl::StatusOr<Row> again = decode(encoded);
  WEFT_CHECK_MSG(again.ok(), std::string(again.status().message()).c_str());
  WEFT_CHECK(encode(*again) == encoded);
}

// A history record is also read as a `history_log` record (the same table with its execution,
// seq and link): under the largest log number, so that any backward link is allowed.
std::string EncodeLogged(const weft::storage::HistoryLogRow& row) {
  return weft::storage::EncodeHistoryLog(row);
}
absl::StatusOr<weft::storage::HistoryLogRow> DecodeLogged(std::string_view bytes) {
  return weft::storage::DecodeHistoryLog(bytes, UINT64_MAX);
}

void DecodeWait(std::string_view bytes) {
  absl::StatusOr<weft::Value> v =
      weft::DecodeValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!v.ok()) return;
  const std::vector<uint8_t> encoded = weft::EncodeValue(*v);
  absl::StatusOr<weft::Value> again = weft::DecodeValue(encoded.data(), encoded.size());
  WEFT_CHECK(again.ok());
}

void ParseTimer(std::string_view key) {
  std::optional<weft::storage::TimerKeyParts> parts = weft::storage::ParseTimerKey(key);
  // TimerKey writes times before the epoch as 0, so only a key with a non-negative time is
  // one it could have written; that one must come back byte for byte.
  if (!parts || parts->due_ms < 0) return;
  WEFT_CHECK(weft::storage::TimerKey(parts->due_ms, parts->kind, parts->execution_id,
                                     parts->wait_id) == key);
}

void Decode(RecordKind kind, std::string_view key, std::string_view bytes) {
  namespace s = weft::storage;
  switch (kind) {
    case RecordKind::kVersion: return RoundTrip(&s::DecodeVersion, &s::EncodeVersion, bytes);
    case RecordKind::kExecution: return RoundTrip(&s::DecodeExecution, &s::EncodeExecution, bytes);
    case RecordKind::kExecState: return RoundTrip(&s::DecodeExecState, &s::EncodeExecState, bytes);
    case RecordKind::kTask: return RoundTrip(&s::DecodeTask, &s::EncodeTask, bytes);
    case RecordKind::kHistory:
      RoundTrip(&s::DecodeHistory, &s::EncodeHistory, bytes);
      return RoundTrip(&DecodeLogged, &EncodeLogged, bytes);
    case RecordKind::kWait: return DecodeWait(bytes);
    case RecordKind::kTimerKey: return ParseTimer(key.empty() ? bytes : key);
    case RecordKind::kSchedule: return RoundTrip(&s::DecodeSchedule, &s::EncodeSchedule, bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto kind = static_cast<RecordKind>((data[0] & 0x7) % weft::fuzz::kRecordKinds);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!(data[0] & weft::fuzz::kSealedBit)) {
    Decode(kind, {}, rest);
    return 0;
  }
  if (rest.empty()) return 0;
  const size_t key_size = std::min<size_t>(static_cast<unsigned char>(rest[0]), rest.size() - 1);
  const std::string_view key = rest.substr(1, key_size);
  const std::string_view stored = rest.substr(1 + key_size);
  absl::StatusOr<std::string_view> value =
      weft::storage::UnsealRecord(weft::fuzz::RecordTable(kind), key, stored);
  if (!value.ok()) {
    WEFT_CHECK(value.status().code() == absl::StatusCode::kDataLoss);
    return 0;
  }
  WEFT_CHECK(weft::storage::SealRecord(key, *value) == stored);
  Decode(kind, key, *value);
  return 0;
}
