// See task_policy.h.
#include "engine/task_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace weft::engine {
namespace {

// The readers named by the Read column of common/task_policy_keys.def.
int64_t ReadInt(const Object& o, const char* key, int64_t fallback) {
  const Value* v = o.Find(key);
  if (v == nullptr) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return fallback;
}

int64_t ReadNonNegative(const Object& o, const char* key, int64_t fallback) {
  return std::max<int64_t>(0, ReadInt(o, key, fallback));
}

double ReadNumber(const Object& o, const char* key, double fallback) {
  const Value* v = o.Find(key);
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int()) return static_cast<double>(v->as_int());
  return fallback;
}

double ReadFraction(const Object& o, const char* key, double fallback) {
  return std::clamp(ReadNumber(o, key, fallback), 0.0, 1.0);
}

bool ReadBool(const Object& o, const char* key, bool fallback) {
  const Value* v = o.Find(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

std::string ReadString(const Object& o, const char* key, const std::string& fallback) {
  const Value* v = o.Find(key);
  return v != nullptr && v->is_string() ? v->as_string() : fallback;
}

}  // namespace

Value MergePolicy(const Value& declared, const Value& override) {
  if (!override.is_object() || override.as_object().size() == 0) return declared;
  if (!declared.is_object()) return override;
  std::vector<Object::Entry> entries = declared.as_object().entries();
  for (const auto& entry : override.as_object().entries()) {
    const std::string& key = entry.first;  // not bound: clang 15 cannot capture a binding
    const Value& value = entry.second;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Object::Entry& e) { return e.first == key; });
    if (it != entries.end()) {
      it->second = value;
    } else {
      entries.emplace_back(key, value);
    }
  }
  return Value::MakeObject(Object(std::move(entries)));
}

TaskPolicy ParsePolicy(const Value& merged) {
  TaskPolicy p;
  if (!merged.is_object()) return p;
  const Object& o = merged.as_object();
#define TASK_POLICY_KEY(field, key, check, read, type, fallback) p.field = Read##read(o, key, p.field);
#include "common/task_policy_keys.def"
#undef TASK_POLICY_KEY
  return p;
}

int64_t RetryDelayMs(const TaskPolicy& policy, uint32_t next_attempt, double unit) {
  const double retry = next_attempt < 2 ? 1 : next_attempt - 1;  // 1 for the first retry
  double delay = static_cast<double>(policy.delay_ms);
  if (policy.backoff == "linear") {
    delay *= policy.backoff_scale * retry;
  } else if (policy.backoff == "exponential") {
    delay *= std::pow(2.0, std::min(retry - 1, 62.0));
  }
  if (policy.max_delay_ms > 0) delay = std::min(delay, static_cast<double>(policy.max_delay_ms));
  delay -= delay * policy.jitter * std::clamp(unit, 0.0, 1.0);
  delay = std::clamp(delay, 0.0, 9.0e15);
  return static_cast<int64_t>(delay);
}

double UnitFromSeed(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace weft::engine
