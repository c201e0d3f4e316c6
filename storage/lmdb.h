// A thin RAII layer over LMDB: the environment with its named tables (tables.def), and read and
// write transactions. Every LMDB error becomes an absl::Status whose message says what to do
// (lmdb_errors.def). Opening checks the file before LMDB maps it (open_checks.h); every record
// value carries a CRC32C checked on each read (docs/format/lmdb.md, "Checksums"). Nothing here
// knows what the bytes mean (records.h does).
#ifndef WEFT_STORAGE_LMDB_H_
#define WEFT_STORAGE_LMDB_H_

#include <lmdb.h>

#include <array>
#include <atomic>
#include <bitset>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft::storage {

enum class Table : uint8_t {
#define TABLE(e, name, kind, since, doc) e,
#include "storage/tables.def"
#undef TABLE
  kCount
};

// What a table's values are (tables.def).
enum class ValueKind : uint8_t {
  kRaw,     // meta: read before the store's format is known; no checksum
  kRecord,  // a record: from format 3 on, followed by its CRC32C
  kIndex,   // always empty: the key is the whole row
};

std::string_view TableName(Table t);
ValueKind TableValueKind(Table t);
// The store format that added the table; a store of an older format gets it from its upgrade.
uint32_t TableSinceFormat(Table t);

// `operation: WHAT (MDB_NAME); TODO` for an LMDB return code or errno value (lmdb_errors.def),
// with the code attached so that IsMapFull and IsDiskFull can recognise it.
absl::Status LmdbStatus(int rc, std::string_view operation);
// The LMDB return code or errno a status of LmdbStatus carries; nullopt for any other status.
std::optional<int> LmdbErrorCode(const absl::Status& status);
// The map is full (MDB_MAP_FULL): abort the transaction, Env::GrowMap, and try again.
bool IsMapFull(const absl::Status& status);
// The disk (or the user's quota) is full: ENOSPC or EDQUOT. Retrying later may succeed.
bool IsDiskFull(const absl::Status& status);

// A key as text for messages: printable ASCII as is, other bytes as \xNN.
std::string DescribeKey(std::string_view key);

class Env {
 public:
  struct Options {
    std::string path;  // a directory; created when missing (unless read-only)
    // The map reserved for the file. When the address space cannot hold it (ENOMEM, e.g. under
    // `ulimit -v`) Open halves it until it fits and logs the size it got.
    uint64_t map_size_bytes = 16ull << 30;
    uint64_t max_map_size_bytes = 1ull << 40;  // GrowMap never goes past this
    bool read_only = false;
    bool no_sync = false;  // MDB_NOSYNC: no fsync at commit
    // Otherwise every commit is durable when Commit returns, except one made with
    // Txn::DeferSync. The env runs with MDB_NOMETASYNC and Txn::Commit flushes the meta page.
    // Where notes go (a smaller map than asked for, a format upgrade); default: stderr as
    // `weft: note: ...`.
    std::function<void(std::string_view)> log;
  };
  // Opens the environment and its tables. data.mdb is checked before LMDB maps it: a foreign
  // or truncated file is refused (DataLoss) instead of crashing on a read past its end. The
  // tables are created only with a new store, in the transaction that writes its format; in an
  // existing store a missing table is damage (DataLoss). A read-only open of a store that does
  // not exist is NotFound. A store of a format outside [kMinStoreFormat, kStoreFormat] is
  // FailedPrecondition; an older one opens as it is (UpgradeStore in upgrade.h brings it up).
  static absl::StatusOr<std::unique_ptr<Env>> Open(const Options& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* raw() const { return env_; }
  MDB_dbi dbi(Table t) const { return dbis_[static_cast<size_t>(t)]; }
  bool has_table(Table t) const { return present_[static_cast<size_t>(t)]; }
  bool read_only() const { return read_only_; }
  const std::string& path() const { return path_; }
  // The store's format (keys.h); records carry checksums from kChecksumFormat on.
  uint32_t format() const { return format_; }
  bool checksums() const;
  uint64_t map_size() const;
  // Flushes buffers to disk: after NOSYNC batches when asked to, and to make a commit made
  // with Txn::DeferSync durable (every commit before the call is durable when it returns).
  absl::Status Sync() const;
  // Whether commits are flushed to disk (not read-only, not no_sync).
  bool syncs() const { return syncs_; }
  // Sync() calls that succeeded since the open (tests check who flushed).
  uint64_t syncs_done() const { return syncs_done_.load(std::memory_order_relaxed); }

  // Doubles the map, up to Options::max_map_size_bytes: the answer to IsMapFull. Waits until
  // no transaction of this Env is open (LMDB remaps the file), so REQUIRES: the calling thread
  // holds none. ResourceExhausted when the map is at its maximum or the address space cannot
  // hold a larger one; the map is then unchanged.
  absl::Status GrowMap();

  void Log(std::string_view message) const;

 private:
  friend class Txn;
  friend absl::Status UpgradeStore(Env& env);
  Env() = default;
  absl::Status OpenTables(bool created);
  absl::Status ReadFormat(MDB_txn* txn);
  void TxnBegun() const;
  void TxnEnded() const;

  MDB_env* env_ = nullptr;
  std::string path_;
  std::array<MDB_dbi, static_cast<size_t>(Table::kCount)> dbis_{};
  std::bitset<static_cast<size_t>(Table::kCount)> present_;
  bool read_only_ = false;
  bool syncs_ = false;
  mutable std::atomic<uint64_t> syncs_done_{0};
  uint32_t format_ = 0;
  bool format_missing_ = false;  // an empty store that lacks its format record
  uint64_t max_map_size_ = 0;
  std::function<void(std::string_view)> log_;
  // Open transactions of this Env, so that GrowMap remaps only when there are none.
  mutable std::mutex mu_;
  mutable std::condition_variable idle_;
  mutable int open_txns_ = 0;
};

// A transaction. Views returned by Get and the scans stay valid until the transaction ends.
// A Txn that is destroyed without Commit aborts: nothing it wrote is kept. Values of record
// tables are checksummed by Put and checked by Get and ScanPrefix: a mismatch is DataLoss
// naming the table and key. A failed Put (e.g. IsMapFull) leaves the transaction unusable:
// abort it.
class Txn {
 public:
  static absl::StatusOr<Txn> BeginRead(const Env& env);
  static absl::StatusOr<Txn> BeginWrite(const Env& env);
  Txn(Txn&& other) noexcept;
  Txn& operator=(Txn&& other) noexcept;
  ~Txn();

