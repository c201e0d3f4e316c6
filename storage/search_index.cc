// See search_index.h.
#include "storage/search_index.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"
#include "storage/version_index.h"

namespace weft::storage {
namespace {

constexpr uint8_t kLastStatus = static_cast<uint8_t>(ExecutionStatus::kPaused);

uint8_t StatusByte(ExecutionStatus s) { return static_cast<uint8_t>(s); }

MDB_val ToVal(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view FromVal(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// Visits the keys of `t` from `from` on while they start with `prefix`; `visit` returns false
// to stop.
template <typename Visit>
absl::Status ScanFrom(const Txn& txn, Table t, std::string_view from, std::string_view prefix,
                      Visit visit) {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn.raw(), txn.env().dbi(t), &cursor); rc != 0) {
    return LmdbStatus(rc, absl::StrCat("open a cursor on `", ToAbsl(TableName(t)), "`"));
  }
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
  MDB_val k = ToVal(from), v;
  int rc = mdb_cursor_get(cursor, &k, &v, from.empty() ? MDB_FIRST : MDB_SET_RANGE);
  for (; rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
    const std::string_view key = FromVal(k);
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key)) break;
  }
  if (rc != 0 && rc != MDB_NOTFOUND) {
    return LmdbStatus(rc, absl::StrCat("scan `", ToAbsl(TableName(t)), "`"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ExecutionRow>> ReadRow(const Txn& txn, std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(Table::kExecutions, id));
  if (!bytes) return std::optional<ExecutionRow>();
  absl::StatusOr<ExecutionRow> row = DecodeExecution(*bytes);
  if (!row.ok()) {
    return absl::DataLossError(
        absl::StrCat("corrupt executions row of ", ToAbsl(id), ": ", row.status().message()));
  }
  row->info.id = std::string(id);
  return std::optional<ExecutionRow>(*std::move(row));
}

struct Hit {
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string id;
  std::optional<ExecutionInfo> info;  // read already
};

}  // namespace

absl::Status PutSearchEntries(Txn& txn, std::string_view id, const ExecutionRow& row,
                              std::optional<IndexedAs> before) {
  WEFT_RETURN_IF_ERROR(PutVersionEntry(txn, id, row.info,
                                       before ? std::optional<uint32_t>(before->version)
                                              : std::nullopt));
  if (!txn.env().has_table(Table::kByType)) return absl::OkStatus();
  const ExecutionInfo& info = row.info;
  const std::string type_prefix = TypeIndexPrefix(info.workflow);
  if (before) {
    if (before->status == info.status && before->created_ms == info.created_ms) {
      return absl::OkStatus();
    }
    const uint8_t s = StatusByte(before->status);
    WEFT_RETURN_IF_ERROR(
        txn.Delete(Table::kByType, SearchKey(type_prefix, s, before->created_ms, id)));
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByStart, SearchKey("", s, before->created_ms, id)));
  } else {
    if (!info.correlation_id.empty()) {
      WEFT_RETURN_IF_ERROR(
          txn.Put(Table::kByCorrelation, CorrelationKey(info.correlation_id, id), {}));
    }
    if (!info.idempotency_key.empty()) {
      WEFT_RETURN_IF_ERROR(txn.Put(Table::kByIdempotency,
                                   IdempotencyKey(info.workflow, info.idempotency_key, id), {}));
    }
  }
  const uint8_t s = StatusByte(info.status);
  WEFT_RETURN_IF_ERROR(txn.Put(Table::kByType, SearchKey(type_prefix, s, info.created_ms, id), {}));
  return txn.Put(Table::kByStart, SearchKey("", s, info.created_ms, id), {});
}

