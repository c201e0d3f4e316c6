// WriteWithGrowth: one change outside the writer's group commits (metadata, task logs) in its
// own write transaction, committed, with a full map grown and the change tried again.
#ifndef WEFT_ENGINE_WRITE_WITH_GROWTH_H_
#define WEFT_ENGINE_WRITE_WITH_GROWTH_H_

#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "storage/lmdb.h"

namespace weft::engine {

// Runs `change` in a write transaction and commits it, growing a full map and trying again.
template <typename T, typename F>
absl::StatusOr<T> WriteWithGrowth(storage::Env& env, F change) {
  auto attempt = [&]() -> absl::StatusOr<T> {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginWrite(env));
    WEFT_ASSIGN_OR_RETURN(T result, change(txn));
    WEFT_RETURN_IF_ERROR(txn.Commit());
    return result;
  };
  absl::StatusOr<T> result = attempt();
  while (!result.ok() && storage::IsMapFull(result.status())) {
    WEFT_RETURN_IF_ERROR(env.GrowMap());
    result = attempt();
  }
  return result;
}

}  // namespace weft::engine

#endif  // WEFT_ENGINE_WRITE_WITH_GROWTH_H_
