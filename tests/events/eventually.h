// Eventually(done): polls `done` until it holds or a minute passes, for states reached by
// engine, listener or NATS threads; the events tests' one way to wait (no sleeps as
// synchronisation). A minute, because ctest -j2 on a loaded machine can be slow.
#ifndef WEFT_TESTS_EVENTS_EVENTUALLY_H_
#define WEFT_TESTS_EVENTS_EVENTUALLY_H_

#include <chrono>
#include <functional>
#include <thread>

namespace weft::testing {

inline bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_EVENTS_EVENTUALLY_H_
