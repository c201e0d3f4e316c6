// See outbox.h.
#include "storage/outbox.h"

#include <lmdb.h>

#include "absl/strings/str_cat.h"
#include "common/aligned_bytes.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "flatbuffers/flatbuffers.h"
#include "outbox_record_generated.h"

namespace weft::storage {
namespace {

std::string Str(const flatbuffers::String* s) { return s == nullptr ? "" : s->str(); }

}  // namespace

std::string EncodeOutbox(const OutboxMessage& message) {
  flatbuffers::FlatBufferBuilder fbb(128 + message.data.size());
  auto subject = fbb.CreateString(message.subject);
  auto data = fbb.CreateVector(reinterpret_cast<const uint8_t*>(message.data.data()),
                               message.data.size());
  auto execution = fbb.CreateString(message.execution_id);
  fb::OutboxRecordBuilder b(fbb);
  b.add_subject(subject);
  b.add_data(data);
  b.add_created_ms(message.created_ms);
  b.add_execution_id(execution);
  fbb.Finish(b.Finish(), fb::OutboxRecordIdentifier());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

absl::StatusOr<OutboxMessage> DecodeOutbox(std::string_view id, std::string_view bytes) {
  return WithAlignedBytes(bytes, [&](const uint8_t* p, size_t size) -> absl::StatusOr<OutboxMessage> {
    flatbuffers::Verifier verifier(p, size);
    if (size < 8 || !flatbuffers::BufferHasIdentifier(p, fb::OutboxRecordIdentifier()) ||
        !verifier.VerifyBuffer<fb::OutboxRecord>(fb::OutboxRecordIdentifier())) {
      return absl::DataLossError(absl::StrCat("corrupt outbox record (", size, " bytes)"));
    }
    const fb::OutboxRecord* r = flatbuffers::GetRoot<fb::OutboxRecord>(p);
    OutboxMessage m;
    m.id = std::string(id);
    m.subject = Str(r->subject());
    if (m.subject.empty()) return absl::DataLossError("corrupt outbox record: no subject");
    if (r->data() != nullptr) {
      m.data.assign(reinterpret_cast<const char*>(r->data()->data()), r->data()->size());
    }
    m.created_ms = r->created_ms();
    m.execution_id = Str(r->execution_id());
    return m;
  });
}

absl::Status OutboxStore::Put(const OutboxMessage& message) {
  if (message.id.empty() || message.subject.empty()) {
    return absl::InvalidArgumentError("an outbox message needs an id and a subject");
  }
  return txn_.Put(Table::kOutbox, message.id, EncodeOutbox(message));
}

absl::Status OutboxStore::Delete(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kOutbox, id));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OutboxMessage>> OutboxStore::List(std::string_view after,
                                                             size_t limit) const {
  std::vector<OutboxMessage> out;
  if (!txn_.env().has_table(Table::kOutbox) || limit == 0) return out;
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn_.raw(), txn_.env().dbi(Table::kOutbox), &cursor); rc != 0) {
    return LmdbStatus(rc, "open a cursor on `outbox`");
  }
  MDB_val key{after.size(), const_cast<char*>(after.data())};
  MDB_val value{0, nullptr};
  int rc = mdb_cursor_get(cursor, &key, &value, after.empty() ? MDB_FIRST : MDB_SET_RANGE);
  absl::Status status;
  for (; rc == 0 && out.size() < limit; rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
    const std::string_view k(static_cast<const char*>(key.mv_data), key.mv_size);
    if (k == after) continue;  // strictly after
    std::string_view v(static_cast<const char*>(value.mv_data), value.mv_size);
    if (txn_.checksums()) {
      absl::StatusOr<std::string_view> unsealed = UnsealRecord(Table::kOutbox, k, v);
      if (!unsealed.ok()) {
        status = unsealed.status();
        break;
      }
      v = *unsealed;
    }
    absl::StatusOr<OutboxMessage> m = DecodeOutbox(k, v);
    if (!m.ok()) {
      status = absl::DataLossError(absl::StrCat("outbox message `", ToAbsl(k), "`: ", m.status().message()));
      break;
    }
    out.push_back(*std::move(m));
  }
  mdb_cursor_close(cursor);
  if (!status.ok()) return status;
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbStatus(rc, "read `outbox`");
  return out;
}

absl::StatusOr<uint64_t> OutboxStore::Count() const {
  if (!txn_.env().has_table(Table::kOutbox)) return 0;
  MDB_stat stat;
  if (int rc = mdb_stat(txn_.raw(), txn_.env().dbi(Table::kOutbox), &stat); rc != 0) {
    return LmdbStatus(rc, "count `outbox`");
  }
  return static_cast<uint64_t>(stat.ms_entries);
}

absl::Status AddOutboxTables(Txn&) { return absl::OkStatus(); }

}  // namespace weft::storage
