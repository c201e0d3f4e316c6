// See program_cache.h.
#include "engine/program_cache.h"

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "bytecode/serialize.h"
#include "bytecode/verifier.h"
#include "storage/registry.h"

namespace weft::engine {

absl::StatusOr<ProgramPtr> ProgramCache::Get(const storage::Txn& txn, std::string_view hash) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = programs_.find(ToAbsl(hash)); it != programs_.end()) return it->second;
  }
  auto bytes = storage::GetBytecode(txn, hash);
  if (!bytes.ok()) return bytes.status();
  // A version or an execution names this hash: bytecode missing under it is data loss.
  if (!*bytes) {
    return absl::DataLossError(
        absl::StrCat("the bytecode ", ToAbsl(hash), " is missing from the store"));
  }
  // Bytes from disk are untrusted: LoadProgram runs the FlatBuffers verifier, the format
  // version check and the bytecode verifier before anything runs.
  absl::StatusOr<bytecode::Program> program = bytecode::LoadProgram(**bytes);
  if (!program.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored bytecode ", ToAbsl(hash), " is invalid: ", program.status().message()));
  }
  auto loaded = std::make_shared<LoadedProgram>();
  loaded->program = *std::move(program);
  // LoadProgram has verified it already; this pass only records the depths.
  if (absl::Status s = bytecode::VerifyProgram(loaded->program, &loaded->depths); !s.ok()) {
    return absl::DataLossError(absl::StrCat("stored bytecode ", ToAbsl(hash), " is invalid: ", s.message()));
  }
  ProgramPtr shared = std::move(loaded);
  std::lock_guard<std::mutex> lock(mu_);
  return programs_.try_emplace(std::string(hash), std::move(shared)).first->second;
}

}  // namespace weft::engine
