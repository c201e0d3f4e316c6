// See records.h.
#include "storage/records.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <span>

#include "absl/strings/str_cat.h"
#include "common/aligned_bytes.h"
#include "common/check.h"
#include "common/strings.h"
#include "exec_state_record_generated.h"
#include "execution_record_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "history_record_generated.h"
#include "schedule_record_generated.h"
#include "task_record_generated.h"
#include "value/value_codec.h"
#include "version_record_generated.h"
#include "wait_record_generated.h"
#include "storage/keys.h"

namespace weft {

// The task status byte is the task record's (task_record.fbs), so its names live here.
std::string_view TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kScheduled: return "SCHEDULED";
    case TaskStatus::kCompleted: return "COMPLETED";
    case TaskStatus::kFailed: return "FAILED";
    case TaskStatus::kCanceled: return "CANCELED";
    case TaskStatus::kInProgress: return "IN_PROGRESS";
  }
  return "UNKNOWN";
}

bool IsTaskOpen(TaskStatus status) {
  return status == TaskStatus::kScheduled || status == TaskStatus::kInProgress;
}

}  // namespace weft

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

// The finished record where it was built (the thread's warm builder).
std::string_view InPlace(flatbuffers::FlatBufferBuilder& fbb) {
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

// A value as a record's blob. Null is no blob at all (BlobValue reads an absent blob as null):
// most outputs and errors are null, and encoding nothing costs nothing.
flatbuffers::Offset<flatbuffers::Vector<uint8_t>> ValueBlob(flatbuffers::FlatBufferBuilder& fbb,
                                                           const Value& v) {
  if (v.is_null()) return 0;
  std::span<const uint8_t> bytes = EncodeValueInPlace(v);
  return fbb.CreateVector(bytes.data(), bytes.size());
}

// One warm record builder per thread, cleared for each record: records are encoded on every
// transition. One that grew past 64 KiB (a big checkpoint) is dropped at the next call.
flatbuffers::FlatBufferBuilder& WarmBuilder() {
  constexpr size_t kKeepBelow = 64 * 1024;
  thread_local std::unique_ptr<flatbuffers::FlatBufferBuilder> fbb;
  if (fbb != nullptr && fbb->GetSize() >= kKeepBelow) fbb.reset();
  if (fbb == nullptr) fbb = std::make_unique<flatbuffers::FlatBufferBuilder>(1024);
  fbb->Clear();
  return *fbb;
}

absl::StatusOr<Value> BlobValue(const flatbuffers::Vector<uint8_t>* blob, std::string_view what) {
  if (blob == nullptr || blob->size() == 0) return Value();
  absl::StatusOr<Value> v = DecodeValue(blob->data(), blob->size());
  if (!v.ok()) return absl::DataLossError(absl::StrCat("corrupt ", ToAbsl(what), ": ", v.status().message()));
  return v;
}

std::string Str(const flatbuffers::String* s) { return s == nullptr ? "" : s->str(); }

// A SHA-256 as 64 lowercase hex characters <-> its 32 bytes. Only that exact form converts,
// so that decoding gives back the very string encoded.
std::optional<std::array<uint8_t, 32>> Sha256FromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::array<uint8_t, 32> out;
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Sha256Hex(const uint8_t* bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

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
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto hash = fbb.CreateString(row.hash);
  auto source = fbb.CreateString(row.source_file);
  flatbuffers::Offset<flatbuffers::String> definition;
  if (!row.definition.empty()) definition = fbb.CreateString(row.definition);
  fbb.Finish(fb::CreateVersionRecord(fbb, row.version, hash, row.deployed_at_ms, source,
                                     definition, row.retired),
             fb::VersionRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<VersionRow> DecodeVersion(std::string_view bytes) {
  return WithRoot<fb::VersionRecord>(bytes, fb::VersionRecordIdentifier(), "version",
                                [&](const fb::VersionRecord* r) -> absl::StatusOr<VersionRow> {
    return VersionRow{r->version(),          Str(r->hash()),       r->deployed_at_ms(),
                      Str(r->source_file()), Str(r->definition()), r->retired()};
  });
}

std::string_view EncodeExecutionInPlace(const ExecutionRow& row) {
  const ExecutionInfo& info = row.info;
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto workflow = fbb.CreateString(info.workflow);
  // A SHA-256 in hex is stored as its 32 bytes (format 10); anything else as it is.
  flatbuffers::Offset<flatbuffers::String> hash;
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> hash_bytes;
  if (std::optional<std::array<uint8_t, 32>> raw = Sha256FromHex(info.hash)) {
    hash_bytes = fbb.CreateVector(raw->data(), raw->size());
  } else {
    hash = fbb.CreateString(info.hash);
  }
  auto input = ValueBlob(fbb, info.input);
  auto output = ValueBlob(fbb, info.output);
  auto error = ValueBlob(fbb, info.error);
  auto parent = info.parent_id.empty() ? 0 : fbb.CreateString(info.parent_id);
  auto correlation = info.correlation_id.empty() ? 0 : fbb.CreateString(info.correlation_id);
  auto idempotency = info.idempotency_key.empty() ? 0 : fbb.CreateString(info.idempotency_key);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::TaskDomain>>> domains;
  if (!info.task_to_domain.empty()) {
    std::vector<flatbuffers::Offset<fb::TaskDomain>> entries;
    entries.reserve(info.task_to_domain.size());
    for (const auto& [type, domain] : info.task_to_domain) {
      entries.push_back(
          fb::CreateTaskDomain(fbb, fbb.CreateString(type), fbb.CreateString(domain)));
    }
    domains = fbb.CreateVector(entries);
  }
  fbb.Finish(fb::CreateExecutionRecord(fbb, workflow, info.version, hash, input,
                                       static_cast<uint8_t>(info.status), output, error,
                                       info.created_ms, info.updated_ms, info.ended_ms, parent,
                                       row.parent_wait, row.child_depth, correlation,
                                       info.priority, idempotency, domains, hash_bytes),
             fb::ExecutionRecordIdentifier());
  return InPlace(fbb);
}

std::string EncodeExecution(const ExecutionRow& row) { return std::string(EncodeExecutionInPlace(row)); }

absl::StatusOr<ExecutionRow> DecodeExecution(std::string_view bytes) {
  return WithRoot<fb::ExecutionRecord>(bytes, fb::ExecutionRecordIdentifier(), "execution",
                                [&](const fb::ExecutionRecord* r) -> absl::StatusOr<ExecutionRow> {
    ExecutionRow row;
    ExecutionInfo& info = row.info;
    info.workflow = Str(r->workflow());
    info.version = r->version();
    if (const flatbuffers::Vector<uint8_t>* raw = r->hash_bytes(); raw != nullptr) {
      if (raw->size() != 32) {
        return absl::DataLossError("corrupt execution record: a hash of the wrong length");
      }
      info.hash = Sha256Hex(raw->data());
    } else {
      info.hash = Str(r->hash());
    }
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
    info.correlation_id = Str(r->correlation_id());
    info.priority = r->priority();
    info.idempotency_key = Str(r->idempotency_key());
    if (r->task_to_domain() != nullptr) {
      for (const fb::TaskDomain* d : *r->task_to_domain()) {
        if (d == nullptr) return absl::DataLossError("corrupt execution record: null task domain");
        info.task_to_domain[Str(d->task_type())] = Str(d->domains());
      }
    }
    return row;
  });
}

std::string_view EncodeExecStateInPlace(const ExecStateRow& row) {
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto checkpoint = fbb.CreateVector(reinterpret_cast<const uint8_t*>(row.checkpoint.data()),
                                     row.checkpoint.size());
  auto waiting = row.waiting_task.empty() ? 0 : fbb.CreateString(row.waiting_task);
  // Format 6 on, the pinned hash is only in the `executions` row (kept when a caller still
  // sets it, which only tests of older layouts do).
  flatbuffers::Offset<flatbuffers::String> hash;
  if (!row.program_hash.empty()) hash = fbb.CreateString(row.program_hash);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> retry;
  if (!row.retry_checkpoint.empty()) {
    retry = fbb.CreateVector(reinterpret_cast<const uint8_t*>(row.retry_checkpoint.data()),
                             row.retry_checkpoint.size());
  }
  fbb.Finish(fb::CreateExecStateRecord(fbb, checkpoint, waiting, row.next_history_seq,
                                       row.next_task_seq, row.updated_ms, hash, retry,
                                       row.history_head),
             fb::ExecStateRecordIdentifier());
  return InPlace(fbb);
}

std::string EncodeExecState(const ExecStateRow& row) { return std::string(EncodeExecStateInPlace(row)); }

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
    row.history_head = r->history_head();
    row.program_hash = Str(r->program_hash());
    if (r->retry_checkpoint() != nullptr) {
      row.retry_checkpoint.assign(reinterpret_cast<const char*>(r->retry_checkpoint()->data()),
                                  r->retry_checkpoint()->size());
    }
    return row;
  });
}

