// A store written by the format-8 release (tests/storage/fixtures/format8_versions, see its
// README) is read as it is by a read-only open, upgraded in place to format 9 by a read-write
// open, which builds the `by_version` index from the executions stored: its running execution
// (v1) and its completed one (v3) are found as their versions' referrers, so `weft versions
// gc` deletes only v2, and the store stays clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/keys.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::weft::testing::FixtureStoreTest;

constexpr char kRunning[] = "01M90SGABGBSWD5ZCDZ025XFKX";    // order v1, waits on `paid`
constexpr char kCompleted[] = "01M90SGAHBTNCJSEBDACKM9Q23";  // order v3

class Format8VersionsStore : public FixtureStoreTest {
 protected:
  Format8VersionsStore() : FixtureStoreTest("format8_versions") {}
};

TEST_F(Format8VersionsStore, ReadOnlyOpenReadsItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 8u);
  ExpectNoDamage();  // by_version is not missing: format 9 adds it
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  EXPECT_FALSE(engine->CollectVersions("order", /*dry_run=*/true).ok())
      << "without the index, referrers cannot be found";
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 8u) << "a read-only open must not upgrade";
}

TEST_F(Format8VersionsStore, UpgradedItsExecutionsAreFoundAsReferrers) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  absl::Status refused = engine->DeleteVersion("order", 1);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_THAT(refused.message(), HasSubstr(kRunning));
  refused = engine->DeleteVersion("order", 3);
  EXPECT_THAT(refused.message(), HasSubstr(kCompleted));

  auto judged = engine->CollectVersions("order", /*dry_run=*/false);
  ASSERT_TRUE(judged.ok()) << judged.status();
  ASSERT_EQ(judged->size(), 4u);
  EXPECT_FALSE((*judged)[0].deleted);
  EXPECT_TRUE((*judged)[1].deleted);
  EXPECT_FALSE((*judged)[2].deleted);
  EXPECT_EQ((*judged)[3].reason, "latest");
  auto versions = engine->Versions("order");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);

  // The old execution still finishes on v1.
  ASSERT_TRUE(engine->Signal(kRunning, "paid", Value::Bool(true)).ok());
  auto done = engine->AwaitExecution(kRunning, absl::Seconds(30));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->output.ToJson(), R"({"id":"A1","paid":true,"v":1})");
  engine.reset();
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing damaged
}

}  // namespace
}  // namespace weft
