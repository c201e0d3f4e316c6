// Checkpoints: ExecState as bytes (the FlatBuffers schema in checkpoint.fbs, described in
// docs/format/checkpoint.md). The engine writes one after every transition and decodes it to
// continue the execution, so a resumed execution never replays history.
#ifndef WEFT_VM_CHECKPOINT_H_
#define WEFT_VM_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vm/vm.h"

namespace weft::vm {

// Bumped whenever the stored form changes incompatibly; the decoder accepts
// [kMinCheckpointFormatVersion, kCheckpointFormatVersion].
inline constexpr uint32_t kCheckpointFormatVersion = 2;
inline constexpr uint32_t kMinCheckpointFormatVersion = 2;

// Encodes `state`. Deterministic: equal states give equal bytes.
std::string EncodeCheckpoint(const ExecState& state);

// Decodes untrusted bytes: size, the "WFCP" identifier, the FlatBuffers verifier, the format
// version, then the values with the value codec's verifying decoder and their shape. Never crashes on any input;
// failures are InvalidArgument ("corrupt checkpoint: ..."). `bytes` may have any alignment.
// The result is structurally sound but not yet known to fit a program: call CheckStateFits
// (vm.h) before running a state read from disk.
absl::StatusOr<ExecState> DecodeCheckpoint(std::string_view bytes);

}  // namespace weft::vm

#endif  // WEFT_VM_CHECKPOINT_H_