absl::Status DropSearchEntries(Txn& txn, std::string_view id, const ExecutionRow& row) {
  WEFT_RETURN_IF_ERROR(DropVersionEntry(txn, id, row.info));
  if (!txn.env().has_table(Table::kByType)) return absl::OkStatus();
  const ExecutionInfo& info = row.info;
  const std::string type_prefix = TypeIndexPrefix(info.workflow);
  for (uint8_t s = 0; s <= kLastStatus; ++s) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByType, SearchKey(type_prefix, s, info.created_ms, id)));
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByStart, SearchKey("", s, info.created_ms, id)));
  }
  if (!info.correlation_id.empty()) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByCorrelation, CorrelationKey(info.correlation_id, id)));
  }
  if (!info.idempotency_key.empty()) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByIdempotency,
                                    IdempotencyKey(info.workflow, info.idempotency_key, id)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> FindIdempotent(const Txn& txn,
                                                          std::string_view workflow,
                                                          std::string_view key) {
  if (!txn.env().has_table(Table::kByIdempotency)) return std::optional<std::string>();
  const std::string prefix = IdempotencyPrefix(workflow, key);
  std::optional<std::string> newest;
  // Ids are ULIDs: the last key is the newest execution.
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
      Table::kByIdempotency, prefix,
      [&](std::string_view k, std::string_view) {
        newest = std::string(k.substr(prefix.size()));
        return false;
      },
      /*reverse=*/true));
  return newest;
}

absl::StatusOr<std::vector<std::string>> FindByCorrelationId(const Txn& txn,
                                                             std::string_view correlation_id) {
  std::vector<std::string> ids;
  if (!txn.env().has_table(Table::kByCorrelation) || correlation_id.empty() ||
      correlation_id.find('\0') != std::string_view::npos) {
    return ids;
  }
  const std::string prefix = CorrelationPrefix(correlation_id);
  WEFT_RETURN_IF_ERROR(
      txn.ScanPrefix(Table::kByCorrelation, prefix, [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(prefix.size()));
        return true;
      }));
  return ids;
}

