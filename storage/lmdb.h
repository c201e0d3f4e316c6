// A thin RAII layer over LMDB: the environment with its named tables (tables.def), and read and
// write transactions. Every LMDB error becomes an absl::Status naming the operation; nothing
// here knows what the bytes mean (records.h does).
#ifndef WEFT_STORAGE_LMDB_H_
#define WEFT_STORAGE_LMDB_H_

#include <lmdb.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft::storage {

enum class Table : uint8_t {
#define TABLE(e, name, doc) e,
#include "storage/tables.def"
#undef TABLE
  kCount
};

absl::Status LmdbStatus(int rc, std::string_view operation);

class Env {
 public:
  struct Options {
    std::string path;  // a directory; created when missing
    uint64_t map_size_bytes = 16ull << 30;
    bool read_only = false;
    bool no_sync = false;  // MDB_NOSYNC: no fsync at commit
  };
  // Opens the environment and every table (creating them unless read-only). A read-only open of
  // a store that does not exist is NotFound.
  static absl::StatusOr<std::unique_ptr<Env>> Open(const Options& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* raw() const { return env_; }
  MDB_dbi dbi(Table t) const { return dbis_[static_cast<size_t>(t)]; }
  bool read_only() const { return read_only_; }
  // Flushes buffers to disk (used after NOSYNC batches when asked to).
  absl::Status Sync();

 private:
  Env() = default;
  MDB_env* env_ = nullptr;
  std::array<MDB_dbi, static_cast<size_t>(Table::kCount)> dbis_{};
  bool read_only_ = false;
};

// A transaction. Views returned by Get and the scans stay valid until the transaction ends.
// A Txn that is destroyed without Commit aborts: nothing it wrote is kept.
class Txn {
 public:
  static absl::StatusOr<Txn> BeginRead(const Env& env);
  static absl::StatusOr<Txn> BeginWrite(const Env& env);
  Txn(Txn&& other) noexcept;
  Txn& operator=(Txn&& other) noexcept;
  ~Txn();

  // nullopt when the key is absent.
  absl::StatusOr<std::optional<std::string_view>> Get(Table t, std::string_view key) const;
  absl::Status Put(Table t, std::string_view key, std::string_view value);
  // Deleting an absent key is not an error.
  absl::Status Delete(Table t, std::string_view key);

  // Visits keys starting with `prefix` in order (or in reverse); `visit` returns false to stop.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  absl::Status ScanPrefix(Table t, std::string_view prefix, const Visitor& visit,
                          bool reverse = false) const;

  absl::Status Commit();
  void Abort();

 private:
  Txn(const Env* env, MDB_txn* txn) : env_(env), txn_(txn) {}
  const Env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

}  // namespace weft::storage

#endif  // WEFT_STORAGE_LMDB_H_
