// Fuzz target: bytes + a program -> checkpoint decoder, CheckStateFits, and the VM. The first
// byte picks one of the fixed programs (programs.h); the rest is the checkpoint. A checkpoint
// decodes to a state or a clean "corrupt checkpoint" error; a decoded state re-encodes to
// bytes that decode again to the same encoding; and a state that CheckStateFits accepts is safe
// to run: the VM resumes its first open wait (or aborts it when none is open) with a small
// step budget, and must not crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "fuzz/programs.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const weft::bytecode::Program& program = weft::fuzz::PickProgram(data[0]);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<weft::vm::ExecState> state = weft::vm::DecodeCheckpoint(bytes);
  if (!state.ok()) {
    WEFT_CHECK(state.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const std::string encoded = weft::vm::EncodeCheckpoint(*state);
  absl::StatusOr<weft::vm::ExecState> again = weft::vm::DecodeCheckpoint(encoded);
  WEFT_CHECK_MSG(again.ok(), std::string(again.status().message()).c_str());
  WEFT_CHECK(weft::vm::EncodeCheckpoint(*again) == encoded);

  if (!weft::vm::CheckStateFits(program, *state).ok()) return 0;
  weft::vm::RunContext ctx;
  ctx.now_ms = 1'700'000'000'000;
  ctx.max_steps = 5'000;
  const std::vector<weft::vm::Request> open = weft::vm::OpenRequests(*state);
  if (!open.empty()) {
    (void)weft::vm::Resume(program, *state, open.front().wait_id,
                           weft::vm::Outcome{true, weft::Value::Int(1)}, ctx);
  } else if (!state->ended) {
    (void)weft::vm::Abort(program, *state, weft::Value::String("fuzz"), ctx);
  }
  return 0;
}