std::string_view EncodeTaskInPlace(const TaskRow& row) {
  const TaskInfo& t = row.info;
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto exec = fbb.CreateString(t.execution_id);
  auto type = fbb.CreateString(t.type);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> input;
  if (row.stored_input) {
    WEFT_CHECK_MSG(t.input.is_null(), "a task row with both a stored and a decoded input");
    if (!row.stored_input->empty()) {
      input = fbb.CreateVector(reinterpret_cast<const uint8_t*>(row.stored_input->data()),
                               row.stored_input->size());
    }
  } else {
    input = ValueBlob(fbb, t.input);
  }
  auto worker = fbb.CreateString(t.worker_id);
  auto output = ValueBlob(fbb, t.output);
  auto error = ValueBlob(fbb, t.error);
  auto domain = t.domain.empty() ? 0 : fbb.CreateString(t.domain);
  fbb.Finish(fb::CreateTaskRecord(fbb, exec, type, input, t.attempt,
                                  static_cast<uint8_t>(t.status), worker, t.scheduled_ms,
                                  t.started_ms, t.ended_ms, output, error, row.seq,
                                  row.wait_id, t.delivery, t.lease_expires_ms,
                                  static_cast<uint8_t>(row.delivery_kind), domain,
                                  t.workflow_priority),
             fb::TaskRecordIdentifier());
  return InPlace(fbb);
}

