// See registry.h.
#include "storage/registry.h"

#include "storage/keys.h"

namespace weft::storage {

absl::StatusOr<std::optional<VersionRow>> LatestVersion(const Txn& txn, std::string_view workflow) {
  std::optional<std::string> bytes;
  absl::Status s = txn.ScanPrefix(
      Table::kVersions, VersionPrefix(workflow),
      [&](std::string_view, std::string_view value) {
        bytes.emplace(value);
        return false;
      },
      /*reverse=*/true);
  if (!s.ok()) return s;
  if (!bytes) return std::optional<VersionRow>();
  absl::StatusOr<VersionRow> row = DecodeVersion(*bytes);
  if (!row.ok()) return row.status();
  return std::optional<VersionRow>(*std::move(row));
}

absl::StatusOr<std::optional<VersionRow>> GetVersion(const Txn& txn, std::string_view workflow,
                                                     uint32_t version) {
  auto bytes = txn.Get(Table::kVersions, VersionKey(workflow, version));
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return std::optional<VersionRow>();
  absl::StatusOr<VersionRow> row = DecodeVersion(**bytes);
  if (!row.ok()) return row.status();
  return std::optional<VersionRow>(*std::move(row));
}

absl::StatusOr<std::vector<VersionRow>> ListVersions(const Txn& txn, std::string_view workflow) {
  std::vector<VersionRow> rows;
  absl::Status decode_error;
  absl::Status s = txn.ScanPrefix(Table::kVersions, VersionPrefix(workflow),
                                  [&](std::string_view, std::string_view value) {
                                    absl::StatusOr<VersionRow> row = DecodeVersion(value);
                                    if (!row.ok()) {
                                      decode_error = row.status();
                                      return false;
                                    }
                                    rows.push_back(*std::move(row));
                                    return true;
                                  });
  if (!s.ok()) return s;
  if (!decode_error.ok()) return decode_error;
  return rows;
}

absl::StatusOr<std::optional<std::string_view>> GetBytecode(const Txn& txn, std::string_view hash) {
  return txn.Get(Table::kBytecode, hash);
}

absl::StatusOr<RegisterResult> RegisterVersion(Txn& txn, std::string_view workflow,
                                               std::string_view hash, std::string_view bytecode,
                                               std::string_view source_file, int64_t now_ms) {
  auto latest = LatestVersion(txn, workflow);
  if (!latest.ok()) return latest.status();
  if (*latest && (*latest)->hash == hash) return RegisterResult{(*latest)->version, false};
  // Content-addressed: identical bytecode is stored once, whichever workflow or version has it.
  auto existing = txn.Get(Table::kBytecode, hash);
  if (!existing.ok()) return existing.status();
  if (!*existing) {
    if (auto s = txn.Put(Table::kBytecode, hash, bytecode); !s.ok()) return s;
  }
  VersionRow row;
  row.version = *latest ? (*latest)->version + 1 : 1;
  row.hash = std::string(hash);
  row.deployed_at_ms = now_ms;
  row.source_file = std::string(source_file);
  if (auto s = txn.Put(Table::kVersions, VersionKey(workflow, row.version), EncodeVersion(row));
      !s.ok()) {
    return s;
  }
  return RegisterResult{row.version, true};
}

}  // namespace weft::storage
