// The rows of event handlers (docs/events.md; format 7 on, docs/format/lmdb.md): the table
// `event_handlers` (name -> the handler's Conductor EventHandler JSON) and the table
// `event_messages` (handler \0 message id -> the record of that message, as JSON: time,
// status, subject, delivery count, each action's outcome). The engine asks for operations and
// never touches the keys. A message record is how a redelivered message is recognised: the
// engine writes it in the transaction that applies the message's actions.
//
// Same contract as ScheduleStore: every call belongs to the caller's transaction; a record that
// does not decode is DataLoss. In a store of an older format, opened read-only, the tables do
// not exist yet: reads find nothing.
#ifndef WEFT_STORAGE_EVENTS_H_
#define WEFT_STORAGE_EVENTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::storage {

// A message record's stored value, and back (`handler` and `message_id` come from the key).
std::string EncodeEventMessage(const EventMessage& message);
absl::StatusOr<EventMessage> DecodeEventMessage(std::string_view key, std::string_view value);

// One bounded pass of DeleteMessagesBefore.
struct MessagePrunePage {
  uint64_t examined = 0;  // records looked at
  uint64_t deleted = 0;   // of those, older than the cutoff (with dry_run: would be deleted)
  std::string next;       // the key the next pass starts at; empty: the table's end was reached
};

class EventStore {
 public:
  explicit EventStore(Txn& txn) : txn_(txn) {}

  // The stored Conductor JSON of handler `name`; nullopt when there is none.
  absl::StatusOr<std::optional<std::string>> GetHandler(std::string_view name) const;
  // Every handler as (name, JSON), by name.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListHandlers() const;
  // Writes (or replaces) handler `name`. REQUIRES: a write transaction.
  absl::Status PutHandler(std::string_view name, std::string_view json);
  // False when there was none. Its message records stay. REQUIRES: a write transaction.
  absl::StatusOr<bool> DeleteHandler(std::string_view name);

  // Whether message `message_id` of `handler` is recorded.
  absl::StatusOr<bool> HasMessage(std::string_view handler, std::string_view message_id) const;
  // Records message.handler / message.message_id. REQUIRES: a write transaction.
  absl::Status PutMessage(const EventMessage& message);
  // The records of `handler`, by message id, at most `limit`.
  absl::StatusOr<std::vector<EventMessage>> ListMessages(std::string_view handler,
                                                         size_t limit) const;
  // Retention of the records: looks at up to `max_examined` records of every handler, from key
  // `from` on (the start when empty), and deletes those recorded before `cutoff_ms` (unless
  // `dry_run`). A record that does not decode is kept (`weft verify` reports it). REQUIRES: a
  // write transaction unless dry_run.
  absl::StatusOr<MessagePrunePage> DeleteMessagesBefore(int64_t cutoff_ms, size_t max_examined,
                                                        std::string_view from, bool dry_run);

 private:
  Txn& txn_;
};

// 6 -> 7: the tables `event_handlers` and `event_messages`, which the upgrade's step creates;
// nothing stored before format 7 changes.
absl::Status AddEventTables(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_EVENTS_H_
