#include "storage/registry.h"

#include <gtest/gtest.h>

#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Env::Options o;
    o.path = dir_.path();
    o.map_size_bytes = 64 << 20;
    env_ = *Env::Open(o);
  }
  RegisterResult Register(std::string_view wf, std::string_view hash, bool commit = true) {
    auto txn = Txn::BeginWrite(*env_);
    auto r = RegisterVersion(*txn, wf, hash, std::string("code-") + std::string(hash), "f.wf", 1000);
    EXPECT_TRUE(r.ok()) << r.status();
    if (commit) EXPECT_TRUE(txn->Commit().ok());
    return *r;
  }
  testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(RegistryTest, VersionsCountUpAndIdenticalBytecodeIsNoNewVersion) {
  EXPECT_EQ(Register("ship", "h1").version, 1u);
  RegisterResult again = Register("ship", "h1");
  EXPECT_EQ(again.version, 1u);
  EXPECT_FALSE(again.created);
  RegisterResult v2 = Register("ship", "h2");
  EXPECT_EQ(v2.version, 2u);
  EXPECT_TRUE(v2.created);
  // Going back to older bytecode is a change relative to the latest: a new version.
  EXPECT_EQ(Register("ship", "h1").version, 3u);
  auto txn = Txn::BeginRead(*env_);
  auto versions = ListVersions(*txn, "ship");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[1].hash, "h2");
  EXPECT_EQ((*versions)[2].source_file, "f.wf");
  auto latest = LatestVersion(*txn, "ship");
  EXPECT_EQ((*latest)->version, 3u);
  auto code = GetBytecode(*txn, "h2");
  EXPECT_EQ(**code, "code-h2");
}

TEST_F(RegistryTest, WorkflowNamesThatArePrefixesDoNotMix) {
  Register("ship", "a");
  Register("ship_fast", "b");
  Register("ship_fast", "c");
  auto txn = Txn::BeginRead(*env_);
  EXPECT_EQ((*LatestVersion(*txn, "ship"))->version, 1u);
  EXPECT_EQ((*LatestVersion(*txn, "ship_fast"))->version, 2u);
  EXPECT_FALSE(LatestVersion(*txn, "sh")->has_value());
}

TEST_F(RegistryTest, UncommittedDeployLeavesRegistryUnchanged) {
  Register("ship", "h1");
  Register("ship", "h2", /*commit=*/false);
  auto txn = Txn::BeginRead(*env_);
  EXPECT_EQ((*LatestVersion(*txn, "ship"))->version, 1u);
  EXPECT_FALSE(GetBytecode(*txn, "h2")->has_value());
}

TEST_F(RegistryTest, AnExplicitVersionConflictsUnlessOverwrittenAndKeepsTheOldBytecode) {
  auto at = [&](uint32_t version, std::string_view hash, std::string_view def, bool overwrite) {
    auto txn = Txn::BeginWrite(*env_);
    auto r = RegisterVersionAt(*txn, "ship", version, hash, std::string("code-") + std::string(hash),
                               "ship.json", def, overwrite, 2000);
    if (r.ok()) EXPECT_TRUE(txn->Commit().ok());
    return r;
  };
  auto v5 = at(5, "h1", R"({"v":1})", false);
  ASSERT_TRUE(v5.ok()) << v5.status();
  EXPECT_EQ(v5->version, 5u);
  EXPECT_TRUE(v5->created);
  auto same = at(5, "h1", R"({"v":1})", false);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->created);
  EXPECT_TRUE(absl::IsAlreadyExists(at(5, "h2", R"({"v":2})", false).status()));
  EXPECT_TRUE(absl::IsAlreadyExists(at(5, "h1", R"({"v":2})", false).status()));
  ASSERT_TRUE(at(5, "h2", R"({"v":2})", true).ok());
  auto txn = Txn::BeginRead(*env_);
  auto row = GetVersion(*txn, "ship", 5);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->hash, "h2");
  EXPECT_EQ((*row)->definition, R"({"v":2})");
  EXPECT_EQ(**GetBytecode(*txn, "h1"), "code-h1") << "an overwritten version's bytecode stays";
}

TEST_F(RegistryTest, ARetiredVersionIsNotTheLatestButKeepsItsNumberAndBytecode) {
  Register("ship", "h1");
  Register("ship", "h2");
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(RetireVersion(*txn, "ship", 2).ok());
    EXPECT_TRUE(absl::IsNotFound(RetireVersion(*txn, "ship", 2)));
    EXPECT_TRUE(absl::IsNotFound(RetireVersion(*txn, "ship", 9)));
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    auto txn = Txn::BeginRead(*env_);
    EXPECT_EQ((*LatestVersion(*txn, "ship"))->version, 1u);
    EXPECT_TRUE((*GetVersion(*txn, "ship", 2))->retired);
    EXPECT_EQ(**GetBytecode(*txn, "h2"), "code-h2");
    auto all = ListAllVersions(*txn);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[1].first, "ship");
  }
  // A .wf deploy numbers after the highest version, retired or not: no number is reused.
  EXPECT_EQ(Register("ship", "h2").version, 3u);
}

}  // namespace
}  // namespace weft::storage