std::string EncodeTask(const TaskRow& row) { return std::string(EncodeTaskInPlace(row)); }

namespace {

absl::StatusOr<TaskRow> DecodeTaskRecord(std::string_view bytes, bool keep_input) {
  return WithRoot<fb::TaskRecord>(bytes, fb::TaskRecordIdentifier(), "task",
                                [&](const fb::TaskRecord* r) -> absl::StatusOr<TaskRow> {
    TaskRow row;
    TaskInfo& t = row.info;
    t.execution_id = Str(r->execution_id());
    t.type = Str(r->type());
    t.attempt = r->attempt();
    if (r->status() > static_cast<uint8_t>(TaskStatus::kInProgress)) {
      return absl::DataLossError("corrupt task record: unknown status");
    }
    t.status = static_cast<TaskStatus>(r->status());
    t.worker_id = Str(r->worker_id());
    t.scheduled_ms = r->scheduled_ms();
    t.started_ms = r->started_ms();
    t.ended_ms = r->ended_ms();
    absl::StatusOr<Value> input = Value();
    if (keep_input) {
      const flatbuffers::Vector<uint8_t>* blob = r->input();
      row.stored_input.emplace();
      if (blob != nullptr) {
        row.stored_input->assign(reinterpret_cast<const char*>(blob->data()), blob->size());
      }
    } else {
      input = BlobValue(r->input(), "task input");
    }
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
    t.delivery = r->delivery();
    t.lease_expires_ms = r->lease_expires_ms();
    t.domain = Str(r->domain());
    t.workflow_priority = r->workflow_priority();
    if (r->delivery_kind() > static_cast<uint8_t>(DeliveryKind::kExternal)) {
      return absl::DataLossError("corrupt task record: unknown delivery kind");
    }
    row.delivery_kind = static_cast<DeliveryKind>(r->delivery_kind());
    return row;
  });
}

}  // namespace

absl::StatusOr<TaskRow> DecodeTask(std::string_view bytes) {
  return DecodeTaskRecord(bytes, /*keep_input=*/false);
}

