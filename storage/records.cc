// See records.h.
#include "storage/records.h"

#include "absl/strings/str_cat.h"
#include "common/aligned_bytes.h"
#include "common/strings.h"
#include "exec_state_record_generated.h"
#include "execution_record_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "history_record_generated.h"
#include "task_record_generated.h"
#include "value/value_codec.h"
#include "version_record_generated.h"

namespace weft::storage {
namespace {

constexpr std::string_view kHistoryNames[] = {
#define HISTORY(e, name) name,
#include "storage/history_types.def"
#undef HISTORY
};

std::string Finish(flatbuffers::FlatBufferBuilder& fbb) {
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

flatbuffers::Offset<flatbuffers::Vector<uint8_t>> ValueBlob(flatbuffers::FlatBufferBuilder& fbb,
                                                           const Value& v) {
  std::vector<uint8_t> bytes = EncodeValue(v);
  return fbb.CreateVector(bytes);
}

absl::StatusOr<Value> BlobValue(const flatbuffers::Vector<uint8_t>* blob, std::string_view what) {
  if (blob == nullptr || blob->size() == 0) return Value();
  absl::StatusOr<Value> v = DecodeValue(blob->data(), blob->size());
  if (!v.ok()) return absl::DataLossError(absl::StrCat("corrupt ", ToAbsl(what), ": ", v.status().message()));
  return v;
}

std::string Str(const flatbuffers::String* s) { return s == nullptr ? "" : s->str(); }

// Verifies the buffer and its identifier, then hands the root table to `decode`. Bytes from
// LMDB are often not 8-byte aligned; WithAlignedBytes copies them only then.
template <typename T, typename Decode>
auto WithRoot(std::string_view bytes, const char* identifier, std::string_view what,
              Decode&& decode) -> decltype(decode(static_cast<const T*>(nullptr))) {
  return WithAlignedBytes(bytes, [&](const uint8_t* data, size_t size)
                                     -> decltype(decode(static_cast<const T*>(nullptr))) {
    flatbuffers::Verifier verifier(data, size);
    if (size < 8 || !flatbuffers::BufferHasIdentifier(data, identifier) ||
        !verifier.VerifyBuffer<T>(identifier)) {
      return absl::DataLossError(
          absl::StrCat("corrupt ", ToAbsl(what), " record (", size, " bytes)"));
    }
    return decode(flatbuffers::GetRoot<T>(data));
  });
}

}  // namespace

std::string_view HistoryTypeName(HistoryType type) {
  auto i = static_cast<size_t>(type);
  return i < std::size(kHistoryNames) ? kHistoryNames[i] : "UNKNOWN";
}

std::string EncodeVersion(const VersionRow& row) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto hash = fbb.CreateString(row.hash);
  auto source = fbb.CreateString(row.source_file);
  fbb.Finish(fb::CreateVersionRecord(fbb, row.version, hash, row.deployed_at_ms, source),
             fb::VersionRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<VersionRow> DecodeVersion(std::string_view bytes) {
  return WithRoot<fb::VersionRecord>(bytes, fb::VersionRecordIdentifier(), "version",
                                [&](const fb::VersionRecord* r) -> absl::StatusOr<VersionRow> {
    return VersionRow{r->version(), Str(r->hash()), r->deployed_at_ms(), Str(r->source_file())};
  });
}

std::string EncodeExecution(const ExecutionRow& row) {
  const ExecutionInfo& info = row.info;
  flatbuffers::FlatBufferBuilder fbb(256);
  auto workflow = fbb.CreateString(info.workflow);
  auto hash = fbb.CreateString(info.hash);
  auto input = ValueBlob(fbb, info.input);
  auto output = ValueBlob(fbb, info.output);
  auto error = ValueBlob(fbb, info.error);
  auto parent = fbb.CreateString(info.parent_id);
  fbb.Finish(fb::CreateExecutionRecord(fbb, workflow, info.version, hash, input,
                                       static_cast<uint8_t>(info.status), output, error,
                                       info.created_ms, info.updated_ms, info.ended_ms, parent,
                                       row.parent_wait, row.child_depth),
             fb::ExecutionRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<ExecutionRow> DecodeExecution(std::string_view bytes) {
  return WithRoot<fb::ExecutionRecord>(bytes, fb::ExecutionRecordIdentifier(), "execution",
                                [&](const fb::ExecutionRecord* r) -> absl::StatusOr<ExecutionRow> {
    ExecutionRow row;
    ExecutionInfo& info = row.info;
    info.workflow = Str(r->workflow());
    info.version = r->version();
    info.hash = Str(r->hash());
    if (r->status() > static_cast<uint8_t>(ExecutionStatus::kPaused)) {
      return absl::DataLossError("corrupt execution record: unknown status");
    }
    info.status = static_cast<ExecutionStatus>(r->status());
    auto input = BlobValue(r->input(), "execution input");
    auto output = BlobValue(r->output(), "execution output");
    auto error = BlobValue(r->error(), "execution error");
    for (auto* s : {&input, &output, &error}) {
      if (!s->ok()) return s->status();
    }
    info.input = *std::move(input);
    info.output = *std::move(output);
    info.error = *std::move(error);
    info.created_ms = r->created_ms();
    info.updated_ms = r->updated_ms();
    info.ended_ms = r->ended_ms();
    info.parent_id = Str(r->parent_id());
    row.parent_wait = r->parent_wait();
    row.child_depth = r->child_depth();
    return row;
  });
}

std::string EncodeExecState(const ExecStateRow& row) {
  flatbuffers::FlatBufferBuilder fbb(row.checkpoint.size() + 96);
  auto checkpoint = fbb.CreateVector(reinterpret_cast<const uint8_t*>(row.checkpoint.data()),
                                     row.checkpoint.size());
  auto waiting = fbb.CreateString(row.waiting_task);
  auto hash = fbb.CreateString(row.program_hash);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> retry;
  if (!row.retry_checkpoint.empty()) {
    retry = fbb.CreateVector(reinterpret_cast<const uint8_t*>(row.retry_checkpoint.data()),
                             row.retry_checkpoint.size());
  }
  fbb.Finish(fb::CreateExecStateRecord(fbb, checkpoint, waiting, row.next_history_seq,
                                       row.next_task_seq, row.updated_ms, hash, retry),
             fb::ExecStateRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<ExecStateRow> DecodeExecState(std::string_view bytes) {
  return WithRoot<fb::ExecStateRecord>(bytes, fb::ExecStateRecordIdentifier(), "execution state",
                                [&](const fb::ExecStateRecord* r) -> absl::StatusOr<ExecStateRow> {
    ExecStateRow row;
    if (r->checkpoint() != nullptr) {
      row.checkpoint.assign(reinterpret_cast<const char*>(r->checkpoint()->data()),
                            r->checkpoint()->size());
    }
    row.waiting_task = Str(r->waiting_task());
    row.next_history_seq = r->next_history_seq();
    row.next_task_seq = r->next_task_seq();
    row.updated_ms = r->updated_ms();
    row.program_hash = Str(r->program_hash());
    if (r->retry_checkpoint() != nullptr) {
      row.retry_checkpoint.assign(reinterpret_cast<const char*>(r->retry_checkpoint()->data()),
                                  r->retry_checkpoint()->size());
    }
    return row;
  });
}

std::string EncodeTask(const TaskRow& row) {
  const TaskInfo& t = row.info;
  flatbuffers::FlatBufferBuilder fbb(256);
  auto exec = fbb.CreateString(t.execution_id);
  auto type = fbb.CreateString(t.type);
  auto input = ValueBlob(fbb, t.input);
  auto worker = fbb.CreateString(t.worker_id);
  auto output = ValueBlob(fbb, t.output);
  auto error = ValueBlob(fbb, t.error);
  fbb.Finish(fb::CreateTaskRecord(fbb, exec, type, input, t.attempt,
                                  static_cast<uint8_t>(t.status), worker, t.scheduled_ms,
                                  t.started_ms, t.ended_ms, output, error, row.seq,
                                  row.wait_id),
             fb::TaskRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<TaskRow> DecodeTask(std::string_view bytes) {
  return WithRoot<fb::TaskRecord>(bytes, fb::TaskRecordIdentifier(), "task",
                                [&](const fb::TaskRecord* r) -> absl::StatusOr<TaskRow> {
    TaskRow row;
    TaskInfo& t = row.info;
    t.execution_id = Str(r->execution_id());
    t.type = Str(r->type());
    t.attempt = r->attempt();
    if (r->status() > static_cast<uint8_t>(TaskStatus::kCanceled)) {
      return absl::DataLossError("corrupt task record: unknown status");
    }
    t.status = static_cast<TaskStatus>(r->status());
    t.worker_id = Str(r->worker_id());
    t.scheduled_ms = r->scheduled_ms();
    t.started_ms = r->started_ms();
    t.ended_ms = r->ended_ms();
    auto input = BlobValue(r->input(), "task input");
    auto output = BlobValue(r->output(), "task output");
    auto error = BlobValue(r->error(), "task error");
    for (auto* s : {&input, &output, &error}) {
      if (!s->ok()) return s->status();
    }
    t.input = *std::move(input);
    t.output = *std::move(output);
    t.error = *std::move(error);
    row.seq = r->seq();
    row.wait_id = r->wait_id();
    return row;
  });
}

std::string EncodeHistory(const HistoryRow& row) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto task = fbb.CreateString(row.task_id);
  auto details = ValueBlob(fbb, row.details);
  fbb.Finish(fb::CreateHistoryRecord(fbb, row.time_ms, static_cast<uint8_t>(row.type), task,
                                     details),
             fb::HistoryRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<HistoryRow> DecodeHistory(std::string_view bytes) {
  return WithRoot<fb::HistoryRecord>(bytes, fb::HistoryRecordIdentifier(), "history",
                                [&](const fb::HistoryRecord* r) -> absl::StatusOr<HistoryRow> {
    HistoryRow row;
    row.time_ms = r->time_ms();
    if (r->type() >= std::size(kHistoryNames)) {
      return absl::DataLossError("corrupt history record: unknown event type");
    }
    row.type = static_cast<HistoryType>(r->type());
    row.task_id = Str(r->task_id());
    auto details = BlobValue(r->details(), "history details");
    if (!details.ok()) return details.status();
    row.details = *std::move(details);
    return row;
  });
}

}  // namespace weft::storage
