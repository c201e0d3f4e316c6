// The engine's notion of time. Everything that reads the time (transition timestamps, now(),
// leases) goes through a Clock, so tests can substitute their own.
#ifndef WEFT_ENGINE_CLOCK_H_
#define WEFT_ENGINE_CLOCK_H_

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

}  // namespace weft::engine

#endif  // WEFT_ENGINE_CLOCK_H_