absl::StatusOr<TaskRow> DecodeTaskKeepingInput(std::string_view bytes) {
  return DecodeTaskRecord(bytes, /*keep_input=*/true);
}

absl::StatusOr<Value> TaskInput(const TaskRow& row) {
  if (!row.stored_input) return row.info.input;
  if (row.stored_input->empty()) return Value();
  absl::StatusOr<Value> v = DecodeValue(reinterpret_cast<const uint8_t*>(row.stored_input->data()),
                                        row.stored_input->size());
  if (!v.ok()) return absl::DataLossError(absl::StrCat("corrupt task input: ", v.status().message()));
  return v;
}

std::string EncodeHistory(const HistoryRow& row) {
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto task = row.task_id.empty() ? 0 : fbb.CreateString(row.task_id);
  auto details = ValueBlob(fbb, row.details);
  fbb.Finish(fb::CreateHistoryRecord(fbb, row.time_ms, static_cast<uint8_t>(row.type), task,
                                     details),
             fb::HistoryRecordIdentifier());
  return Finish(fbb);
}

namespace {

absl::StatusOr<HistoryRow> HistoryFrom(const fb::HistoryRecord* r) {
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
}

}  // namespace

absl::StatusOr<HistoryRow> DecodeHistory(std::string_view bytes) {
  return WithRoot<fb::HistoryRecord>(bytes, fb::HistoryRecordIdentifier(), "history",
                                     &HistoryFrom);
}

