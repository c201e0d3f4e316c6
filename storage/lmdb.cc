// See lmdb.h.
#include "storage/lmdb.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft::storage {
namespace {

constexpr const char* kTableNames[] = {
#define TABLE(e, name, doc) name,
#include "storage/tables.def"
#undef TABLE
};

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

}  // namespace

absl::Status LmdbStatus(int rc, std::string_view operation) {
  if (rc == MDB_SUCCESS) return absl::OkStatus();
  std::string message = absl::StrCat("lmdb ", ToAbsl(operation), ": ", mdb_strerror(rc));
  switch (rc) {
    case MDB_NOTFOUND:
      return absl::NotFoundError(message);
    case MDB_MAP_FULL:
      return absl::ResourceExhaustedError(
          absl::StrCat(message, " (the store is full; reopen with a larger map size)"));
    case EACCES:
      return absl::PermissionDeniedError(message);
    case ENOENT:
      return absl::NotFoundError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::unique_ptr<Env>> Env::Open(const Options& options) {
  struct stat st;
  if (stat(options.path.c_str(), &st) != 0) {
    if (options.read_only) {
      return absl::NotFoundError(absl::StrCat("no weft store at `", options.path, "`"));
    }
    if (mkdir(options.path.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(
          absl::StrCat("cannot create store directory `", options.path, "`: ", strerror(errno)));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("store path `", options.path, "` is not a directory"));
  }
  std::unique_ptr<Env> env(new Env());
  env->read_only_ = options.read_only;
  if (int rc = mdb_env_create(&env->env_); rc != 0) return LmdbStatus(rc, "env_create");
  mdb_env_set_maxdbs(env->env_, static_cast<MDB_dbi>(Table::kCount) + 4);
  mdb_env_set_maxreaders(env->env_, 256);
  if (int rc = mdb_env_set_mapsize(env->env_, options.map_size_bytes); rc != 0) {
    return LmdbStatus(rc, "set_mapsize");
  }
  // NOTLS: read transactions are not tied to threads, so any thread may read at any time.
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  if (options.no_sync) flags |= MDB_NOSYNC;
  if (int rc = mdb_env_open(env->env_, options.path.c_str(), flags, 0644); rc != 0) {
    return LmdbStatus(rc, absl::StrCat("open `", options.path, "`"));
  }
  // Open every table once; dbi handles are then shared by all transactions.
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env->env_, nullptr, options.read_only ? MDB_RDONLY : 0, &txn);
      rc != 0) {
    return LmdbStatus(rc, "txn_begin");
  }
  for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
    int rc = mdb_dbi_open(txn, kTableNames[i], options.read_only ? 0 : MDB_CREATE, &env->dbis_[i]);
    if (rc == MDB_NOTFOUND && options.read_only) {
      mdb_txn_abort(txn);
      return absl::NotFoundError(
          absl::StrCat("`", options.path, "` is not a weft store (no table `", kTableNames[i], "`)"));
    }
    if (rc != 0) {
      mdb_txn_abort(txn);
      return LmdbStatus(rc, absl::StrCat("open table ", kTableNames[i]));
    }
  }
  if (int rc = mdb_txn_commit(txn); rc != 0) return LmdbStatus(rc, "commit table opens");
  return env;
}

Env::~Env() {
  if (env_ != nullptr) mdb_env_close(env_);
}

absl::Status Env::Sync() { return LmdbStatus(mdb_env_sync(env_, 1), "sync"); }

absl::StatusOr<Txn> Txn::BeginRead(const Env& env) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.raw(), nullptr, MDB_RDONLY, &txn); rc != 0) {
    return LmdbStatus(rc, "begin read transaction");
  }
  return Txn(&env, txn);
}

absl::StatusOr<Txn> Txn::BeginWrite(const Env& env) {
  if (env.read_only()) return absl::FailedPreconditionError("the store is open read-only");
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.raw(), nullptr, 0, &txn); rc != 0) {
    return LmdbStatus(rc, "begin write transaction");
  }
  return Txn(&env, txn);
}

Txn::Txn(Txn&& other) noexcept : env_(other.env_), txn_(other.txn_) { other.txn_ = nullptr; }

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    Abort();
    env_ = other.env_;
    txn_ = other.txn_;
    other.txn_ = nullptr;
  }
  return *this;
}

Txn::~Txn() { Abort(); }

void Txn::Abort() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
  txn_ = nullptr;
}

absl::Status Txn::Commit() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("transaction already ended");
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // LMDB frees the handle whether or not the commit succeeded
  return LmdbStatus(rc, "commit");
}

absl::StatusOr<std::optional<std::string_view>> Txn::Get(Table t, std::string_view key) const {
  MDB_val k = ToVal(key), v;
  int rc = mdb_get(txn_, env_->dbi(t), &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != 0) return LmdbStatus(rc, "get");
  return std::optional<std::string_view>(FromVal(v));
}

absl::Status Txn::Put(Table t, std::string_view key, std::string_view value) {
  MDB_val k = ToVal(key), v = ToVal(value);
  return LmdbStatus(mdb_put(txn_, env_->dbi(t), &k, &v, 0), "put");
}

absl::Status Txn::Delete(Table t, std::string_view key) {
  MDB_val k = ToVal(key);
  int rc = mdb_del(txn_, env_->dbi(t), &k, nullptr);
  if (rc == MDB_NOTFOUND) return absl::OkStatus();
  return LmdbStatus(rc, "delete");
}

absl::Status Txn::ScanPrefix(Table t, std::string_view prefix, const Visitor& visit,
                             bool reverse) const {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn_, env_->dbi(t), &cursor); rc != 0) {
    return LmdbStatus(rc, "cursor_open");
  }
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
  MDB_val k, v;
  int rc;
  if (!reverse) {
    k = ToVal(prefix);
    rc = prefix.empty() ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
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
    if (!visit(key, FromVal(v))) break;
    rc = mdb_cursor_get(cursor, &k, &v, step);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbStatus(rc, "cursor_get");
  return absl::OkStatus();
}

}  // namespace weft::storage
