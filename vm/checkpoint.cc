// See checkpoint.h. Encoding reuses per-thread builders: the engine writes a checkpoint for
// every transition, so their buffers are worth keeping warm.
#include "vm/checkpoint.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "checkpoint_generated.h"  // generated from checkpoint.fbs
#include "common/aligned_bytes.h"
#include "flatbuffers/flexbuffers.h"
#include "value/value_codec.h"

namespace weft::vm {
namespace {

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("corrupt checkpoint: ", what));
}

constexpr size_t kStateValues = 4;  // compensations, mailbox, failure, compensation_log
constexpr size_t kFiberValues = 6;  // locals, stack, request, results, each_items, branch_error

const List* AsList(const Value& v) { return v.is_list() ? &v.as_list() : nullptr; }

absl::Status DecodeFiber(const fb::Fiber& in, const Value& values, Fiber& out) {
  const List* parts = AsList(values);
  if (parts == nullptr || parts->size() != kFiberValues) return Corrupt("fiber values");
  const List* locals = AsList((*parts)[0]);
  const List* stack = AsList((*parts)[1]);
  const List* results = AsList((*parts)[3]);
  if (locals == nullptr || stack == nullptr || results == nullptr) {
    return Corrupt("fiber values are not lists");
  }
  if (in.wait() > static_cast<uint8_t>(WaitKind::kJoin)) return Corrupt("unknown wait kind");
  out.id = in.id();
  out.parent = in.parent();
  out.base = in.base();
  out.pc = in.pc();
  out.result_index = in.result_index();
  out.wait = static_cast<WaitKind>(in.wait());
  out.wait_id = in.wait_id();
  out.live_children = in.live_children();
  out.each_next = in.each_next();
  out.each_limit = in.each_limit();
  out.each_pc = in.each_pc();
  out.each_base = in.each_base();
  out.each_offset = in.each_offset();
  if (in.handlers() != nullptr) {
    for (const fb::Handler* h : *in.handlers()) {
      out.handlers.push_back({h->catch_pc(), h->stack_depth()});
    }
  }
  out.locals = *locals;
  out.stack = *stack;
  out.request = (*parts)[2];
  out.results = *results;
  out.each_items = (*parts)[4];
  out.branch_error = (*parts)[5];
  return absl::OkStatus();
}

absl::StatusOr<ExecState> Decode(const uint8_t* data, size_t size) {
  if (!fb::CheckpointBufferHasIdentifier(data)) {
    return Corrupt("the file identifier is not WFCP");
  }
  flatbuffers::Verifier verifier(data, size);
  if (!fb::VerifyCheckpointBuffer(verifier)) {
    return Corrupt("the FlatBuffers verifier rejected it");
  }
  const fb::Checkpoint& root = *fb::GetCheckpoint(data);
  if (root.format_version() < kMinCheckpointFormatVersion ||
      root.format_version() > kCheckpointFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported checkpoint format version ", root.format_version(), " (this build reads ",
        kMinCheckpointFormatVersion, " to ", kCheckpointFormatVersion, ")"));
  }
  absl::StatusOr<Value> values = DecodeValue(root.slots()->data(), root.slots()->size());
  if (!values.ok()) return Corrupt(absl::StrCat("values: ", values.status().message()));
  const List* all = AsList(*values);
  const size_t fibers = root.fibers() == nullptr ? 0 : root.fibers()->size();
  if (all == nullptr || all->size() != kStateValues + fibers) {
    return Corrupt("the values do not match the fibers");
  }
  const List* compensations = AsList((*all)[0]);
  const List* mailbox = AsList((*all)[1]);
  const List* log = AsList((*all)[3]);
  if (compensations == nullptr || mailbox == nullptr || log == nullptr) {
    return Corrupt("state values are not lists");
  }
  ExecState state;
  state.rng_state = root.rng_state();
  state.steps = root.steps();
  state.next_fiber_id = root.next_fiber_id();
  state.next_wait_id = root.next_wait_id();
  state.compensating = root.compensating();
  state.compensation_wait = root.compensation_wait();
  state.ended = root.ended();
  state.compensations = *compensations;
  state.mailbox = *mailbox;
  state.failure = (*all)[2];
  state.compensation_log = *log;
  for (size_t i = 0; i < fibers; ++i) {
    const fb::Fiber& in = *root.fibers()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (state.fibers.contains(in.id())) return Corrupt("duplicate fiber id");
    Fiber& f = state.fibers[in.id()];
    if (absl::Status s = DecodeFiber(in, (*all)[kStateValues + i], f); !s.ok()) return s;
  }
  return state;
}

