// See history.h.
#include "storage/history.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"

namespace weft::storage {
namespace {

// A `history_log` record and its log number.
struct Logged {
  uint64_t number = 0;
  HistoryLogRow row;
};

// The state row's link to the newest logged event; nullopt when the row is missing or cannot
// be read, so the link is lost.
std::optional<uint64_t> HeadOf(const Txn& txn, std::string_view id) {
  absl::StatusOr<std::optional<std::string_view>> bytes = txn.Get(Table::kExecState, id);
  if (!bytes.ok() || !*bytes) return std::nullopt;
  absl::StatusOr<ExecStateRow> state = DecodeExecState(**bytes);
  if (!state.ok()) return std::nullopt;
  return state->history_head;
}

// The logged events of `id`, newest first, found by reading the whole log. `lenient` skips a
// record that fails its checksum or does not decode (it cannot be told whose it is); otherwise
// that is DataLoss.
absl::StatusOr<std::vector<Logged>> SearchLog(const Txn& txn, std::string_view id, bool lenient) {
  std::vector<Logged> out;
  if (!txn.env().has_table(Table::kHistoryLog)) return out;
  absl::Status failed;
  WEFT_RETURN_IF_ERROR(txn.ScanStored(
      Table::kHistoryLog, "", [&](std::string_view key, std::string_view stored) {
        const uint64_t number = key.size() == 8 ? ReadBigEndian64(key) : 0;
        absl::StatusOr<std::string_view> value = UnsealRecord(Table::kHistoryLog, key, stored);
        absl::StatusOr<HistoryLogRow> row =
            value.ok() ? DecodeHistoryLog(*value, number) : value.status();
        if (!row.ok()) {
          if (lenient) return true;
          failed = row.status();
          return false;
        }
        if (row->execution_id == id) out.push_back(Logged{number, *std::move(row)});
        return true;
      }));
  WEFT_RETURN_IF_ERROR(failed);
  std::reverse(out.begin(), out.end());
  return out;
}

// The logged events of `id`, newest first: along the links from the state row's head, or, when
// that row cannot be read, by searching the whole log.
absl::StatusOr<std::vector<Logged>> LoggedEvents(const Txn& txn, std::string_view id) {
  std::vector<Logged> out;
  if (!txn.env().has_table(Table::kHistoryLog)) return out;  // a store before format 10
  const std::optional<uint64_t> head = HeadOf(txn, id);
  if (!head) return SearchLog(txn, id, /*lenient=*/false);
  uint32_t above = std::numeric_limits<uint32_t>::max();
  for (uint64_t number = *head; number != 0;) {
    absl::StatusOr<std::optional<std::string_view>> bytes =
        txn.Get(Table::kHistoryLog, BigEndian64(number));
    if (!bytes.ok()) {
      return absl::Status(bytes.status().code(),
                          absl::StrCat("history of execution ", ToAbsl(id), ", log number ",
                                       number, ": ", bytes.status().message()));
    }
    if (!*bytes) {
      return absl::DataLossError(absl::StrCat("history of execution ", ToAbsl(id),
                                              ": its event at log number ", number,
                                              " is missing from table `history_log`"));
    }
    absl::StatusOr<HistoryLogRow> row = DecodeHistoryLog(**bytes, number);
    if (!row.ok()) {
      return absl::DataLossError(absl::StrCat("history of execution ", ToAbsl(id),
                                              ", log number ", number, ": ",
                                              row.status().message()));
    }
    if (row->execution_id != id || row->seq >= above) {
      return absl::DataLossError(absl::StrCat(
          "history of execution ", ToAbsl(id), ": log number ", number, " (execution ",
          row->execution_id, ", seq ", row->seq, ") does not continue its events"));
    }
    above = row->seq;
    const uint64_t prev = row->prev;
    out.push_back(Logged{number, *std::move(row)});
    number = prev;
  }
  return out;
}

}  // namespace

absl::Status AppendHistoryEvent(Txn& txn, std::string_view id, ExecStateRow& state,
                                const HistoryEventView& event) {
  WEFT_ASSIGN_OR_RETURN(
      const uint64_t number,
      txn.AppendNumbered(Table::kHistoryLog, EncodeHistoryLogInPlace(id, state.next_history_seq,
                                                                     state.history_head, event)));
  ++state.next_history_seq;
  state.history_head = number;
  return absl::OkStatus();
}

absl::Status AppendHistoryEvent(Txn& txn, std::string_view id, ExecStateRow& state,
                                const HistoryRow& row) {
  return AppendHistoryEvent(txn, id, state, ViewOfHistoryRow(row));
}

absl::Status PutHistoryRow(Txn& txn, std::string_view id, uint32_t seq, const HistoryRow& row) {
  return txn.Put(Table::kHistory, HistoryKey(id, seq), EncodeHistory(row));
}

absl::StatusOr<std::vector<HistoryEntry>> ReadHistory(const Txn& txn, std::string_view id) {
  std::vector<HistoryEntry> out;
  absl::Status failed;
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
      Table::kHistory, HistoryPrefix(id), [&](std::string_view key, std::string_view value) {
        absl::StatusOr<HistoryRow> row = DecodeHistory(value);
        if (!row.ok()) {
          failed = row.status();
          return false;
        }
        out.push_back(HistoryEntry{ReadBigEndian32(key.substr(key.size() - 4)), *std::move(row)});
        return true;
      }));
  WEFT_RETURN_IF_ERROR(failed);
  WEFT_ASSIGN_OR_RETURN(std::vector<Logged> logged, LoggedEvents(txn, id));
  const size_t rows = out.size();
  for (auto it = logged.rbegin(); it != logged.rend(); ++it) {
    out.push_back(HistoryEntry{it->row.seq, std::move(it->row.event)});
  }
  // Both parts are in seq order already; rows come before the log except for an event a
  // quarantine wrote as a row after logged ones.
  std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(rows), out.end(),
                     [](const HistoryEntry& a, const HistoryEntry& b) { return a.seq < b.seq; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].seq == out[i - 1].seq) {
      return absl::DataLossError(absl::StrCat("history of execution ", ToAbsl(id),
                                              ": two events have seq ", out[i].seq));
    }
  }
  return out;
}

