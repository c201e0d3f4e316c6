// See registry.h.
#include "storage/registry.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"

namespace weft::storage {

namespace {

// The highest version, skipping retired ones when `live_only`.
absl::StatusOr<std::optional<VersionRow>> Highest(const Txn& txn, std::string_view workflow,
                                                  bool live_only) {
  std::optional<VersionRow> found;
  absl::Status decode_error;
  absl::Status s = txn.ScanPrefix(
      Table::kVersions, VersionPrefix(workflow),
      [&](std::string_view, std::string_view value) {
        absl::StatusOr<VersionRow> row = DecodeVersion(value);
        if (!row.ok()) {
          decode_error = row.status();
          return false;
        }
        if (live_only && row->retired) return true;
        found = *std::move(row);
        return false;
      },
      /*reverse=*/true);
  if (!s.ok()) return s;
  if (!decode_error.ok()) return decode_error;
  return found;
}

}  // namespace

absl::StatusOr<std::optional<VersionRow>> LatestVersion(const Txn& txn, std::string_view workflow) {
  return Highest(txn, workflow, /*live_only=*/true);
}

absl::StatusOr<std::vector<std::pair<std::string, VersionRow>>> ListAllVersions(const Txn& txn) {
  std::vector<std::pair<std::string, VersionRow>> rows;
  absl::Status decode_error;
  absl::Status s = txn.ScanPrefix(Table::kVersions, "",
                                  [&](std::string_view key, std::string_view value) {
                                    absl::StatusOr<VersionRow> row = DecodeVersion(value);
                                    if (!row.ok()) {
                                      decode_error = row.status();
                                      return false;
                                    }
                                    const size_t sep = key.find('\0');
                                    rows.emplace_back(std::string(key.substr(0, sep)),
                                                      *std::move(row));
                                    return true;
                                  });
  if (!s.ok()) return s;
  if (!decode_error.ok()) return decode_error;
  return rows;
}

absl::StatusOr<std::vector<NamedVersionRow>> LatestVersions(const Txn& txn) {
  std::vector<NamedVersionRow> rows;
  absl::Status decode_error;
  // Keys are workflow \0 version (u32 BE), so a workflow's versions are adjacent and ascending:
  // each row replaces the previous one of the same workflow.
  absl::Status s = txn.ScanPrefix(Table::kVersions, "", [&](std::string_view key,
                                                            std::string_view value) {
    const std::string_view workflow = key.substr(0, key.find('\0'));
    absl::StatusOr<VersionRow> row = DecodeVersion(value);
    if (!row.ok()) {
      decode_error = row.status();
      return false;
    }
    if (rows.empty() || rows.back().workflow != workflow) {
      rows.push_back({std::string(workflow), {}});
    }
    rows.back().row = *std::move(row);
    return true;
  });
  if (!s.ok()) return s;
  if (!decode_error.ok()) return decode_error;
  return rows;
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

absl::Status RegisterSource(Txn& txn, std::string_view hash, std::string_view source) {
  auto existing = txn.Get(Table::kSources, hash);
  if (!existing.ok()) return existing.status();
  if (*existing) return absl::OkStatus();
  return txn.Put(Table::kSources, hash, source);
}

absl::StatusOr<std::optional<std::string_view>> GetSource(const Txn& txn, std::string_view hash) {
  // A format-5 store open read-only has no `sources` table yet: no source is stored.
  if (!txn.env().has_table(Table::kSources)) return std::optional<std::string_view>();
  return txn.Get(Table::kSources, hash);
}

absl::StatusOr<RegisterResult> RegisterVersion(Txn& txn, std::string_view workflow,
                                               std::string_view hash, std::string_view bytecode,
                                               std::string_view source_file, int64_t now_ms) {
  auto latest = Highest(txn, workflow, /*live_only=*/false);
  if (!latest.ok()) return latest.status();
  if (*latest && !(*latest)->retired && (*latest)->hash == hash && (*latest)->definition.empty()) {
    return RegisterResult{(*latest)->version, false};
  }
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

namespace weft::storage {

absl::StatusOr<RegisterResult> RegisterVersionAt(Txn& txn, std::string_view workflow,
                                                 uint32_t version, std::string_view hash,
                                                 std::string_view bytecode,
                                                 std::string_view source_file,
                                                 std::string_view definition, bool overwrite,
                                                 int64_t now_ms) {
  WEFT_ASSIGN_OR_RETURN(std::optional<VersionRow> existing, GetVersion(txn, workflow, version));
  if (existing && !existing->retired) {
    if (existing->hash == hash && existing->definition == definition) {
      return RegisterResult{version, false};
    }
    if (!overwrite) {
      return absl::AlreadyExistsError(absl::StrCat("Workflow with ", ToAbsl(workflow), ".",
                                                   version, " already exists!"));
    }
  }
  WEFT_ASSIGN_OR_RETURN(auto stored, txn.Get(Table::kBytecode, hash));
  if (!stored) WEFT_RETURN_IF_ERROR(txn.Put(Table::kBytecode, hash, bytecode));
  VersionRow row;
  row.version = version;
  row.hash = std::string(hash);
  row.deployed_at_ms = now_ms;
  row.source_file = std::string(source_file);
  row.definition = std::string(definition);
  WEFT_RETURN_IF_ERROR(txn.Put(Table::kVersions, VersionKey(workflow, version), EncodeVersion(row)));
  return RegisterResult{version, true};
}

absl::Status RetireVersion(Txn& txn, std::string_view workflow, uint32_t version) {
  WEFT_ASSIGN_OR_RETURN(std::optional<VersionRow> row, GetVersion(txn, workflow, version));
  if (!row || row->retired) {
    return absl::NotFoundError(absl::StrCat("No such workflow definition: ", ToAbsl(workflow),
                                            " version: ", version));
  }
  row->retired = true;
  return txn.Put(Table::kVersions, VersionKey(workflow, version), EncodeVersion(*row));
}

}  // namespace weft::storage
