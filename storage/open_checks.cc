// See open_checks.h. The layout read here is LMDB 0.9's data file on a 64-bit machine (lmdb's
// mdb.c, MDB_page and MDB_meta): each of pages 0 and 1 holds a 16-byte page header, then
//   u32 magic (0xBEEFC0DE), u32 version (1), ptr address, size_t mapsize,
//   MDB_db free (its first u32 is the page size), MDB_db main,
//   pgno last_pg, txnid txnid
// where an MDB_db is 48 bytes. LMDB uses the meta with the larger txnid.
#include "storage/open_checks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "storage/lmdb.h"

namespace weft::storage {
namespace {

static_assert(sizeof(void*) == 8 && sizeof(size_t) == 8, "the meta layout below is 64-bit");

constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr uint32_t kDataVersion = 1;
constexpr uint16_t kPageFlagMeta = 0x08;
constexpr size_t kPageHeader = 16;
constexpr size_t kFlagsOffset = 10;
constexpr size_t kMagicOffset = kPageHeader + 0;
constexpr size_t kVersionOffset = kPageHeader + 4;
constexpr size_t kPageSizeOffset = kPageHeader + 24;
constexpr size_t kLastPageOffset = kPageHeader + 24 + 2 * 48;
constexpr size_t kTxnIdOffset = kLastPageOffset + 8;
constexpr size_t kMetaBytes = kTxnIdOffset + 8;

template <typename T>
T Load(const unsigned char* bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes + offset, sizeof(T));
  return v;
}

struct Meta {
  uint32_t page_size = 0;
  uint64_t last_page = 0;
  uint64_t txn_id = 0;
};

std::string Restore(const std::string& file) {
  return absl::StrCat("restore `", file, "` from a backup, or pass --store with another directory");
}

absl::StatusOr<Meta> ReadMeta(int fd, const std::string& file, uint64_t offset) {
  unsigned char bytes[kMetaBytes];
  ssize_t n = pread(fd, bytes, sizeof bytes, static_cast<off_t>(offset));
  if (n < 0) return LmdbStatus(errno, absl::StrCat("read `", file, "`"));
  if (static_cast<size_t>(n) < sizeof bytes) {
    return absl::DataLossError(absl::StrCat("`", file, "` is truncated: it ends inside LMDB's meta "
                                            "pages; ", Restore(file)));
  }
  if (Load<uint32_t>(bytes, kMagicOffset) != kMagic ||
      !(Load<uint16_t>(bytes, kFlagsOffset) & kPageFlagMeta)) {
    return absl::DataLossError(absl::StrCat(
        "`", file, "` is not an LMDB file (its header lacks LMDB's meta page): --store names "
        "something else, or the header is damaged; check the path, or ", Restore(file)));
  }
  if (uint32_t v = Load<uint32_t>(bytes, kVersionOffset); v != kDataVersion) {
    return absl::DataLossError(absl::StrCat("`", file, "` has LMDB data version ", v,
                                            "; this weft reads version ", kDataVersion, "; ",
                                            Restore(file)));
  }
  Meta meta;
  meta.page_size = Load<uint32_t>(bytes, kPageSizeOffset);
  meta.last_page = Load<uint64_t>(bytes, kLastPageOffset);
  meta.txn_id = Load<uint64_t>(bytes, kTxnIdOffset);
  if (meta.page_size < 512 || meta.page_size > (1u << 16) ||
      (meta.page_size & (meta.page_size - 1)) != 0 || meta.last_page < 1 ||
      meta.last_page > (uint64_t{1} << 40)) {
    return absl::DataLossError(absl::StrCat("`", file, "` has a damaged LMDB meta page (page size ",
                                            meta.page_size, ", last page ", meta.last_page, "); ",
                                            Restore(file)));
  }
  return meta;
}

}  // namespace

absl::StatusOr<DataFileState> CheckDataFile(const std::string& dir) {
  const std::string file = dir + "/data.mdb";
  DataFileState state;
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return state;
    return LmdbStatus(errno, absl::StrCat("open `", file, "`"));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { close(fd); }
  } closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0) return LmdbStatus(errno, absl::StrCat("stat `", file, "`"));
  if (!S_ISREG(st.st_mode)) {
    return absl::DataLossError(absl::StrCat("`", file, "` is not a regular file; ", Restore(file)));
  }
  state.exists = true;
  state.size = static_cast<uint64_t>(st.st_size);
  if (state.size == 0) {
    return absl::DataLossError(absl::StrCat(
        "`", file, "` is empty: the store was truncated, or its creation was interrupted; ",
        Restore(file), " (delete the file if the store never held anything)"));
  }
  absl::StatusOr<Meta> first = ReadMeta(fd, file, 0);
  if (!first.ok()) return first.status();
  absl::StatusOr<Meta> second = ReadMeta(fd, file, first->page_size);
  if (!second.ok()) return second.status();
  const Meta& newest = second->txn_id > first->txn_id ? *second : *first;
  state.page_size = newest.page_size;
  state.txn_id = newest.txn_id;
  state.needed = (newest.last_page + 1) * newest.page_size;
  if (state.size < state.needed) {
    return absl::DataLossError(absl::StrCat(
        "`", file, "` is truncated: it has ", state.size, " bytes but its last page ends at byte ",
        state.needed, " (weft refuses it rather than crash reading past its end); ",
        Restore(file)));
  }
  return state;
}

}  // namespace weft::storage