void EncodeList(ValueEncoder& encoder, flexbuffers::Builder& b, const std::vector<Value>& items) {
  const size_t start = b.StartVector();
  for (const Value& v : items) encoder.Encode(v);
  b.EndVector(start, /*typed=*/false, /*fixed=*/false);
}

}  // namespace

std::string EncodeCheckpoint(const ExecState& state) {
  thread_local flexbuffers::Builder values(256, flexbuffers::BUILDER_FLAG_NONE);
  thread_local flatbuffers::FlatBufferBuilder fbb(512);
  values.Clear();
  {
    ValueEncoder encoder(values);
    const size_t start = values.StartVector();
    EncodeList(encoder, values, state.compensations);
    EncodeList(encoder, values, state.mailbox);
    encoder.Encode(state.failure);
    EncodeList(encoder, values, state.compensation_log);
    for (const auto& [id, f] : state.fibers) {
      const size_t fiber_start = values.StartVector();
      EncodeList(encoder, values, f.locals);
      EncodeList(encoder, values, f.stack);
      encoder.Encode(f.request);
      EncodeList(encoder, values, f.results);
      encoder.Encode(f.each_items);
      encoder.Encode(f.branch_error);
      values.EndVector(fiber_start, /*typed=*/false, /*fixed=*/false);
    }
    values.EndVector(start, /*typed=*/false, /*fixed=*/false);
  }
  values.Finish();
  fbb.Clear();
  auto slots = fbb.CreateVector(values.GetBuffer());
  std::vector<flatbuffers::Offset<fb::Fiber>> fibers;
  fibers.reserve(state.fibers.size());
  std::vector<fb::Handler> handlers;
  for (const auto& [id, f] : state.fibers) {
    flatbuffers::Offset<flatbuffers::Vector<const fb::Handler*>> handler_vector;
    if (!f.handlers.empty()) {
      handlers.clear();
      for (const Handler& h : f.handlers) handlers.emplace_back(h.catch_pc, h.stack_depth);
      handler_vector = fbb.CreateVectorOfStructs(handlers);
    }
    fibers.push_back(fb::CreateFiber(fbb, f.id, f.parent, f.base, f.pc, f.result_index,
                                     static_cast<uint8_t>(f.wait), f.wait_id, f.live_children,
                                     f.each_next, f.each_limit, f.each_pc, f.each_base,
                                     f.each_offset, handler_vector));
  }
  auto fiber_vector = fbb.CreateVector(fibers);
  fb::CheckpointBuilder root(fbb);
  root.add_format_version(kCheckpointFormatVersion);
  root.add_rng_state(state.rng_state);
  root.add_steps(state.steps);
  root.add_slots(slots);
  root.add_fibers(fiber_vector);
  root.add_next_fiber_id(state.next_fiber_id);
  root.add_next_wait_id(state.next_wait_id);
  root.add_compensating(state.compensating);
  root.add_compensation_wait(state.compensation_wait);
  root.add_ended(state.ended);
  fb::FinishCheckpointBuffer(fbb, root.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

absl::StatusOr<ExecState> DecodeCheckpoint(std::string_view bytes) {
  // Room for the root offset and the identifier; the verifier itself aborts at >= 2 GiB.
  if (bytes.size() < 8) return Corrupt("too short");
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return Corrupt("too large");
  return WithAlignedBytes(bytes, [](const uint8_t* data, size_t size) { return Decode(data, size); });
}

}  // namespace weft::vm
