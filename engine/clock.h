// The engine's notion of time. Everything that reads the time (transition timestamps, now(),
// leases) goes through a Clock, so tests can substitute their own.
#ifndef WEFT_ENGINE_CLOCK_H_
#define WEFT_ENGINE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weft::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// Simulated time (EngineOptions::virtual_time): starts at the real time (or at `start_ms`) and
// only moves when the timer service jumps it to the next due timer, which it does only while
// the engine has nothing else to do. Never goes backwards. While held (Hold), it does not move
// at all: a test holds it to do several things before the next timer can fire.
class VirtualClock final : public Clock {
 public:
  VirtualClock() : now_ms_(SystemClock().NowMs()) {}
  explicit VirtualClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_acquire); }
  // Moves the clock forward to `ms` (never back); false when it is held.
  bool AdvanceTo(int64_t ms) {
    if (held_.load(std::memory_order_acquire)) return false;
    int64_t now = now_ms_.load(std::memory_order_acquire);
    while (ms > now && !now_ms_.compare_exchange_weak(now, ms, std::memory_order_acq_rel)) {
    }
    return true;
  }
  void Hold(bool held) { held_.store(held, std::memory_order_release); }

 private:
  std::atomic<int64_t> now_ms_;
  std::atomic<bool> held_{false};
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_CLOCK_H_
