// See lmdb.h. Env::Open runs in this order: the directory, the file checks (open_checks.h),
// the map (halved while the address space cannot hold it), then the tables: created with the
// store, opened without MDB_CREATE afterwards.
#include "storage/lmdb.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/crc32c.h"
#include "storage/keys.h"
#include "storage/open_checks.h"

namespace weft::storage {
namespace {

struct TableInfo {
  const char* name;
  ValueKind kind;
  uint32_t since;
};
constexpr TableInfo kTables[] = {
#define TABLE(e, name, kind, since, doc) {name, ValueKind::kind, since},
#include "storage/tables.def"
#undef TABLE
};

// The smallest map Open falls back to when the address space cannot hold the one asked for.
constexpr uint64_t kMinMapBytes = 1 << 20;

MDB_val ToVal(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
std::string_view FromVal(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// The smallest key greater than every key that starts with `prefix`; empty when none exists
// (the prefix is all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xff) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string Bytes(uint64_t n) {
  if (n >= (1ull << 30) && n % (1ull << 30) == 0) return absl::StrCat(n >> 30, " GiB");
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return absl::StrCat(n >> 20, " MiB");
  return absl::StrCat(n, " bytes");
}

std::string TableOp(std::string_view verb, Table t) {
  return absl::StrCat(ToAbsl(verb), " table `", ToAbsl(TableName(t)), "`");
}

// LmdbStatus for an operation on table `t`, naming it only on failure: the hot path of every
// put and get builds no string.
absl::Status TableStatus(int rc, std::string_view verb, Table t) {
  if (rc == 0) return absl::OkStatus();
  return LmdbStatus(rc, TableOp(verb, t));
}

void StoreCrc(char* out, uint32_t crc) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(crc >> (8 * i));
}
uint32_t LoadCrc(const char* in) {
  uint32_t crc = 0;
  for (int i = 0; i < 4; ++i) crc |= uint32_t{static_cast<unsigned char>(in[i])} << (8 * i);
  return crc;
}
uint32_t RecordCrc(std::string_view key, std::string_view value) {
  return Crc32cExtend(Crc32c(key), value);
}

// Below this much free space on the store's file system, a commit's I/O error is the disk
// being full (see Txn::Commit).
constexpr uint64_t kDiskFullBelowBytes = 1 << 20;

// Whether the file system holding `path` has (nearly) no room left for this process: blocks
// free to unprivileged users, or to root when running as root (who may use the reserve).
bool DiskIsFull(const std::string& path) {
  struct statvfs fs;
  if (statvfs(path.c_str(), &fs) != 0) return false;
  const uint64_t blocks = geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
  return blocks * fs.f_frsize < kDiskFullBelowBytes;
}

// Creates the environment handle and maps the file, halving the map while the address space
// cannot hold it. Returns the handle; `map_size` is what was reserved.
absl::StatusOr<MDB_env*> OpenMapped(const Env::Options& options, uint64_t& map_size) {
  // LMDB raises a map smaller than the data file to the file's size.
  map_size = options.map_size_bytes;
  const uint64_t floor = std::min(map_size, kMinMapBytes);
  for (;;) {
    MDB_env* env = nullptr;
    if (int rc = mdb_env_create(&env); rc != 0) return LmdbStatus(rc, "create the store handle");
    mdb_env_set_maxdbs(env, static_cast<MDB_dbi>(Table::kCount) + 4);
    mdb_env_set_maxreaders(env, 256);
    int rc = mdb_env_set_mapsize(env, map_size);
    // NOTLS: read transactions are not tied to threads, so any thread may read at any time.
    unsigned flags = MDB_NOTLS;
    if (options.read_only) flags |= MDB_RDONLY;
    if (options.no_sync) flags |= MDB_NOSYNC;
    // The meta page is flushed by Txn::Commit (or, for a deferred commit, by Env::Sync), so
    // that the writer can overlap that flush with its next batch (Txn::DeferSync).
    if (!options.no_sync && !options.read_only) flags |= MDB_NOMETASYNC;
    if (rc == 0) rc = mdb_env_open(env, options.path.c_str(), flags, 0644);
    if (rc == 0) return env;
    mdb_env_close(env);
    if (rc != ENOMEM || map_size <= floor) {
      if (rc == ENOENT && options.read_only) {
        return absl::NotFoundError(absl::StrCat("no weft store at `", options.path, "`"));
      }
      return LmdbStatus(rc, absl::StrCat("open the store `", options.path, "`"));
    }
    map_size = std::max(map_size / 2, floor);
  }
}

}  // namespace

std::string_view TableName(Table t) { return kTables[static_cast<size_t>(t)].name; }
ValueKind TableValueKind(Table t) { return kTables[static_cast<size_t>(t)].kind; }
uint32_t TableSinceFormat(Table t) { return kTables[static_cast<size_t>(t)].since; }

std::string SealRecord(std::string_view key, std::string_view value) {
  std::string out(value);
  out.resize(value.size() + 4);
  StoreCrc(out.data() + value.size(), RecordCrc(key, value));
  return out;
}

absl::StatusOr<std::string_view> UnsealRecord(Table t, std::string_view key,
                                              std::string_view stored) {
  const char* problem = nullptr;
  if (stored.size() < 4) {
    problem = "is shorter than its checksum";
  } else if (std::string_view value = stored.substr(0, stored.size() - 4);
             LoadCrc(stored.data() + value.size()) == RecordCrc(key, value)) {
    return value;
  } else {
    problem = "does not match its checksum";
  }
  return absl::DataLossError(absl::StrCat(
      "the record in table `", ToAbsl(TableName(t)), "` at key `", DescribeKey(key), "` ",
      problem, ": the store is damaged; run `weft verify` to list the damage, and restore "
      "data.mdb from a backup"));
}

// --- Env.

absl::StatusOr<std::unique_ptr<Env>> Env::Open(const Options& options) {
  struct stat st;
  if (stat(options.path.c_str(), &st) != 0) {
    if (options.read_only) {
      return absl::NotFoundError(absl::StrCat("no weft store at `", options.path, "`"));
    }
    if (mkdir(options.path.c_str(), 0755) != 0 && errno != EEXIST) {
      return LmdbStatus(errno, absl::StrCat("create the store directory `", options.path, "`"));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("store path `", options.path, "` is not a directory"));
  }
  WEFT_ASSIGN_OR_RETURN(DataFileState file, CheckDataFile(options.path));
  if (!file.exists && options.read_only) {
    return absl::NotFoundError(absl::StrCat("no weft store at `", options.path, "`"));
  }
  std::unique_ptr<Env> env(new Env());
  env->path_ = options.path;
  env->read_only_ = options.read_only;
  env->syncs_ = !options.read_only && !options.no_sync;
  env->max_map_size_ = options.max_map_size_bytes;
  env->log_ = options.log;
  uint64_t map_size = 0;
  WEFT_ASSIGN_OR_RETURN(env->env_, OpenMapped(options, map_size));
  if (map_size < options.map_size_bytes) {
    env->Log(absl::StrCat("the address space cannot hold a map of ", Bytes(options.map_size_bytes),
                          " (e.g. `ulimit -v`); the store `", options.path, "` uses ",
                          Bytes(env->map_size()), " and cannot grow past that; pass a "
                          "smaller --map-size, or raise the limit"));
  }
  MDB_envinfo info;
  mdb_env_info(env->env_, &info);
  // A new store: LMDB wrote its meta pages and no transaction was ever committed.
  WEFT_RETURN_IF_ERROR(env->OpenTables(/*created=*/info.me_last_txnid == 0));
  return env;
}

absl::Status Env::OpenTables(bool created) {
  if (created && read_only_) {
    return absl::NotFoundError(absl::StrCat("no weft store at `", path_, "` (it is empty)"));
  }
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, created ? 0 : MDB_RDONLY, &txn); rc != 0) {
    return LmdbStatus(rc, "begin the transaction that opens the tables");
  }
  std::unique_ptr<MDB_txn, void (*)(MDB_txn*)> guard(txn, mdb_txn_abort);
  if (created) {
    // Every table and the format, in one transaction: a store exists whole or not at all.
    for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
      if (int rc = mdb_dbi_open(txn, kTables[i].name, MDB_CREATE, &dbis_[i]); rc != 0) {
        return LmdbStatus(rc, absl::StrCat("create table `", kTables[i].name, "`"));
      }
      present_.set(i);
    }
    MDB_val key = ToVal(kMetaFormatVersion);
    std::string format = BigEndian32(kStoreFormat);
    MDB_val value = ToVal(format);
    if (int rc = mdb_put(txn, dbi(Table::kMeta), &key, &value, 0); rc != 0) {
      return LmdbStatus(rc, "write the store format");
    }
    key = ToVal(kMetaChecksum);
    value = ToVal(kChecksumAlgorithm);
    if (int rc = mdb_put(txn, dbi(Table::kMeta), &key, &value, 0); rc != 0) {
      return LmdbStatus(rc, "write the store format");
    }
    format_ = kStoreFormat;
  } else {
    const size_t meta = static_cast<size_t>(Table::kMeta);
    if (int rc = mdb_dbi_open(txn, kTables[meta].name, 0, &dbis_[meta]); rc != 0) {
      if (rc != MDB_NOTFOUND) return LmdbStatus(rc, "open table `meta`");
      return absl::DataLossError(absl::StrCat(
          "the store `", path_, "` has no table `meta`: its catalogue is damaged, or it is "
          "another program's LMDB store; check the path, or restore data.mdb from a backup"));
    }
    present_.set(meta);
    WEFT_RETURN_IF_ERROR(ReadFormat(txn));
    for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
      if (i == meta) continue;
      int rc = mdb_dbi_open(txn, kTables[i].name, 0, &dbis_[i]);
      if (rc == MDB_NOTFOUND && kTables[i].since > format_) continue;  // its upgrade adds it
      if (rc == MDB_NOTFOUND) {
        return absl::DataLossError(absl::StrCat(
            "the store `", path_, "` has no table `", kTables[i].name,
            "`: its catalogue is damaged (weft creates tables only with a new store); run "
            "`weft verify`, and restore data.mdb from a backup"));
      }
      if (rc != 0) return LmdbStatus(rc, absl::StrCat("open table `", kTables[i].name, "`"));
      present_.set(i);
    }
  }
  WEFT_RETURN_IF_ERROR(LmdbStatus(mdb_txn_commit(guard.release()), "commit the table opens"));
  if (!format_missing_ || read_only_) return absl::OkStatus();
  WEFT_ASSIGN_OR_RETURN(Txn write, Txn::BeginWrite(*this));
  WEFT_RETURN_IF_ERROR(write.Put(Table::kMeta, kMetaFormatVersion, BigEndian32(kStoreFormat)));
  WEFT_RETURN_IF_ERROR(write.Put(Table::kMeta, kMetaChecksum, kChecksumAlgorithm));
  WEFT_RETURN_IF_ERROR(write.Commit());
  format_missing_ = false;
  return absl::OkStatus();
}