absl::StatusOr<ExecutionPage> SearchExecutions(const Txn& txn, const ExecutionQuery& q) {
  if (!txn.env().has_table(Table::kByType)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store is at format ", txn.env().format(), " and has no search indexes yet; open it "
        "read-write once (any weft command that writes) to upgrade it"));
  }
  ExecutionPage page;
  std::vector<uint8_t> statuses;
  for (ExecutionStatus s : q.statuses) statuses.push_back(StatusByte(s));
  if (statuses.empty()) {
    for (uint8_t s = 0; s <= kLastStatus; ++s) statuses.push_back(s);
  }
  std::sort(statuses.begin(), statuses.end());
  statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
  auto matches = [&](const ExecutionInfo& info) {
    return (q.workflow.empty() || info.workflow == q.workflow) &&
           std::binary_search(statuses.begin(), statuses.end(), StatusByte(info.status)) &&
           info.created_ms > q.created_after_ms && info.created_ms < q.created_before_ms;
  };
  std::vector<Hit> hits;
  if (!q.id_or_correlation.empty()) {
    // The execution of that id and those of that correlation id: a handful of rows, read.
    absl::flat_hash_set<std::string> seen;
    auto consider = [&](std::string_view id) -> absl::Status {
      if (!seen.insert(std::string(id)).second) return absl::OkStatus();
      WEFT_ASSIGN_OR_RETURN(std::optional<ExecutionRow> row, ReadRow(txn, id));
      ++page.rows_read;
      if (row && matches(row->info)) {
        hits.push_back(Hit{row->info.created_ms, row->info.updated_ms, std::string(id),
                           std::move(row->info)});
      }
      return absl::OkStatus();
    };
    if (q.id_or_correlation.find('\0') == std::string::npos) {
      if (!q.correlation_only) WEFT_RETURN_IF_ERROR(consider(q.id_or_correlation));
      std::vector<std::string> ids;
      const std::string prefix = CorrelationPrefix(q.id_or_correlation);
      WEFT_RETURN_IF_ERROR(
          txn.ScanPrefix(Table::kByCorrelation, prefix, [&](std::string_view k, std::string_view) {
            ++page.keys_read;
            ids.emplace_back(k.substr(prefix.size()));
            return true;
          }));
      for (const std::string& id : ids) WEFT_RETURN_IF_ERROR(consider(id));
    }
  } else if (q.created_after_ms < q.created_before_ms) {
    // Index keys only: [type \0] status created id, one range per status.
    const Table t = q.workflow.empty() ? Table::kByStart : Table::kByType;
    const std::string type_prefix = TypeIndexPrefix(q.workflow);
    const int64_t from_ms = q.created_after_ms < 0 ? 0 : q.created_after_ms + 1;
    for (uint8_t s : statuses) {
      const std::string prefix = absl::StrCat(type_prefix, std::string(1, static_cast<char>(s)));
      const std::string from = SearchKey(type_prefix, s, from_ms, "");
      WEFT_RETURN_IF_ERROR(ScanFrom(txn, t, from, prefix, [&](std::string_view key) {
        if (key.size() < prefix.size() + 8) return true;  // not an entry of this layout
        ++page.keys_read;
        const int64_t created = static_cast<int64_t>(ReadBigEndian64(key.substr(prefix.size())));
        if (created >= q.created_before_ms) return false;
        if (created <= q.created_after_ms) return true;
        hits.push_back(Hit{created, 0, std::string(key.substr(prefix.size() + 8)), std::nullopt});
        return true;
      }));
    }
  }
  if (q.sort_by_update) {
    for (Hit& h : hits) {
      if (h.info) continue;
      WEFT_ASSIGN_OR_RETURN(std::optional<ExecutionRow> row, ReadRow(txn, h.id));
      ++page.rows_read;
      if (!row) return absl::DataLossError(absl::StrCat("index entry of missing execution ", h.id));
      h.updated_ms = row->info.updated_ms;
      h.info = std::move(row->info);
    }
  }
  auto order = [&](const Hit& a, const Hit& b) {
    const int64_t ta = q.sort_by_update ? a.updated_ms : a.created_ms;
    const int64_t tb = q.sort_by_update ? b.updated_ms : b.created_ms;
    if (ta != tb) return q.ascending ? ta < tb : ta > tb;
    return q.ascending ? a.id < b.id : a.id > b.id;
  };
  std::sort(hits.begin(), hits.end(), order);
  page.total = hits.size();
  for (size_t i = q.offset; i < hits.size() && page.executions.size() < q.limit; ++i) {
    if (!hits[i].info) {
      WEFT_ASSIGN_OR_RETURN(std::optional<ExecutionRow> row, ReadRow(txn, hits[i].id));
      ++page.rows_read;
      if (!row) {
        return absl::DataLossError(
            absl::StrCat("a search index names execution ", hits[i].id, ", which is missing"));
      }
      hits[i].info = std::move(row->info);
    }
    page.executions.push_back(*std::move(hits[i].info));
  }
  return page;
}

absl::Status BackfillSearchIndexes(Txn& txn) {
  // Keys first, written after the walk: no cursor walks a table being written.
  std::vector<std::pair<std::string, ExecutionRow>> rows;
  WEFT_RETURN_IF_ERROR(txn.ScanStored(
      Table::kExecutions, "", [&](std::string_view key, std::string_view stored) {
        std::string_view value = stored;
        if (txn.checksums()) {
          absl::StatusOr<std::string_view> unsealed = UnsealRecord(Table::kExecutions, key, stored);
          if (!unsealed.ok()) return true;  // damaged: `weft verify` reports it
          value = *unsealed;
        }
        absl::StatusOr<ExecutionRow> row = DecodeExecution(value);
        if (!row.ok()) return true;
        // Only what the keys need: the values (inputs, outputs) are not kept in memory.
        ExecutionRow keys;
        keys.info.workflow = std::move(row->info.workflow);
        keys.info.status = row->info.status;
        keys.info.created_ms = row->info.created_ms;
        keys.info.correlation_id = std::move(row->info.correlation_id);
        keys.info.idempotency_key = std::move(row->info.idempotency_key);
        rows.emplace_back(std::string(key), std::move(keys));
        return true;
      }));
  for (const auto& [id, row] : rows) {
    WEFT_RETURN_IF_ERROR(PutSearchEntries(txn, id, row, std::nullopt));
  }
  return absl::OkStatus();
}

}  // namespace weft::storage