std::string_view EncodeHistoryLogInPlace(std::string_view execution_id, uint32_t seq,
                                         uint64_t prev, const HistoryEventView& event) {
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto task = event.task_id.empty() ? 0 : fbb.CreateString(event.task_id);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> details;
  if (!event.details.empty()) details = fbb.CreateVector(event.details.data(), event.details.size());
  auto execution = fbb.CreateString(execution_id.data(), execution_id.size());
  fbb.Finish(fb::CreateHistoryRecord(fbb, event.time_ms, static_cast<uint8_t>(event.type), task,
                                     details, execution, seq, prev),
             fb::HistoryRecordIdentifier());
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

std::string EncodeHistoryLog(std::string_view execution_id, uint32_t seq, uint64_t prev,
                             const HistoryRow& event) {
  return std::string(EncodeHistoryLogInPlace(execution_id, seq, prev, ViewOfHistoryRow(event)));
}

HistoryEventView ViewOfHistoryRow(const HistoryRow& row) {
  return HistoryEventView{row.time_ms, row.type, row.task_id,
                          row.details.is_null() ? std::span<const uint8_t>()
                                                : EncodeValueInPlace(row.details)};
}

absl::StatusOr<HistoryLogRow> DecodeHistoryLog(std::string_view bytes, uint64_t number) {
  return WithRoot<fb::HistoryRecord>(bytes, fb::HistoryRecordIdentifier(), "history log",
                                [&](const fb::HistoryRecord* r) -> absl::StatusOr<HistoryLogRow> {
    HistoryLogRow row;
    row.execution_id = Str(r->execution_id());
    row.seq = r->seq();
    row.prev = r->prev();
    if (row.execution_id.empty() || row.seq == 0) {
      return absl::DataLossError("corrupt history log record: no execution id or seq");
    }
    if (row.prev >= number) {
      return absl::DataLossError("corrupt history log record: it links forwards");
    }
    absl::StatusOr<HistoryRow> event = HistoryFrom(r);
    if (!event.ok()) return event.status();
    row.event = *std::move(event);
    return row;
  });
}

std::string_view EncodeWaitInPlace(const WaitRow& row) {
  flatbuffers::FlatBufferBuilder& fbb = WarmBuilder();
  auto type = row.task_type.empty() ? 0 : fbb.CreateString(row.task_type);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> input, policy;
  if (!row.input.is_null()) input = ValueBlob(fbb, row.input);
  if (!row.policy.is_null()) policy = ValueBlob(fbb, row.policy);
  auto task_id = row.task_id.empty() ? 0 : fbb.CreateString(row.task_id);
  auto signal = row.signal.empty() ? 0 : fbb.CreateString(row.signal);
  auto child = row.child_id.empty() ? 0 : fbb.CreateString(row.child_id);
  auto workflow = row.workflow.empty() ? 0 : fbb.CreateString(row.workflow);
  fb::WaitRecordBuilder b(fbb);
  b.add_kind(static_cast<fb::WaitKind>(row.kind));
  if (!type.IsNull()) b.add_task_type(type);
  if (!input.IsNull()) b.add_input(input);
  if (!policy.IsNull()) b.add_policy(policy);
  b.add_first_ms(row.first_ms);
  b.add_first_attempt(row.first_attempt);
  b.add_compensation(row.compensation);
  if (!task_id.IsNull()) b.add_task_id(task_id);
  b.add_attempt(row.attempt);
  b.add_held_attempt(row.held_attempt);
  b.add_retry_due(row.retry_due);
  b.add_attempt_due(row.attempt_due);
  b.add_schedule_due(row.schedule_due);
  b.add_due_ms(row.due_ms);
  if (!signal.IsNull()) b.add_signal(signal);
  b.add_timeout_due(row.timeout_due);
  if (!child.IsNull()) b.add_child_id(child);
  if (!workflow.IsNull()) b.add_workflow(workflow);
  fbb.Finish(b.Finish(), fb::WaitRecordIdentifier());
  return InPlace(fbb);
}

std::string EncodeWait(const WaitRow& row) { return std::string(EncodeWaitInPlace(row)); }

absl::StatusOr<WaitRow> DecodeWait(std::string_view bytes) {
  return WithRoot<fb::WaitRecord>(bytes, fb::WaitRecordIdentifier(), "wait",
                                  [&](const fb::WaitRecord* r) -> absl::StatusOr<WaitRow> {
    WaitRow row;
    const auto kind = static_cast<uint8_t>(r->kind());
    if (kind < static_cast<uint8_t>(WaitKind::kTask) ||
        kind > static_cast<uint8_t>(WaitKind::kChild)) {
      return absl::DataLossError("corrupt wait record: unknown kind");
    }
    row.kind = static_cast<WaitKind>(kind);
    row.task_type = Str(r->task_type());
    auto input = BlobValue(r->input(), "wait input");
    if (!input.ok()) return input.status();
    auto policy = BlobValue(r->policy(), "wait policy");
    if (!policy.ok()) return policy.status();
    row.input = *std::move(input);
    row.policy = *std::move(policy);
    row.first_ms = r->first_ms();
    row.first_attempt = r->first_attempt();
    row.compensation = r->compensation();
    row.task_id = Str(r->task_id());
    row.attempt = r->attempt();
    row.held_attempt = r->held_attempt();
    row.retry_due = r->retry_due();
    row.attempt_due = r->attempt_due();
    row.schedule_due = r->schedule_due();
    row.due_ms = r->due_ms();
    row.signal = Str(r->signal());
    row.timeout_due = r->timeout_due();
    row.child_id = Str(r->child_id());
    row.workflow = Str(r->workflow());
    return row;
  });
}

std::string EncodeSchedule(const Schedule& row) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto workflow = fbb.CreateString(row.workflow);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> input;
  if (!row.input.is_null()) input = ValueBlob(fbb, row.input);
  auto cron = fbb.CreateString(row.cron);
  auto zone = fbb.CreateString(row.zone);
  auto last_id = row.last_execution_id.empty() ? 0 : fbb.CreateString(row.last_execution_id);
  auto last_error = row.last_error.empty() ? 0 : fbb.CreateString(row.last_error);
  fb::ScheduleRecordBuilder b(fbb);
  b.add_workflow(workflow);
  b.add_version(row.version);
  if (!input.IsNull()) b.add_input(input);
  b.add_cron(cron);
  b.add_zone(zone);
  b.add_start_ms(row.start_ms);
  b.add_end_ms(row.end_ms);
  b.add_paused(row.paused);
  b.add_catch_up(static_cast<uint8_t>(row.catch_up));
  b.add_overlap(static_cast<uint8_t>(row.overlap));
  b.add_created_ms(row.created_ms);
  b.add_updated_ms(row.updated_ms);
  b.add_next_ms(row.next_ms);
  b.add_last_slot_ms(row.last_slot_ms);
  if (!last_id.IsNull()) b.add_last_execution_id(last_id);
  b.add_runs(row.runs);
  b.add_skipped(row.skipped);
  if (!last_error.IsNull()) b.add_last_error(last_error);
  fbb.Finish(b.Finish(), fb::ScheduleRecordIdentifier());
  return Finish(fbb);
}