// Reads meta's format and checksum marker, which must agree: a format-2 store never has the
// marker, a format-3 store always has it, so a damaged format number is caught here rather
// than taken for an older format and upgraded twice.
absl::Status Env::ReadFormat(MDB_txn* txn) {
  auto read = [&](std::string_view name, std::optional<std::string>& out) -> absl::Status {
    MDB_val key = ToVal(name), value;
    int rc = mdb_get(txn, dbi(Table::kMeta), &key, &value);
    if (rc == MDB_NOTFOUND) return absl::OkStatus();
    if (rc != 0) return LmdbStatus(rc, "read table `meta`");
    out = std::string(FromVal(value));
    return absl::OkStatus();
  };
  std::optional<std::string> format, checksum;
  WEFT_RETURN_IF_ERROR(read(kMetaFormatVersion, format));
  WEFT_RETURN_IF_ERROR(read(kMetaChecksum, checksum));
  const std::string damaged = absl::StrCat("the store `", path_, "` has a damaged format record: ");
  const std::string restore = "; restore data.mdb from a backup";
  if (!format) {
    // Format 2 wrote its format in a transaction after the one that created the tables; a
    // crash between them leaves no format in a store that holds nothing. Such a store is
    // given the current format (OpenTables writes it); one that holds anything is damaged.
    for (Table t : {Table::kVersions, Table::kExecutions}) {
      MDB_dbi handle;
      MDB_stat stat;
      if (mdb_dbi_open(txn, kTables[static_cast<size_t>(t)].name, 0, &handle) == 0 &&
          mdb_stat(txn, handle, &stat) == 0 && stat.ms_entries > 0) {
        return absl::DataLossError(absl::StrCat(damaged, "`meta` has no `format_version`", restore));
      }
    }
    format_ = kStoreFormat;
    format_missing_ = true;
    return absl::OkStatus();
  }
  if (format->size() != 4) {
    return absl::DataLossError(absl::StrCat(damaged, "`format_version` has ", format->size(),
                                            " bytes instead of 4", restore));
  }
  format_ = ReadBigEndian32(*format);
  if (format_ < kMinStoreFormat || format_ > kStoreFormat) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store has format ", format_, "; this weft reads formats ", kMinStoreFormat, " to ",
        kStoreFormat,
        format_ > kStoreFormat ? " (a newer weft wrote it: use that one)"
                               : " (finish its executions with the weft that wrote it, or use a "
                                 "new store directory)"));
  }
  const bool want_marker = format_ >= kChecksumFormat;
  if (checksum.has_value() != want_marker ||
      (checksum && *checksum != kChecksumAlgorithm)) {
    return absl::DataLossError(absl::StrCat(
        damaged, "format ", format_, (want_marker ? " without" : " with"),
        " the checksum marker `", ToAbsl(kMetaChecksum), "`", restore));
  }
  return absl::OkStatus();
}

