// What Env::Open checks in data.mdb before LMDB maps it. LMDB trusts the file: a page past the
// end of a truncated file is read through the map and the process dies of SIGBUS, and a file
// that is not LMDB's is mapped all the same. These checks read the two meta pages with pread
// and refuse such a file with a message, so opening a damaged store never crashes.
#ifndef WEFT_STORAGE_OPEN_CHECKS_H_
#define WEFT_STORAGE_OPEN_CHECKS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace weft::storage {

struct DataFileState {
  bool exists = false;
  uint64_t size = 0;        // bytes in data.mdb
  uint64_t page_size = 0;   // from the meta pages
  uint64_t needed = 0;      // bytes up to the end of the last page the newest meta names
  uint64_t txn_id = 0;      // the newest meta's transaction id
};

// Checks `dir`/data.mdb. Absent: exists = false. Otherwise it must be at least two meta pages
// long, both must carry LMDB's magic and data version, and the file must reach the last page
// the newer meta names. DataLoss otherwise, with a sentence naming the file and what to do.
absl::StatusOr<DataFileState> CheckDataFile(const std::string& dir);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_OPEN_CHECKS_H_