absl::StatusOr<uint32_t> NextHistorySeq(const Txn& txn, std::string_view id) {
  uint32_t last = 0;
  const std::string prefix = HistoryPrefix(id);
  // Keys only, unchecked: the history may be the damaged part.
  WEFT_RETURN_IF_ERROR(
      txn.ScanStored(Table::kHistory, prefix, [&](std::string_view key, std::string_view) {
        if (key.size() == prefix.size() + 4) last = ReadBigEndian32(key.substr(prefix.size()));
        return true;
      }));
  // The newest logged event is the head's; when the head cannot be followed, the log is
  // searched, skipping what does not decode.
  if (!txn.env().has_table(Table::kHistoryLog)) return last + 1;
  if (std::optional<uint64_t> head = HeadOf(txn, id); head) {
    if (*head == 0) return last + 1;
    absl::StatusOr<std::optional<std::string_view>> bytes =
        txn.Get(Table::kHistoryLog, BigEndian64(*head));
    if (bytes.ok() && *bytes) {
      absl::StatusOr<HistoryLogRow> row = DecodeHistoryLog(**bytes, *head);
      if (row.ok() && row->execution_id == id) return std::max(last, row->seq) + 1;
    }
  }
  WEFT_ASSIGN_OR_RETURN(std::vector<Logged> logged, SearchLog(txn, id, /*lenient=*/true));
  for (const Logged& l : logged) last = std::max(last, l.row.seq);
  return last + 1;
}

absl::StatusOr<uint64_t> DeleteHistory(Txn& txn, std::string_view id) {
  uint64_t deleted = 0;
  // A damaged link does not keep the rest from going: then the log is searched.
  absl::StatusOr<std::vector<Logged>> linked = LoggedEvents(txn, id);
  if (!linked.ok()) linked = SearchLog(txn, id, /*lenient=*/true);
  WEFT_RETURN_IF_ERROR(linked.status());
  const std::vector<Logged>& logged = *linked;
  for (const Logged& l : logged) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kHistoryLog, BigEndian64(l.number)));
    ++deleted;
  }
  std::vector<std::string> keys;
  WEFT_RETURN_IF_ERROR(txn.ScanStored(Table::kHistory, HistoryPrefix(id),
                                      [&](std::string_view key, std::string_view) {
                                        keys.emplace_back(key);
                                        return true;
                                      }));
  for (const std::string& key : keys) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kHistory, key));
    ++deleted;
  }
  return deleted;
}

}  // namespace weft::storage
