// Verified programs by content hash. Bytecode is immutable once stored, so a program is loaded
// and verified once per process and then shared by every execution pinned to it: the hot path
// never re-verifies.
#ifndef WEFT_ENGINE_PROGRAM_CACHE_H_
#define WEFT_ENGINE_PROGRAM_CACHE_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "bytecode/program.h"
#include "storage/lmdb.h"

namespace weft::engine {

// A verified program and the operand-stack depth at each of its pcs, which lets a decoded
// checkpoint be checked against the program in constant time.
struct LoadedProgram {
  bytecode::Program program;
  std::vector<int32_t> depths;
};
using ProgramPtr = std::shared_ptr<const LoadedProgram>;

class ProgramCache {
 public:
  // The program stored under `hash`, loading and verifying it through `txn` on first use.
  // DataLoss when the stored bytes fail verification; NotFound when absent.
  absl::StatusOr<ProgramPtr> Get(const storage::Txn& txn, std::string_view hash);

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, ProgramPtr> programs_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_PROGRAM_CACHE_H_