Env::~Env() {
  if (env_ != nullptr) mdb_env_close(env_);
}

bool Env::checksums() const { return format_ >= kChecksumFormat; }

uint64_t Env::map_size() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

absl::Status Env::Sync() const {
  WEFT_RETURN_IF_ERROR(LmdbStatus(mdb_env_sync(env_, 1), "sync the store to disk"));
  syncs_done_.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

void Env::Log(std::string_view message) const {
  if (log_) {
    log_(message);
  } else {
    std::cerr << "weft: note: " << message << "\n";
  }
}

absl::Status Env::GrowMap() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return open_txns_ == 0; });
  const uint64_t current = map_size();
  if (current >= max_map_size_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the store `", path_, "` is full: its map is at its maximum of ", Bytes(current),
        "; move finished executions to another store, or raise the maximum"));
  }
  const uint64_t next = std::min(current * 2, max_map_size_);
  // LMDB unmaps the old map before it maps the new one and is left with none when that fails,
  // so first make sure the address space has room for the difference.
  void* probe = mmap(nullptr, next - current, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (probe == MAP_FAILED) {
    return LmdbStatus(ENOMEM, absl::StrCat("grow the map of the store `", path_, "` from ",
                                           Bytes(current), " to ", Bytes(next)));
  }
  munmap(probe, next - current);
  if (int rc = mdb_env_set_mapsize(env_, next); rc != 0) {
    return LmdbStatus(rc, absl::StrCat("grow the map of the store `", path_, "`"));
  }
  Log(absl::StrCat("the store `", path_, "` filled its map of ", Bytes(current), "; grew it to ",
                   Bytes(next)));
  return absl::OkStatus();
}

