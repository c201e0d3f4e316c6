// LmdbStatus and the recognisers of lmdb.h, expanded from lmdb_errors.def: one place maps every
// LMDB return code and errno value to a status code and a sentence that says what to do.
#include <cerrno>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "storage/lmdb.h"

namespace weft::storage {
namespace {

// The payload that carries the code, so callers recognise a status without parsing text.
constexpr char kCodePayload[] = "weft.storage.lmdb_error";

struct ErrorEntry {
  int code;
  const char* name;
  absl::StatusCode status;
  const char* what;
  const char* todo;
};

constexpr ErrorEntry kErrors[] = {
#define LMDB_ERROR(code, status, what, todo) {code, #code, absl::StatusCode::status, what, todo},
#include "storage/lmdb_errors.def"
#undef LMDB_ERROR
};

const ErrorEntry* FindError(int rc) {
  for (const ErrorEntry& e : kErrors) {
    if (e.code == rc) return &e;
  }
  return nullptr;
}

}  // namespace

absl::Status LmdbStatus(int rc, std::string_view operation) {
  if (rc == MDB_SUCCESS) return absl::OkStatus();
  const ErrorEntry* e = FindError(rc);
  std::string message =
      e != nullptr
          ? absl::StrCat(ToAbsl(operation), ": ", e->what, " (", e->name, "); ", e->todo)
          : absl::StrCat(ToAbsl(operation), ": unexpected error ", rc, " (", mdb_strerror(rc),
                         "); run `weft verify`, and report this error if the store is clean");
  absl::Status status(e != nullptr ? e->status : absl::StatusCode::kInternal, message);
  status.SetPayload(kCodePayload, absl::Cord(absl::StrCat(rc)));
  return status;
}

std::optional<int> LmdbErrorCode(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kCodePayload);
  int code = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &code)) return std::nullopt;
  return code;
}

bool IsMapFull(const absl::Status& status) { return LmdbErrorCode(status) == MDB_MAP_FULL; }

bool IsDiskFull(const absl::Status& status) {
  std::optional<int> code = LmdbErrorCode(status);
  return code == ENOSPC || code == EDQUOT;
}

std::string DescribeKey(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace weft::storage
