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
  absl::StatusOr<Value> slots = DecodeValue(root.slots()->data(), root.slots()->size());
  if (!slots.ok()) return Corrupt(absl::StrCat("slots: ", slots.status().message()));
  if (!slots->is_list()) return Corrupt("slots are not a list");
  ExecState state;
  state.pc = root.pc();
  state.suspended = root.suspended();
  state.rng_state = root.rng_state();
  state.steps = root.steps();
  state.slots.assign(slots->as_list().begin(), slots->as_list().end());
  return state;
}

}  // namespace

std::string EncodeCheckpoint(const ExecState& state) {
  thread_local flexbuffers::Builder values(256, flexbuffers::BUILDER_FLAG_NONE);
  thread_local flatbuffers::FlatBufferBuilder fbb(512);
  values.Clear();
  {
    ValueEncoder encoder(values);
    const size_t start = values.StartVector();
    for (const Value& slot : state.slots) encoder.Encode(slot);
    values.EndVector(start, /*typed=*/false, /*fixed=*/false);
  }
  values.Finish();
  fbb.Clear();
  auto slots = fbb.CreateVector(values.GetBuffer());
  auto root = fb::CreateCheckpoint(fbb, kCheckpointFormatVersion, state.pc, state.suspended,
                                   state.rng_state, state.steps, slots);
  fb::FinishCheckpointBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

absl::StatusOr<ExecState> DecodeCheckpoint(std::string_view bytes) {
  // Room for the root offset and the identifier; the verifier itself aborts at >= 2 GiB.
  if (bytes.size() < 8) return Corrupt("too short");
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return Corrupt("too large");
  return WithAlignedBytes(bytes, [](const uint8_t* data, size_t size) { return Decode(data, size); });
}

}  // namespace weft::vm