void Env::TxnBegun() const {
  std::lock_guard<std::mutex> lock(mu_);
  ++open_txns_;
}

void Env::TxnEnded() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (--open_txns_ == 0) idle_.notify_all();
}

// --- Txn.

absl::StatusOr<Txn> Txn::Begin(const Env& env, unsigned flags) {
  const char* what = flags & MDB_RDONLY ? "begin a read transaction" : "begin a write transaction";
  env.TxnBegun();
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env.raw(), nullptr, flags, &txn);
  if (rc == MDB_MAP_RESIZED) {
    // Another process grew the map past ours: adopt its size, which LMDB allows only while
    // this process has no transaction open.
    std::lock_guard<std::mutex> lock(env.mu_);
    if (env.open_txns_ == 1 && mdb_env_set_mapsize(env.raw(), 0) == 0) {
      rc = mdb_txn_begin(env.raw(), nullptr, flags, &txn);
    }
  }
  if (rc != 0) {
    env.TxnEnded();
    return LmdbStatus(rc, what);
  }
  bool checksums = env.checksums();
  if (!checksums) {
    // The upgrade is one transaction: the marker tells which side of it this snapshot is on.
    MDB_val key = ToVal(kMetaChecksum), value;
    checksums = mdb_get(txn, env.dbi(Table::kMeta), &key, &value) == 0;
  }
  Txn out(&env, txn, checksums);
  out.write_ = (flags & MDB_RDONLY) == 0;
  return out;
}

