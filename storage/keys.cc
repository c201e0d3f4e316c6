// See keys.h.
#include "storage/keys.h"

#include "absl/strings/str_cat.h"


namespace weft::storage {
namespace {
constexpr std::string_view kSep("\0", 1);
}

std::string BigEndian32(uint32_t v) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(v >> 24);
  s[1] = static_cast<char>(v >> 16);
  s[2] = static_cast<char>(v >> 8);
  s[3] = static_cast<char>(v);
  return s;
}

uint32_t ReadBigEndian32(std::string_view b) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[i])); };
  return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
}

// Joins parts into one key; all keys are built here, so their layout is in one place.
static std::string Join(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string key;
  key.reserve(n);
  for (std::string_view p : parts) key.append(p);
  return key;
}

std::string VersionPrefix(std::string_view workflow) { return Join({workflow, kSep}); }
std::string VersionKey(std::string_view workflow, uint32_t version) {
  return Join({workflow, kSep, BigEndian32(version)});
}
std::string HistoryPrefix(std::string_view id) { return Join({id, kSep}); }
std::string HistoryKey(std::string_view id, uint32_t seq) {
  return Join({id, kSep, BigEndian32(seq)});
}
std::string ExecTaskPrefix(std::string_view id) { return Join({id, kSep}); }
std::string ExecTaskKey(std::string_view id, std::string_view task_id) {
  return Join({id, kSep, task_id});
}
std::string QueuePrefix(std::string_view type) { return Join({type, kSep}); }
std::string QueueKey(std::string_view type, std::string_view task_id) {
  return Join({type, kSep, task_id});
}
std::string TaskLogPrefix(std::string_view task_id) { return Join({task_id, kSep}); }
std::string TaskLogKey(std::string_view task_id, uint32_t seq) {
  return Join({task_id, kSep, BigEndian32(seq)});
}
std::string AliasPrefix(std::string_view workflow) { return Join({workflow, kSep}); }
std::string AliasKey(std::string_view workflow, std::string_view name) {
  return Join({workflow, kSep, name});
}
std::string VersionIndexPrefix(std::string_view workflow, uint32_t version) {
  return Join({workflow, kSep, BigEndian32(version), kSep});
}
std::string VersionIndexKey(std::string_view workflow, uint32_t version, std::string_view id) {
  return Join({workflow, kSep, BigEndian32(version), kSep, id});
}
std::string StatusPrefix(uint8_t status) { return std::string(1, static_cast<char>(status)); }
std::string StatusKey(uint8_t status, std::string_view id) {
  return Join({StatusPrefix(status), id});
}

std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (56 - 8 * i));
  return s;
}
uint64_t ReadBigEndian64(std::string_view b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(b[i]);
  return v;
}

std::string TimerKey(int64_t due_ms, uint8_t kind, std::string_view id, uint64_t wait_id) {
  // Times before the epoch sort as 0: a timer due then is simply overdue.
  return Join({BigEndian64(static_cast<uint64_t>(due_ms < 0 ? 0 : due_ms)),
               std::string(1, static_cast<char>(kind)), id, kSep, BigEndian64(wait_id)});
}

std::optional<TimerKeyParts> ParseTimerKey(std::string_view key) {
  if (key.size() < 8 + 1 + 1 + 8) return std::nullopt;
  TimerKeyParts parts;
  parts.due_ms = static_cast<int64_t>(ReadBigEndian64(key));
  parts.kind = static_cast<uint8_t>(key[8]);
  const std::string_view rest = key.substr(9, key.size() - 9 - 8);
  if (rest.empty() || rest.back() != kSep[0]) return std::nullopt;
  parts.execution_id = std::string(rest.substr(0, rest.size() - 1));
  parts.wait_id = ReadBigEndian64(key.substr(key.size() - 8));
  return parts;
}

std::string WaitPrefix(std::string_view id) { return Join({id, kSep}); }
std::string WaitKey(std::string_view id, uint64_t wait_id) {
  return Join({id, kSep, BigEndian64(wait_id)});
}

std::string TypeIndexPrefix(std::string_view workflow) {
  return workflow.empty() ? std::string() : Join({workflow, kSep});
}
std::string SearchKey(std::string_view prefix, uint8_t status, int64_t created_ms,
                      std::string_view id) {
  return Join({prefix, std::string(1, static_cast<char>(status)),
               BigEndian64(static_cast<uint64_t>(created_ms < 0 ? 0 : created_ms)), id});
}
std::string CorrelationPrefix(std::string_view correlation_id) {
  return Join({correlation_id, kSep});
}
std::string CorrelationKey(std::string_view correlation_id, std::string_view id) {
  return Join({correlation_id, kSep, id});
}
std::string EventMessagePrefix(std::string_view handler) { return Join({handler, kSep}); }
std::string EventMessageKey(std::string_view handler, std::string_view message_id) {
  // LMDB keys are at most 511 bytes: a longer id is kept as its first bytes and a hash of it.
  constexpr size_t kMaxIdBytes = 256;
  if (message_id.size() <= kMaxIdBytes) return Join({handler, kSep, message_id});
  uint64_t h = 1469598103934665603ull;
  for (char c : message_id) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return Join({handler, kSep, message_id.substr(0, kMaxIdBytes - 17), "~",
               absl::StrCat(absl::Hex(h, absl::kZeroPad16))});
}
std::string IdempotencyPrefix(std::string_view workflow, std::string_view key) {
  return Join({workflow, kSep, key, kSep});
}
std::string IdempotencyKey(std::string_view workflow, std::string_view key,
                           std::string_view id) {
  return Join({workflow, kSep, key, kSep, id});
}

}  // namespace weft::storage
