// See upgrade.h.
#include "storage/upgrade.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/aliases.h"
#include "storage/events.h"
#include "storage/keys.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "storage/search_index.h"
#include "storage/task_logs.h"
#include "storage/version_index.h"

namespace weft::storage {
namespace {

MDB_val ToVal(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view FromVal(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// Reads up to `limit` rows of `t` after the key `after` (from the first when `first`).
absl::Status ReadBatch(const Txn& txn, Table t, const std::string& after, bool first,
                       size_t limit, std::vector<std::pair<std::string, std::string>>& rows) {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn.raw(), txn.env().dbi(t), &cursor); rc != 0) {
    return LmdbStatus(rc, "open a cursor for the upgrade");
  }
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
  MDB_val k = ToVal(after), v;
  int rc = mdb_cursor_get(cursor, &k, &v, first ? MDB_FIRST : MDB_SET_RANGE);
  if (rc == 0 && !first && FromVal(k) == after) rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  while (rc == 0 && rows.size() < limit) {
    rows.emplace_back(std::string(FromVal(k)), std::string(FromVal(v)));
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) {
    return LmdbStatus(rc, absl::StrCat("read table `", ToAbsl(TableName(t)), "` for the upgrade"));
  }
  return absl::OkStatus();
}

// 2 -> 3: appends the CRC32C to every value of every record table. Rows are read in batches
// and written back between batches, so no cursor walks a page that a write just moved.
absl::Status AddChecksums(Txn& txn) {
  for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
    const Table t = static_cast<Table>(i);
    if (TableValueKind(t) != ValueKind::kRecord || !txn.env().has_table(t)) continue;
    std::string after;
    for (bool first = true;; first = false) {
      std::vector<std::pair<std::string, std::string>> rows;
      WEFT_RETURN_IF_ERROR(ReadBatch(txn, t, after, first, 512, rows));
      if (rows.empty()) break;
      for (const auto& [key, value] : rows) {
        std::string sealed = SealRecord(key, value);
        MDB_val k = ToVal(key), v = ToVal(sealed);
        if (int rc = mdb_put(txn.raw(), txn.env().dbi(t), &k, &v, 0); rc != 0) {
          return LmdbStatus(rc, absl::StrCat("rewrite table `", ToAbsl(TableName(t)), "`"));
        }
      }
      after = rows.back().first;
    }
  }
  return txn.Put(Table::kMeta, kMetaChecksum, kChecksumAlgorithm);
}

// 3 -> 4: every wait record, a Weft value with a string `kind` until now, becomes a typed
// WaitRecord (wait_record.fbs). A record that does not decode is left as it is (and reported
// by `weft verify` and quarantined by the engine), never dropped.
absl::Status TypeWaits(Txn& txn) {
  if (!txn.env().has_table(Table::kWaits)) return absl::OkStatus();
  std::string after;
  for (bool first = true;; first = false) {
    std::vector<std::pair<std::string, std::string>> rows;
    WEFT_RETURN_IF_ERROR(ReadBatch(txn, Table::kWaits, after, first, 512, rows));
    if (rows.empty()) break;
    for (const auto& [key, stored] : rows) {
      absl::StatusOr<std::string_view> value = UnsealRecord(Table::kWaits, key, stored);
      if (!value.ok()) continue;
      absl::StatusOr<WaitRow> row = DecodeLegacyWait(*value);
      if (!row.ok()) continue;
      WEFT_RETURN_IF_ERROR(txn.Put(Table::kWaits, key, EncodeWait(*row)));
    }
    after = rows.back().first;
  }
  return absl::OkStatus();
}

// 4 -> 5: the `schedules` table, which RunStep creates; nothing stored changes.
absl::Status AddSchedules(Txn&) { return absl::OkStatus(); }

// 5 -> 6, the search's part: the indexes (by_type, by_start, by_correlation, by_idempotency),
// which RunStep creates, filled from the executions stored.
absl::Status AddSearchIndexes(Txn& txn) { return BackfillSearchIndexes(txn); }

// 5 -> 6, the program hash's part: it is written once, in the `executions` row. Execution
// state rows and EXECUTION_STARTED events written before keep their copy, which readers ignore
// (a state row loses it when next written); nothing is rewritten.
absl::Status HashOnce(Txn&) { return absl::OkStatus(); }

// 5 -> 6, the metadata API's part: the `taskdefs` table, which RunStep creates. Nothing stored
// changes: a version record without `definition` was deployed from .wf source, and one without
// `retired` is live.
absl::Status AddTaskDefs(Txn&) { return absl::OkStatus(); }

// 5 -> 6, graph's part: the `sources` table, which RunStep creates. Nothing is backfilled: the
// source of a version deployed before format 6 is not in the store (a deploy of the same file
// stores it, RegisterSource), and drawing it says so.
absl::Status BackfillGraphSources(Txn&) { return absl::OkStatus(); }

// 5 -> 6: every feature's part of the step, each its own function.
absl::Status ToFormat6(Txn& txn) {
  WEFT_RETURN_IF_ERROR(HashOnce(txn));
  WEFT_RETURN_IF_ERROR(AddTaskDefs(txn));
  WEFT_RETURN_IF_ERROR(AddSearchIndexes(txn));
  WEFT_RETURN_IF_ERROR(BackfillGraphSources(txn));
  return absl::OkStatus();
}

// 6 -> 7: every feature's part of the step, each its own function.
absl::Status ToFormat7(Txn& txn) {
  WEFT_RETURN_IF_ERROR(AddTaskLogTables(txn));
  WEFT_RETURN_IF_ERROR(AddEventTables(txn));
  WEFT_RETURN_IF_ERROR(AddOutboxTables(txn));
  return absl::OkStatus();
}

// 7 -> 8: every feature's part of the step, each its own function.
absl::Status ToFormat8(Txn& txn) {
  WEFT_RETURN_IF_ERROR(AddAliasTables(txn));
  return absl::OkStatus();
}

// 8 -> 9: every feature's part of the step, each its own function.
absl::Status ToFormat9(Txn& txn) {
  WEFT_RETURN_IF_ERROR(AddVersionIndexTables(txn));
  return absl::OkStatus();
}

// 9 -> 10: the `history_log` table (created by RunStep). Events already stored stay in
// `history`; readers merge both (storage/history.h). And `by_status` is emptied: it is no
// longer kept, and `by_start` lists by status (its rows would go stale).
absl::Status ToFormat10(Txn& txn) {
  if (int rc = mdb_drop(txn.raw(), txn.env().dbi(Table::kByStatus), 0); rc != 0) {
    return LmdbStatus(rc, "emptying table `by_status`");
  }
  return absl::OkStatus();
}

struct Step {
  uint32_t to;
  const char* what;
  absl::Status (*run)(Txn& txn);
};
constexpr Step kSteps[] = {
    {3, "adds a CRC32C checksum to every record", AddChecksums},
    {4, "wait records are typed", TypeWaits},
    {5, "adds the schedules table", AddSchedules},
    {6,
     "stores the program hash once per execution, adds the taskdefs and sources tables and "
     "the search indexes",
     ToFormat6},
    {7, "adds the task_logs, event handler and outbox tables", ToFormat7},
    {8, "adds the aliases table", ToFormat8},
    {9, "adds the by_version index of executions", ToFormat9},
    {10,
     "adds the history_log table, where new history events are appended, and empties "
     "by_status, which by_start replaces",
     ToFormat10},
};
static_assert(kSteps[std::size(kSteps) - 1].to == kStoreFormat, "a step must reach kStoreFormat");

// One step in one transaction; the tables that format `step.to` adds are created in it.
// `install` makes each new table visible to the step's own writes (a backfill); UpgradeStore
// takes the tables back out when the step fails (LMDB closes the handles with the transaction).
absl::Status RunStep(Env& env, const Step& step, std::vector<std::pair<Table, MDB_dbi>>& added,
                     const std::function<void(Table, MDB_dbi)>& install) {
  WEFT_ASSIGN_OR_RETURN(Txn txn, Txn::BeginWrite(env));
  for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
    const Table t = static_cast<Table>(i);
    if (TableSinceFormat(t) != step.to || env.has_table(t)) continue;
    MDB_dbi dbi;
    std::string name(TableName(t));
    if (int rc = mdb_dbi_open(txn.raw(), name.c_str(), MDB_CREATE, &dbi); rc != 0) {
      return LmdbStatus(rc, absl::StrCat("create table `", name, "`"));
    }
    added.emplace_back(t, dbi);
    install(t, dbi);
  }
  WEFT_RETURN_IF_ERROR(step.run(txn));
  WEFT_RETURN_IF_ERROR(txn.Put(Table::kMeta, kMetaFormatVersion, BigEndian32(step.to)));
  return txn.Commit();
}

}  // namespace