absl::StatusOr<Txn> Txn::BeginRead(const Env& env) { return Begin(env, MDB_RDONLY); }

absl::StatusOr<Txn> Txn::BeginWrite(const Env& env) {
  if (env.read_only()) return absl::FailedPreconditionError("the store is open read-only");
  return Begin(env, 0);
}

Txn::Txn(Txn&& other) noexcept
    : env_(other.env_),
      txn_(other.txn_),
      checksums_(other.checksums_),
      write_(other.write_),
      defer_sync_(other.defer_sync_),
      counts_(other.counts_),
      numbered_(other.numbered_),
      next_number_(other.next_number_) {
  other.txn_ = nullptr;
}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    Abort();
    env_ = other.env_;
    txn_ = other.txn_;
    checksums_ = other.checksums_;
    write_ = other.write_;
    defer_sync_ = other.defer_sync_;
    counts_ = other.counts_;
    numbered_ = other.numbered_;
    next_number_ = other.next_number_;
    other.txn_ = nullptr;
  }
  return *this;
}

Txn::~Txn() { Abort(); }

void Txn::Abort() {
  if (txn_ == nullptr) return;
  mdb_txn_abort(txn_);
  txn_ = nullptr;
  env_->TxnEnded();
}

absl::Status Txn::Commit() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("transaction already ended");
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // LMDB frees the handle whether or not the commit succeeded
  env_->TxnEnded();
  // LMDB reports a write cut short as EIO ("short write, filesystem full?"): that is how a disk
  // that fills during a commit shows. With no room left on the store's file system, it is the
  // full disk, and is reported so (IsDiskFull), not as a damaged disk.
  if (rc == EIO && DiskIsFull(env_->path())) rc = ENOSPC;
  if (rc != 0) return LmdbStatus(rc, absl::StrCat("commit to the store `", env_->path(), "`"));
  // LMDB flushed the pages; the meta page that points at them is flushed here, after them.
  if (write_ && env_->syncs() && !defer_sync_) return env_->Sync();
  return absl::OkStatus();
}

bool Txn::Sealed(Table t) const {
  return TableValueKind(t) == ValueKind::kRecord && checksums_;
}

absl::StatusOr<std::optional<std::string_view>> Txn::Get(Table t, std::string_view key) const {
  MDB_val k = ToVal(key), v;
  int rc = mdb_get(txn_, env_->dbi(t), &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != 0) return TableStatus(rc, "read", t);
  if (!Sealed(t)) return std::optional<std::string_view>(FromVal(v));
  WEFT_ASSIGN_OR_RETURN(std::string_view value, UnsealRecord(t, key, FromVal(v)));
  return std::optional<std::string_view>(value);
}

