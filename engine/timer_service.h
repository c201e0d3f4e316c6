// The timer service fires durable timers (table `timers`, keyed by due time) when they fall
// due. It sleeps until the earliest due time it knows of, not on a sweeper's period, so a
// timer fires within a few milliseconds of its time; one that fell due while the engine was
// down fires right after it opens. Firing is a TimerFiredCommand to the writer: the
// transition re-checks the key, so a timer whose wait ended another way is a no-op.
//
// With a VirtualClock it jumps the clock to the next due timer whenever the engine is idle
// (`idle` says so), which makes a 30-day sleep instant and deterministic.
#ifndef WEFT_ENGINE_TIMER_SERVICE_H_
#define WEFT_ENGINE_TIMER_SERVICE_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "engine/clock.h"
#include "engine/writer.h"
#include "storage/lmdb.h"

namespace weft::engine {

class TimerService {
 public:
  // `virtual_clock` is null for real time.
  TimerService(storage::Env& env, const Clock& clock, VirtualClock* virtual_clock, Writer& writer,
               std::function<bool()> idle);
  ~TimerService();

  void Start();
  void Stop();
  // A timer due at `due_ms` was committed.
  void Notify(int64_t due_ms);
  size_t in_flight() const;

 private:
  void Loop();
  // Submits every timer due by now that is not already submitted; returns the next due time
  // after now (INT64_MAX when none).
  int64_t FireDue(int64_t now_ms);

  storage::Env& env_;
  const Clock& clock_;
  VirtualClock* virtual_clock_;
  Writer& writer_;
  std::function<bool()> idle_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t next_due_ = 0;  // 0: scan the store to find out
  bool stopping_ = false;
  absl::flat_hash_set<std::string> in_flight_;
  std::thread thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TIMER_SERVICE_H_
