// See commit_syncer.h.
#include "engine/commit_syncer.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace weft::engine {
namespace {

// Backoff after the n-th consecutive failed flush: 10 ms doubling to 1 s.
int64_t BackoffMs(int failures) {
  int64_t ms = 10;
  for (int i = 1; i < failures && ms < 1000; ++i) ms *= 2;
  return ms < 1000 ? ms : 1000;
}

}  // namespace

CommitSyncer::CommitSyncer(Sync sync) : sync_(std::move(sync)), thread_([this] { Loop(); }) {}

CommitSyncer::~CommitSyncer() { Stop(); }

void CommitSyncer::Push(Release release) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      activity_.fetch_add(1);
      queue_.push_back(std::move(release));
      ++pushed_;
      cv_.notify_one();
      return;
    }
  }
  release(sync_());
}

void CommitSyncer::Drain() {
  if (OnItsThread()) {
    // From a release (a callback that waits for an execution's end): the batches pushed
    // before the one being released are out, and waiting for the rest would wait for this
    // very thread. A flush makes them durable, which is what such a caller needs.
    (void)sync_();
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = pushed_;
  drained_.wait(lock, [&] { return released_ >= target; });
}

bool CommitSyncer::Idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty() && !releasing_;
}

void CommitSyncer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status CommitSyncer::FlushNow(const std::function<bool()>& give_up) {
  for (int failures = 0;;) {
    absl::Status error = sync_();
    if (error.ok()) return error;
    ++failures;
    std::fprintf(stderr, "weft: flushing the store failed (%d in a row): %s\n", failures,
                 std::string(error.message()).c_str());
    if (failures >= 3 && give_up()) return error;
    std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(failures)));
  }
}

void CommitSyncer::Loop() {
  std::vector<Release> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {  // stopping, and everything pushed is released
        stopped_ = true;
        return;
      }
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      releasing_ = true;
    }
    // One flush covers every commit whose release was queued before it began.
    const absl::Status error = FlushNow([this] {
      std::lock_guard<std::mutex> lock(mu_);
      return stopping_;
    });
    for (Release& release : batch) release(error);
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ += batch.size();
      releasing_ = false;
      activity_.fetch_add(1);
    }
    batch.clear();
    drained_.notify_all();
  }
}

}  // namespace weft::engine
