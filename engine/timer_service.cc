// See timer_service.h.
#include "engine/timer_service.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

#include "storage/keys.h"

namespace weft::engine {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

TimerService::TimerService(storage::Env& env, const Clock& clock, VirtualClock* virtual_clock,
                           Writer& writer, std::function<bool()> idle)
    : env_(env), clock_(clock), virtual_clock_(virtual_clock), writer_(writer),
      idle_(std::move(idle)) {}

TimerService::~TimerService() { Stop(); }

void TimerService::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  next_due_ = 0;
  thread_ = std::thread([this] { Loop(); });
}

void TimerService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerService::Notify(int64_t due_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (next_due_ != 0 && due_ms >= next_due_) return;
    // 0 means "scan the store": the scan sees this timer too, and an earlier one this
    // transaction did not set. Replacing the 0 would skip that one until `due_ms` (a virtual
    // clock would even jump past it).
    if (next_due_ != 0) next_due_ = due_ms;
  }
  cv_.notify_all();
}

size_t TimerService::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.size();
}

int64_t TimerService::FireDue(int64_t now_ms) {
  std::vector<std::string> due;
  int64_t next = kNever;
  absl::StatusOr<storage::Txn> txn = storage::Txn::BeginRead(env_);
  if (!txn.ok()) return now_ms + 100;  // try again shortly
  absl::Status s = txn->ScanPrefix(storage::Table::kTimers, "",
                                   [&](std::string_view key, std::string_view) {
                                     if (key.size() < 8) return true;
                                     const int64_t when =
                                         static_cast<int64_t>(storage::ReadBigEndian64(key));
                                     if (when > now_ms) {
                                       next = when;
                                       return false;
                                     }
                                     due.emplace_back(key);
                                     return true;
                                   });
  if (!s.ok()) return now_ms + 100;
  for (std::string& key : due) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!in_flight_.insert(key).second) continue;
    }
    std::string copy = key;
    writer_.Submit(TimerFiredCommand{std::move(key)}, [this, copy](const absl::Status&) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_.erase(copy);
        next_due_ = 0;  // what fired may have set new timers: look again
      }
      cv_.notify_all();
    });
  }
  return next;
}

void TimerService::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const int64_t now = clock_.NowMs();
    if (next_due_ == 0 || next_due_ <= now) {
      // During the scan, Notify and the fired timers' callbacks (0: look again) lower this;
      // what they say must not be overwritten by what the scan saw before they ran.
      next_due_ = kNever;
      lock.unlock();
      const int64_t next = FireDue(now);
      lock.lock();
      next_due_ = std::min(next_due_, next);
      continue;
    }
    if (virtual_clock_ != nullptr) {
      // Simulated time moves only when nothing else can happen first.
      if (in_flight_.empty() && next_due_ != kNever && idle_ && idle_() &&
          virtual_clock_->AdvanceTo(next_due_)) {
        continue;
      }
      cv_.wait_for(lock, std::chrono::milliseconds(1));
      continue;
    }
    const int64_t wait_ms = std::min<int64_t>(next_due_ - now, 60'000);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
  }
}

}  // namespace weft::engine
