// The publisher: the thread that sends the store's outbox (storage/outbox.h) to NATS, for the
// system task `publish` (docs/events.md). Rows are sent in id order (the order of the steps that
// wrote them) with JetStream's publish, whose `Nats-Msg-Id` is the row's id, and each row is
// deleted, through the writer, once the stream acknowledged it. So a message is sent at least
// once: a crash before the deletion commits leaves the row, which the next engine sends again,
// and the stream drops the second copy within its duplicate window.
//
// Failures never lose a row and never spin: a connection that cannot be made or a publish that
// fails is counted, logged (once per kind of failure, and again when sending recovers) and
// retried with backoff (Options: 50 ms doubling to 5 s), while the engine goes on with its other
// work. A subject that fails (no stream holds it, say) holds back only the rows of that subject
// in that round; the others are sent.
//
// Rows for Conductor's internal queues (`conductor:...`) never go to NATS: they are handed, in id
// order, to Options::local, which applies them to the engine's handlers and deletes them in one
// transaction. They need no URL; without one, the NATS rows wait and the local ones are
// delivered.
#ifndef WEFT_ENGINE_OUTBOX_PUBLISHER_H_
#define WEFT_ENGINE_OUTBOX_PUBLISHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/lmdb.h"
#include "storage/outbox.h"

namespace weft::events {
class NatsClient;
}

namespace weft::engine {

class OutboxPublisher {
 public:
  struct Options {
    std::string url;  // the NATS server; empty: NATS rows wait in the store
    // Delivers `conductor:` rows inside the engine and deletes them, in one transaction, then
    // calls `done` with the outcome after the commit. Null: such rows wait.
    std::function<void(std::vector<storage::OutboxMessage> rows,
                       std::function<void(const absl::Status&)> done)>
        local;
    absl::Duration min_backoff = absl::Milliseconds(50);
    absl::Duration max_backoff = absl::Seconds(5);
    size_t batch = 256;  // rows read per round
  };
  // Deletes the rows `ids` in a write transaction (the engine's writer) and calls `done` with
  // the outcome after the commit.
  using Remove =
      std::function<void(std::vector<std::string> ids, std::function<void(const absl::Status&)> done)>;
  using Log = std::function<void(const std::string& line)>;

  OutboxPublisher(const storage::Env& env, Options options, Remove remove, Log log);
  ~OutboxPublisher();  // Stop()
  OutboxPublisher(const OutboxPublisher&) = delete;
  OutboxPublisher& operator=(const OutboxPublisher&) = delete;

  void Start();
  // New rows were committed: send them.
  void Notify();
  // Waits until everything committed so far is sent and deleted, a round failed, or `timeout`
  // passed: what an engine that closes gives its last messages (`weft run` exits right after
  // the step that published).
  void Drain(absl::Duration timeout);
  // Ends the thread (a publish under way finishes first). Rows not acked stay in the store.
  // The Remove callbacks still to come may run after it: the object must outlive them.
  void Stop();

  uint64_t published() const { return published_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  void Loop();
  // One round: reads the rows not being deleted and, when there are any, connects (once) and
  // sends them. The number sent, or the error that stopped the round (its messages sent so far
  // are still removed).
  absl::Status Round(size_t* sent);
  // The rows this round may send (NATS rows only with a URL), in id order, at most a batch.
  absl::StatusOr<std::vector<storage::OutboxMessage>> Sendable();
  absl::Status SendToNats(const std::vector<storage::OutboxMessage>& rows, size_t* sent);
  absl::Status Connect();
  void RemoveAcked(std::vector<std::string> ids);
  // Marks `ids` as being removed and calls `run`, which removes them and answers after the
  // commit; until then they are skipped, and a failure wakes the thread to send them again.
  using Run = std::function<void(std::function<void(const absl::Status&)> done)>;
  void Track(std::vector<std::string> ids, const Run& run);
  void Failed(const absl::Status& status);

  const storage::Env& env_;
  const Options options_;
  Remove remove_;
  Log log_;
  std::unique_ptr<events::NatsClient> client_;  // publisher thread only

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool wake_ = true;                           // the first round reads what an earlier run left
  bool idle_ = false;                          // the last round found nothing to send (Drain)
  bool failing_ = false;                       // the last round failed (Drain does not wait for a retry)
  absl::flat_hash_set<std::string> removing_;  // acked, deletion not yet committed
  std::string last_logged_;                    // the failure logged last; empty while sending works
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> failures_{0};
  std::thread thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_OUTBOX_PUBLISHER_H_
