// The outbox (table `outbox`, format 7 on; docs/format/lmdb.md): the messages workflows
// published with `publish` (docs/events.md) and NATS has not acknowledged yet. The step that
// publishes writes its row in its own transaction, so a message exists exactly when the step
// committed; the engine's publisher sends rows in id order and deletes each after JetStream's
// ack. Storage owns the rows: the engine asks for operations and never writes a key.
//
// Same contract as ExecutionStore: every call through one OutboxStore belongs to the caller's
// transaction; a record that does not decode is DataLoss. In a store of an older format, opened
// read-only, the table does not exist yet: reads find no message.
#ifndef WEFT_STORAGE_OUTBOX_H_
#define WEFT_STORAGE_OUTBOX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"

namespace weft::storage {

struct OutboxMessage {
  std::string id;       // the key, and the message's Nats-Msg-Id
  std::string subject;
  std::string data;     // the bytes to send
  int64_t created_ms = 0;
  std::string execution_id;
};

std::string EncodeOutbox(const OutboxMessage& message);  // all but the id, which is the key
absl::StatusOr<OutboxMessage> DecodeOutbox(std::string_view id, std::string_view bytes);

class OutboxStore {
 public:
  explicit OutboxStore(Txn& txn) : txn_(txn) {}

  // Writes `message` under message.id. InvalidArgument when the id or subject is empty.
  absl::Status Put(const OutboxMessage& message);
  // Deletes the rows of `ids`; ids no longer stored are skipped.
  absl::Status Delete(const std::vector<std::string>& ids);
  // At most `limit` messages in id order, from the first id greater than `after` (empty: from
  // the start).
  absl::StatusOr<std::vector<OutboxMessage>> List(std::string_view after, size_t limit) const;
  // How many messages wait.
  absl::StatusOr<uint64_t> Count() const;

 private:
  Txn& txn_;
};

// The upgrade 6 -> 7's part for the outbox: the table, which the upgrade creates; nothing else
// changes (no store of an older format holds a published message).
absl::Status AddOutboxTables(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_OUTBOX_H_