absl::StatusOr<Schedule> DecodeSchedule(std::string_view bytes) {
  return WithRoot<fb::ScheduleRecord>(bytes, fb::ScheduleRecordIdentifier(), "schedule",
                                      [&](const fb::ScheduleRecord* r) -> absl::StatusOr<Schedule> {
    if (r->catch_up() > static_cast<uint8_t>(CatchUpPolicy::kRunAll) ||
        r->overlap() > static_cast<uint8_t>(OverlapPolicy::kSkip)) {
      return absl::DataLossError("corrupt schedule record: unknown policy");
    }
    Schedule row;
    row.workflow = Str(r->workflow());
    row.version = r->version();
    auto input = BlobValue(r->input(), "schedule input");
    if (!input.ok()) return input.status();
    row.input = *std::move(input);
    row.cron = Str(r->cron());
    row.zone = Str(r->zone());
    row.start_ms = r->start_ms();
    row.end_ms = r->end_ms();
    row.paused = r->paused();
    row.catch_up = static_cast<CatchUpPolicy>(r->catch_up());
    row.overlap = static_cast<OverlapPolicy>(r->overlap());
    row.created_ms = r->created_ms();
    row.updated_ms = r->updated_ms();
    row.next_ms = r->next_ms();
    row.last_slot_ms = r->last_slot_ms();
    row.last_execution_id = Str(r->last_execution_id());
    row.runs = r->runs();
    row.skipped = r->skipped();
    row.last_error = Str(r->last_error());
    return row;
  });
}

absl::StatusOr<WaitRow> DecodeLegacyWait(std::string_view bytes) {
  absl::StatusOr<Value> v =
      DecodeValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!v.ok() || !v->is_object()) return absl::DataLossError("corrupt wait record");
  const Object& o = v->as_object();
  auto get = [&](const char* key) -> Value {
    const Value* f = o.Find(key);
    return f == nullptr ? Value() : *f;
  };
  auto str = [&](const char* key) {
    Value f = get(key);
    return f.is_string() ? f.as_string() : std::string();
  };
  auto num = [&](const char* key) -> int64_t {
    Value f = get(key);
    return f.is_int() ? f.as_int() : 0;
  };
  WaitRow row;
  const std::string kind = str("kind");
  if (kind == "task") {
    row.kind = WaitKind::kTask;
  } else if (kind == "held") {
    row.kind = WaitKind::kHeld;
  } else if (kind == "timer") {
    row.kind = WaitKind::kTimer;
  } else if (kind == "signal") {
    row.kind = WaitKind::kSignal;
  } else if (kind == "child") {
    row.kind = WaitKind::kChild;
  } else {
    return absl::DataLossError(absl::StrCat("corrupt wait record: unknown kind `", kind, "`"));
  }
  row.task_type = str("type");
  row.input = get("input");
  row.policy = get("policy");
  row.first_ms = num("first_ms");
  row.first_attempt = static_cast<uint32_t>(std::max<int64_t>(1, num("first_attempt")));
  const Value compensation = get("compensation");
  row.compensation = compensation.is_bool() && compensation.as_bool();
  row.task_id = str("task_id");
  row.attempt = static_cast<uint32_t>(num("attempt"));
  row.held_attempt = static_cast<uint32_t>(num("held_attempt"));
  row.retry_due = num("retry_due");
  row.attempt_due = num("attempt_due");
  row.schedule_due = num("schedule_due");
  row.due_ms = num("due_ms");
  row.signal = str("name");
  row.timeout_due = num("timeout_due");
  row.child_id = str("child_id");
  row.workflow = str("workflow");
  return row;
}

absl::StatusOr<WaitRow> DecodeWaitOfFormat(std::string_view bytes, uint32_t format) {
  return format >= kTypedWaitsFormat ? DecodeWait(bytes) : DecodeLegacyWait(bytes);
}

}  // namespace weft::storage
