// See open_checks.h. The layout read here is LMDB 0.9's data file on a 64-bit machine (lmdb's
// mdb.c, MDB_page and MDB_meta): each of pages 0 and 1 holds a 16-byte page header, then
//   u32 magic (0xBEEFC0DE), u32 version (1), ptr address, size_t mapsize,
//   MDB_db free (its first u32 is the page size), MDB_db main,
//   pgno last_pg, txnid txnid
// where an MDB_db is 48 bytes (its root page number at byte 40). LMDB uses the meta with the
// larger txnid.
//
// A file may legitimately end before the last page the meta names: LMDB does not write a page
// that a transaction allocated and freed again (a "loose" page), so the last few pages can be
// free and unwritten. Every page up to last_pg is either in use or listed in the free
// database (mdb.c: "reachable exactly once in the snapshot"), so when the file is short, the
// free database is read (with pread: branch and leaf pages, overflow pages for long lists)
// and the file is refused only when a missing page is not free.
#include "storage/open_checks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

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
  uint64_t free_root = 0;  // the free database's root page; kNoPage when it is empty
};

constexpr size_t kFreeRootOffset = kPageHeader + 24 + 40;
static_assert(kFreeRootOffset + 8 <= kMetaBytes);
constexpr uint64_t kNoPage = ~uint64_t{0};
constexpr uint16_t kPageFlagBranch = 0x01, kPageFlagLeaf = 0x02, kPageFlagOverflow = 0x04;
constexpr size_t kLowerOffset = 12, kOverflowCountOffset = 12, kNodeHeader = 8;
constexpr uint16_t kNodeBigData = 0x01;

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
  meta.free_root = Load<uint64_t>(bytes, kFreeRootOffset);
  if (meta.page_size < 512 || meta.page_size > (1u << 16) ||
      (meta.page_size & (meta.page_size - 1)) != 0 || meta.last_page < 1 ||
      meta.last_page > (uint64_t{1} << 40)) {
    return absl::DataLossError(absl::StrCat("`", file, "` has a damaged LMDB meta page (page size ",
                                            meta.page_size, ", last page ", meta.last_page, "); ",
                                            Restore(file)));
  }
  return meta;
}

// Reads the free database with pread and tells whether every page in [first, last] is listed
// in it. False also when the free database itself is cut off or does not parse: either way the
// file lacks pages LMDB would read.
bool MissingPagesAreFree(int fd, uint64_t page_size, uint64_t file_pages, uint64_t root,
                         uint64_t first, uint64_t last) {
  std::vector<bool> free(last - first + 1, false);
  std::string page(page_size, '\0');
  auto read = [&](uint64_t pgno, std::string& out, uint64_t count) {
    if (pgno >= file_pages || count > file_pages - pgno) return false;
    out.resize(page_size * count);
    return pread(fd, out.data(), out.size(), static_cast<off_t>(pgno * page_size)) ==
           static_cast<ssize_t>(out.size());
  };
  auto note = [&](const unsigned char* ids, size_t bytes) {
    if (bytes < 8) return bytes == 0;
    const uint64_t count = Load<uint64_t>(ids, 0);
    if (count > (bytes - 8) / 8) return false;
    for (uint64_t i = 1; i <= count; ++i) {
      const uint64_t pgno = Load<uint64_t>(ids, 8 * i);
      if (pgno >= first && pgno <= last) free[pgno - first] = true;
    }
    return true;
  };
  std::vector<uint64_t> pending;
  if (root != kNoPage) pending.push_back(root);
  for (uint64_t visited = 0; !pending.empty(); ++visited) {
    const uint64_t pgno = pending.back();
    pending.pop_back();
    if (visited > file_pages || !read(pgno, page, 1)) return false;
    const auto* bytes = reinterpret_cast<const unsigned char*>(page.data());
    const uint16_t flags = Load<uint16_t>(bytes, kFlagsOffset);
    const uint16_t lower = Load<uint16_t>(bytes, kLowerOffset);
    if (lower < kPageHeader || lower > page_size) return false;
    for (size_t i = 0; i < (lower - kPageHeader) / 2u; ++i) {
      const uint16_t at = Load<uint16_t>(bytes, kPageHeader + 2 * i);
      if (at + kNodeHeader > page_size) return false;
      const uint16_t lo = Load<uint16_t>(bytes, at), hi = Load<uint16_t>(bytes, at + 2);
      const uint16_t node_flags = Load<uint16_t>(bytes, at + 4);
      const uint16_t key_size = Load<uint16_t>(bytes, at + 6);
      if (flags & kPageFlagBranch) {
        pending.push_back(lo | uint64_t{hi} << 16 | uint64_t{node_flags} << 32);
        continue;
      }
      if (!(flags & kPageFlagLeaf)) return false;
      const size_t data_at = at + kNodeHeader + key_size;
      const size_t data_size = lo | size_t{hi} << 16;
      if (!(node_flags & kNodeBigData)) {
        if (data_at + data_size > page_size || !note(bytes + data_at, data_size)) return false;
        continue;
      }
      if (data_at + 8 > page_size) return false;
      const uint64_t overflow = Load<uint64_t>(bytes, data_at);
      std::string head, run;
      if (!read(overflow, head, 1)) return false;
      const auto* head_bytes = reinterpret_cast<const unsigned char*>(head.data());
      if (!(Load<uint16_t>(head_bytes, kFlagsOffset) & kPageFlagOverflow)) return false;
      const uint32_t pages = Load<uint32_t>(head_bytes, kOverflowCountOffset);
      if (!read(overflow, run, pages) || kPageHeader + data_size > run.size()) return false;
      if (!note(reinterpret_cast<const unsigned char*>(run.data()) + kPageHeader, data_size)) {
        return false;
      }
    }
  }
  for (bool f : free) {
    if (!f) return false;
  }
  return true;
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
  const uint64_t file_pages = state.size / state.page_size;
  if (state.size < state.needed &&
      !MissingPagesAreFree(fd, state.page_size, file_pages, newest.free_root, file_pages,
                           newest.last_page)) {
    return absl::DataLossError(absl::StrCat(
        "`", file, "` is truncated: it has ", state.size, " bytes but its last page ends at byte ",
        state.needed, " (weft refuses it rather than crash reading past its end); ",
        Restore(file)));
  }
  return state;
}

}  // namespace weft::storage