absl::Status UpgradeStore(Env& env) {
  if (env.read_only() || env.format() >= kStoreFormat) return absl::OkStatus();
  env.Log(absl::StrCat(
      "upgrading the store `", env.path(), "` from format ", env.format(), " to ", kStoreFormat,
      " in place, in one transaction (an interruption leaves it at format ", env.format(),
      "); the weft that wrote it cannot open it afterwards: if you may need to go back, "
      "interrupt now and copy `", env.path(), "/data.mdb` first"));
  for (const Step& step : kSteps) {
    if (step.to <= env.format()) continue;
    for (;;) {
      std::vector<std::pair<Table, MDB_dbi>> added;
      absl::Status s = RunStep(env, step, added, [&env](Table t, MDB_dbi dbi) {
        env.dbis_[static_cast<size_t>(t)] = dbi;
        env.present_.set(static_cast<size_t>(t));
      });
      if (!s.ok()) {
        for (const auto& [t, dbi] : added) env.present_.reset(static_cast<size_t>(t));
      }
      if (IsMapFull(s)) {
        // Rewriting copies every page it touches: the map may need room for both.
        WEFT_RETURN_IF_ERROR(env.GrowMap());
        continue;
      }
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("upgrading the store to format ", step.to,
                                                   " failed, and it is still at format ",
                                                   env.format(), ": ", s.message()));
      }
      for (const auto& [t, dbi] : added) {
        env.dbis_[static_cast<size_t>(t)] = dbi;
        env.present_.set(static_cast<size_t>(t));
      }
      env.format_ = step.to;
      env.Log(absl::StrCat("the store `", env.path(), "` is at format ", step.to, ": ", step.what));
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace weft::storage
