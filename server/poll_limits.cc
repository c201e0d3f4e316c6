// See poll_limits.h.
#include "server/poll_limits.h"

#include <algorithm>

#include "common/strings.h"

namespace weft::server {
namespace {

int64_t PositiveInt(const Value& def, std::string_view key) {
  if (!def.is_object()) return 0;
  const Value* v = def.as_object().Find(key);
  return v != nullptr && v->is_int() && v->as_int() > 0 ? v->as_int() : 0;
}

}  // namespace

void PollLimits::Set(std::string_view type, const Value& taskdef) {
  Limits l;
  l.concurrency = PositiveInt(taskdef, "concurrentExecLimit");
  l.rate = PositiveInt(taskdef, "rateLimitPerFrequency");
  if (const int64_t s = PositiveInt(taskdef, "rateLimitFrequencyInSeconds"); s > 0) {
    l.window_ms = s * 1000;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (l.concurrency == 0 && l.rate == 0) {
    by_type_.erase(ToAbsl(type));
  } else {
    by_type_[ToAbsl(type)] = l;
  }
}

void PollLimits::Erase(std::string_view type) {
  std::lock_guard<std::mutex> lock(mu_);
  by_type_.erase(ToAbsl(type));
}

int PollLimits::Allow(std::string_view type, int count, int64_t now_ms,
                      const std::function<int64_t()>& out_now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_type_.find(ToAbsl(type));
  if (it == by_type_.end()) return count;
  Limits& l = it->second;
  int64_t allowed = count;
  if (l.concurrency > 0) allowed = std::min(allowed, std::max<int64_t>(0, l.concurrency - out_now()));
  if (l.rate > 0) {
    if (now_ms - l.window_start_ms >= l.window_ms || now_ms < l.window_start_ms) {
      l.window_start_ms = now_ms;
      l.taken_in_window = 0;
    }
    allowed = std::min(allowed, std::max<int64_t>(0, l.rate - l.taken_in_window));
    l.taken_in_window += allowed;
  }
  return static_cast<int>(allowed);
}

void PollLimits::Refund(std::string_view type, int unused) {
  if (unused <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_type_.find(ToAbsl(type));
  if (it == by_type_.end() || it->second.rate == 0) return;
  it->second.taken_in_window = std::max<int64_t>(0, it->second.taken_in_window - unused);
}

}  // namespace weft::server
