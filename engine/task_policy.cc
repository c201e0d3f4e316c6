// See task_policy.h.
#include "engine/task_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace weft::engine {
namespace {

int64_t IntField(const Object& o, const char* key, int64_t fallback) {
  const Value* v = o.Find(key);
  if (v == nullptr) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return fallback;
}

double DoubleField(const Object& o, const char* key, double fallback) {
  const Value* v = o.Find(key);
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int()) return static_cast<double>(v->as_int());
  return fallback;
}

}  // namespace

Value MergePolicy(const Value& declared, const Value& override) {
  if (!override.is_object() || override.as_object().size() == 0) return declared;
  if (!declared.is_object()) return override;
  std::vector<Object::Entry> entries = declared.as_object().entries();
  for (const auto& [key, value] : override.as_object().entries()) {
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
  p.retries = std::max<int64_t>(0, IntField(o, "retries", 0));
  if (const Value* b = o.Find("backoff"); b != nullptr && b->is_string()) p.backoff = b->as_string();
  p.delay_ms = std::max<int64_t>(0, IntField(o, "delay", p.delay_ms));
  p.backoff_scale = DoubleField(o, "backoff_scale", 1);
  p.max_delay_ms = std::max<int64_t>(0, IntField(o, "max_delay", 0));
  p.jitter = std::clamp(DoubleField(o, "jitter", 0), 0.0, 1.0);
  p.timeout_ms = std::max<int64_t>(0, IntField(o, "timeout", 0));
  p.heartbeat_ms = std::max<int64_t>(0, IntField(o, "heartbeat", 0));
  p.schedule_timeout_ms = std::max<int64_t>(0, IntField(o, "schedule_timeout", 0));
  p.total_timeout_ms = std::max<int64_t>(0, IntField(o, "total_timeout", 0));
  if (const Value* opt = o.Find("optional"); opt != nullptr && opt->is_bool()) {
    p.optional = opt->as_bool();
  }
  p.priority = IntField(o, "priority", 0);
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
