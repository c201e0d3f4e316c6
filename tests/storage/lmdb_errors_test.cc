// Every LMDB code and errno of lmdb_errors.def reaches the user as a sentence that says what
// to do, with its status code, and the recognisers the writer relies on see exactly theirs.
#include <gtest/gtest.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "storage/crc32c.h"
#include "storage/lmdb.h"

namespace weft::storage {
namespace {

struct Entry {
  int code;
  const char* name;
  absl::StatusCode status;
  const char* what;
  const char* todo;
};
constexpr Entry kEntries[] = {
#define LMDB_ERROR(code, status, what, todo) {code, #code, absl::StatusCode::status, what, todo},
#include "storage/lmdb_errors.def"
#undef LMDB_ERROR
};

TEST(LmdbErrors, EachCodeBecomesItsSentence) {
  for (const Entry& e : kEntries) {
    absl::Status s = LmdbStatus(e.code, "write table `history`");
    EXPECT_EQ(s.code(), e.status) << e.name;
    EXPECT_EQ(std::string(s.message()), std::string("write table `history`: ") + e.what + " (" +
                                            e.name + "); " + e.todo);
    EXPECT_EQ(LmdbErrorCode(s), e.code) << e.name;
    EXPECT_EQ(IsMapFull(s), e.code == MDB_MAP_FULL) << e.name;
    EXPECT_EQ(IsDiskFull(s), e.code == ENOSPC || e.code == EDQUOT) << e.name;
  }
}

TEST(LmdbErrors, EveryLmdbCodeIsListed) {
  for (int rc = MDB_KEYEXIST; rc <= MDB_LAST_ERRCODE; ++rc) {
    bool listed = false;
    for (const Entry& e : kEntries) listed = listed || e.code == rc;
    EXPECT_TRUE(listed) << mdb_strerror(rc);
  }
}

TEST(LmdbErrors, ListedCodesAreDistinct) {
  for (size_t i = 0; i < std::size(kEntries); ++i) {
    for (size_t j = i + 1; j < std::size(kEntries); ++j) {
      EXPECT_NE(kEntries[i].code, kEntries[j].code) << kEntries[i].name << " " << kEntries[j].name;
    }
  }
}

TEST(LmdbErrors, AnUnlistedCodeStillSaysWhatToDo) {
  absl::Status s = LmdbStatus(EXDEV, "commit");
  EXPECT_TRUE(absl::IsInternal(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "weft verify")) << s;
  EXPECT_EQ(LmdbErrorCode(s), EXDEV);
  EXPECT_TRUE(LmdbStatus(MDB_SUCCESS, "x").ok());
  EXPECT_EQ(LmdbErrorCode(absl::InternalError("x")), std::nullopt);
}

TEST(LmdbErrors, DiskFullIsRecognised) {
  absl::Status s = LmdbStatus(ENOSPC, "commit");
  EXPECT_TRUE(IsDiskFull(s));
  EXPECT_TRUE(absl::IsResourceExhausted(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "disk holding the store is full")) << s;
}

TEST(Crc32c, KnownValuesAndBothPathsAgree) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);  // the standard check value
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 7 + 3);
  for (size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
    std::string_view part(bytes.data(), n);
    EXPECT_EQ(Crc32cExtend(0, part), Crc32cExtendPortable(0, part)) << n;
    EXPECT_EQ(Crc32cExtend(Crc32c(part.substr(0, n / 2)), part.substr(n / 2)), Crc32c(part)) << n;
  }
}

}  // namespace
}  // namespace weft::storage