absl::Status Txn::Put(Table t, std::string_view key, std::string_view value) {
  ++counts_.puts;
  counts_.bytes += key.size() + value.size();
  MDB_val k = ToVal(key);
  if (!Sealed(t)) {
    MDB_val v = ToVal(value);
    return TableStatus(mdb_put(txn_, env_->dbi(t), &k, &v, 0), "write", t);
  }
  // Reserve the room and write value and checksum into it: no copy of a large checkpoint.
  const uint32_t crc = RecordCrc(key, value);
  MDB_val v{value.size() + 4, nullptr};
  if (int rc = mdb_put(txn_, env_->dbi(t), &k, &v, MDB_RESERVE); rc != 0) {
    return TableStatus(rc, "write", t);
  }
  char* out = static_cast<char*>(v.mv_data);
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  StoreCrc(out + value.size(), crc);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Txn::AppendNumbered(Table t, std::string_view value) {
  if (numbered_ != t) {
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn_, env_->dbi(t), &cursor); rc != 0) {
      return TableStatus(rc, "read", t);
    }
    MDB_val k, v;
    const int rc = mdb_cursor_get(cursor, &k, &v, MDB_LAST);
    mdb_cursor_close(cursor);
    if (rc != 0 && rc != MDB_NOTFOUND) return TableStatus(rc, "read", t);
    uint64_t last = 0;
    if (rc == 0) {
      if (k.mv_size != 8) {
        return absl::DataLossError(absl::StrCat("table `", ToAbsl(TableName(t)), "`: last key is ",
                                                k.mv_size, " bytes, not a number"));
      }
      last = ReadBigEndian64(std::string_view(static_cast<const char*>(k.mv_data), 8));
    }
    numbered_ = t;
    next_number_ = last + 1;
  }
  const uint64_t number = next_number_;
  const std::string key = BigEndian64(number);
  ++counts_.puts;
  counts_.bytes += key.size() + value.size();
  MDB_val k = ToVal(key);
  MDB_val v{value.size() + (Sealed(t) ? 4 : 0), nullptr};
  if (int rc = mdb_put(txn_, env_->dbi(t), &k, &v, MDB_RESERVE | MDB_APPEND); rc != 0) {
    return TableStatus(rc, "append to", t);
  }
  char* out = static_cast<char*>(v.mv_data);
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  if (Sealed(t)) StoreCrc(out + value.size(), RecordCrc(key, value));
  ++next_number_;
  return number;
}

absl::Status Txn::Delete(Table t, std::string_view key) {
  ++counts_.deletes;
  MDB_val k = ToVal(key);
  int rc = mdb_del(txn_, env_->dbi(t), &k, nullptr);
  if (rc == MDB_NOTFOUND) return absl::OkStatus();
  return TableStatus(rc, "delete from", t);
}

absl::Status Txn::ScanPrefix(Table t, std::string_view prefix, const Visitor& visit,
                             bool reverse) const {
  return Scan(t, prefix, prefix, visit, reverse, Sealed(t));
}

absl::Status Txn::ScanPrefixFrom(Table t, std::string_view prefix, std::string_view from,
                                 const Visitor& visit) const {
  return Scan(t, prefix, from > prefix ? from : prefix, visit, /*reverse=*/false, Sealed(t));
}

absl::Status Txn::ScanStored(Table t, std::string_view prefix, const Visitor& visit) const {
  return Scan(t, prefix, prefix, visit, /*reverse=*/false, /*check=*/false);
}

absl::Status Txn::Scan(Table t, std::string_view prefix, std::string_view from,
                       const Visitor& visit, bool reverse, bool check) const {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn_, env_->dbi(t), &cursor); rc != 0) {
    return TableStatus(rc, "scan", t);
  }
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
  MDB_val k, v;
  int rc;
  if (!reverse) {
    k = ToVal(from);
    rc = from.empty() ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
                      : mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
  } else {
    std::string successor = PrefixSuccessor(prefix);
    if (successor.empty()) {
      rc = mdb_cursor_get(cursor, &k, &v, MDB_LAST);
    } else {
      k = ToVal(successor);
      rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
      rc = rc == 0 ? mdb_cursor_get(cursor, &k, &v, MDB_PREV)
                   : mdb_cursor_get(cursor, &k, &v, MDB_LAST);
    }
  }
  const MDB_cursor_op step = reverse ? MDB_PREV : MDB_NEXT;
  while (rc == 0) {
    std::string_view key = FromVal(k);
    if (key.substr(0, prefix.size()) != prefix) break;
    std::string_view value = FromVal(v);
    if (check) {
      WEFT_ASSIGN_OR_RETURN(value, UnsealRecord(t, key, value));
    }
    if (!visit(key, value)) break;
    rc = mdb_cursor_get(cursor, &k, &v, step);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return TableStatus(rc, "scan", t);
  return absl::OkStatus();
}

}  // namespace weft::storage