  // nullopt when the key is absent.
  absl::StatusOr<std::optional<std::string_view>> Get(Table t, std::string_view key) const;
  // REQUIRES: `value` does not point into this store (LMDB may move pages while it writes).
  absl::Status Put(Table t, std::string_view key, std::string_view value);
  // For a table keyed by numbers (u64 big-endian) that only grows at its end: puts `value`
  // under the number after the table's last one (1 when empty) and returns that number. Such
  // a put fills its page and goes on in a new one (MDB_APPEND), so one commit's appends share
  // pages instead of splitting pages in the middle of the tree. The last number is read once
  // per transaction.
  absl::StatusOr<uint64_t> AppendNumbered(Table t, std::string_view value);
  // Deleting an absent key is not an error.
  absl::Status Delete(Table t, std::string_view key);

  // Visits keys starting with `prefix` in order (or in reverse); `visit` returns false to stop.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  absl::Status ScanPrefix(Table t, std::string_view prefix, const Visitor& visit,
                          bool reverse = false) const;
  // As ScanPrefix, forward, with values as stored (checksums not checked nor stripped): for
  // `weft verify`, which reports every damaged record instead of stopping at the first.
  absl::Status ScanStored(Table t, std::string_view prefix, const Visitor& visit) const;
  // As ScanPrefix, forward, from the first key >= `from` (the prefix's first key when `from`
  // is empty): how a bounded scan resumes where the last one stopped.
  absl::Status ScanPrefixFrom(Table t, std::string_view prefix, std::string_view from,
                              const Visitor& visit) const;

  // A write transaction of an env that syncs() is durable when Commit returns, unless
  // DeferSync was called: LMDB has then flushed the transaction's pages but not the meta page
  // that makes them the store's state (MDB_NOMETASYNC), so a machine crash before the next
  // Env::Sync() or synced commit rolls it back to the commit before, whole and consistent
  // (pages the last durable state uses are not reused until a later commit). Other threads
  // may read it at once; nothing it decided may be acknowledged before that flush. The
  // writer does this to flush one batch's meta page while it applies the next
  // (engine/commit_syncer.h).
  absl::Status Commit();
  void DeferSync() { defer_sync_ = true; }
  void Abort();

  MDB_txn* raw() const { return txn_; }
  const Env& env() const { return *env_; }
  // Whether the records this transaction sees carry checksums (format 3 on).
  bool checksums() const { return checksums_; }

  // What this transaction has written so far (for the engine's cost accounting).
  struct Counts {
    uint64_t puts = 0;
    uint64_t deletes = 0;
    uint64_t bytes = 0;  // keys and values put, before checksums
  };
  const Counts& counts() const { return counts_; }

 private:
  static absl::StatusOr<Txn> Begin(const Env& env, unsigned flags);
  Txn(const Env* env, MDB_txn* txn, bool checksums)
      : env_(env), txn_(txn), checksums_(checksums) {}
  bool Sealed(Table t) const;
  absl::Status Scan(Table t, std::string_view prefix, std::string_view from,
                    const Visitor& visit, bool reverse, bool check) const;
  const Env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  // Whether this transaction's snapshot has checksums: as the Env's format says, except that a
  // reader of a format-2 store sees them once another process has upgraded it.
  bool checksums_ = false;
  bool write_ = false;
  bool defer_sync_ = false;
  Counts counts_;
  // AppendNumbered's next number, and the table it is for (kCount: not read yet).
  Table numbered_ = Table::kCount;
  uint64_t next_number_ = 0;
};

// The stored form of a record: `value` then CRC32C(key ‖ value), 4 bytes little-endian.
std::string SealRecord(std::string_view key, std::string_view value);
// The value of a stored record; DataLoss naming the table and key when the checksum is wrong.
absl::StatusOr<std::string_view> UnsealRecord(Table t, std::string_view key,
                                              std::string_view stored);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_LMDB_H_
