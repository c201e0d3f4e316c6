// Upgrading a store in place to the format this weft writes (kStoreFormat in keys.h). Each step
// takes the store from one format to the next in one write transaction, so a crash leaves it
// at the old format or the new one, never between; a step that fills the map grows it and
// starts again. Steps (docs/format/lmdb.md, "Format version"):
//   2 -> 3  every record gets its CRC32C (every value of a kRecord table is rewritten)
//   3 -> 4  every wait record becomes a typed WaitRecord
//   4 -> 5  the `schedules` table is created (empty); no row changes
//   5 -> 6  the `sources` table is created (empty); no row changes
//   6 -> 7  the `event_handlers` and `event_messages` tables are created (empty)
//   7 -> 8  the `aliases` table is created (empty)
//   8 -> 9  the `by_version` index is created and filled from the executions
//   9 -> 10 the `history_log` table is created (empty); history rows stay where they are;
//           `by_status` is emptied (no longer kept: `by_start` lists by status)
#ifndef WEFT_STORAGE_UPGRADE_H_
#define WEFT_STORAGE_UPGRADE_H_

#include "absl/status/status.h"
#include "storage/lmdb.h"

namespace weft::storage {

// Brings `env` to kStoreFormat, logging (Env::Log) before it changes anything, with a line that
// suggests a backup. Does nothing for a store already at kStoreFormat or one open read-only
// (reading an older format needs no upgrade). REQUIRES: no transaction of `env` is open.
absl::Status UpgradeStore(Env& env);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_UPGRADE_H_
