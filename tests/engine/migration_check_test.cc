// Engine::CheckMigration's structured result (weft/migration.h): a source whose points all
// map, one with a removed task (E0401, placed in both sources), one whose `migrate` section
// computes a renamed variable, a source with compile errors, and workflows with nothing
// running (ended executions do not count, paused ones do). Nothing is ever deployed.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"
#include "tests/engine/migrate_sources.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

class MigrationCheckTest : public EngineTest {
 protected:
  MigrationCheck Check(std::string_view source) {
    auto check = engine_->CheckMigration("next.wf", source);
    EXPECT_TRUE(check.ok()) << check.status();
    return check.ok() ? *check : MigrationCheck{};
  }
  // The versions of `order`, to show that a check deploys nothing.
  size_t VersionCount() {
    auto versions = engine_->Versions("order");
    EXPECT_TRUE(versions.ok()) << versions.status();
    return versions.ok() ? versions->size() : 0;
  }
  const MigrationVariable* Find(const MigrationPoint& p, std::string_view name) {
    for (const MigrationVariable& v : p.variables) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }
};

TEST_F(MigrationCheckTest, AMappableVersionGivesEveryPointAndItsVariables) {
  Deploy(kTaskV1);
  StartOk("order", R"({"id":"o1"})");
  const std::string paused = StartOk("order", R"({"id":"o2"})");
  ASSERT_TRUE(engine_->Pause(paused).ok());
  const MigrationCheck check = Check(kTaskV2);
  EXPECT_TRUE(check.compiles());
  EXPECT_TRUE(check.all_mappable());
  EXPECT_EQ(check.file, "next.wf");
  ASSERT_EQ(check.versions.size(), 1u);
  const MigrationVersionCheck& v = check.versions[0];
  EXPECT_EQ(v.workflow, "order");
  EXPECT_EQ(v.version, 1u);
  EXPECT_EQ(v.running, 2u) << "the paused execution counts";
  EXPECT_TRUE(v.error.empty());
  EXPECT_TRUE(v.mappable);
  EXPECT_EQ(v.new_points, 3u);
  ASSERT_EQ(v.points.size(), 2u);
  const MigrationPoint& pay = v.points[1];
  EXPECT_EQ(pay.kind, "task");
  EXPECT_EQ(pay.key, "pay");
  EXPECT_EQ(pay.name, "pay");
  EXPECT_EQ(pay.path, "");
  EXPECT_EQ(std::make_pair(pay.old_line, pay.old_column), std::make_pair(6u, 13u));
  EXPECT_TRUE(pay.has_counterpart);
  EXPECT_EQ(std::make_pair(pay.new_line, pay.new_column), std::make_pair(7u, 13u));
  EXPECT_TRUE(pay.mappable);
  EXPECT_TRUE(pay.diagnostics.empty());
  const MigrationVariable* a = Find(pay, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->how, "carry");
  EXPECT_EQ(a->old_slot, a->new_slot);
  ASSERT_NE(Find(pay, "id"), nullptr);
  EXPECT_EQ(Find(pay, "id")->how, "carry");
  // The text is the one rendering of the map, as `weft deploy --check-migration` prints it.
  EXPECT_THAT(v.text, HasSubstr("order@v1 -> next.wf: 2 executions running\n"));
  EXPECT_THAT(v.text, HasSubstr("2 points in the old version, 3 in the new; 2 map, 0 do not\n"));
  EXPECT_THAT(v.text, HasSubstr("old 6:13 task pay\n  new 7:13 task pay\n"));
  EXPECT_EQ(VersionCount(), 1u) << "a check deployed something";
}

TEST_F(MigrationCheckTest, AnUnmappablePointCarriesItsDiagnosticInBothSources) {
  Deploy(kTaskV1);
  StartOk("order", R"({"id":"o1"})");
  const MigrationCheck check = Check(kTaskRemoved);
  EXPECT_TRUE(check.compiles());
  EXPECT_FALSE(check.all_mappable());
  ASSERT_EQ(check.versions.size(), 1u);
  const MigrationVersionCheck& v = check.versions[0];
  EXPECT_FALSE(v.mappable);
  ASSERT_EQ(v.points.size(), 2u);
  EXPECT_TRUE(v.points[0].mappable) << "first still maps";
  const MigrationPoint& pay = v.points[1];
  EXPECT_FALSE(pay.mappable);
  EXPECT_FALSE(pay.has_counterpart);
  EXPECT_EQ(pay.new_line, 0u);
  EXPECT_TRUE(pay.variables.empty());
  ASSERT_EQ(pay.diagnostics.size(), 1u);
  const MigrationDiagnostic& d = pay.diagnostics[0];
  EXPECT_EQ(d.code, "E0401");
  EXPECT_THAT(d.message, HasSubstr("the old task `pay` at top level has no counterpart"));
  EXPECT_EQ(std::make_pair(d.old_line, d.old_column), std::make_pair(6u, 13u));
  EXPECT_EQ(d.new_line, 4u) << "the note: the new version's workflow";
  EXPECT_THAT(d.note, HasSubstr("the new version of `order`"));
  ASSERT_FALSE(d.hints.empty());
  EXPECT_THAT(d.hints[0], HasSubstr("label it `as \"pay\"`"));
  EXPECT_THAT(v.text, HasSubstr("order@v1:6:13: error: the old task `pay`"));
  EXPECT_THAT(v.text, HasSubstr("1 unmappable point\n"));
}

TEST_F(MigrationCheckTest, AMigrateSectionValueIsAComputedVariable) {
  Deploy(kTaskV1);
  StartOk("order", R"({"id":"o1"})");
  const MigrationCheck check = Check(kTaskRenamed);
  EXPECT_TRUE(check.all_mappable());
  ASSERT_EQ(check.versions.size(), 1u);
  ASSERT_EQ(check.versions[0].points.size(), 2u);
  const MigrationPoint& pay = check.versions[0].points[1];
  const MigrationVariable* customer = Find(pay, "customer");
  ASSERT_NE(customer, nullptr);
  EXPECT_EQ(customer->how, "compute");
  EXPECT_EQ(customer->value, "a");
  const MigrationVariable* a = Find(pay, "a");
  ASSERT_NE(a, nullptr) << "the old `a` is dropped";
  EXPECT_EQ(a->how, "drop");
}

TEST_F(MigrationCheckTest, ASourceWithErrorsGivesItsDiagnosticsAndChecksNothing) {
  Deploy(kTaskV1);
  StartOk("order", R"({"id":"o1"})");
  const MigrationCheck check = Check("workflow order() { return x }\n");
  EXPECT_FALSE(check.compiles());
  EXPECT_FALSE(check.all_mappable());
  EXPECT_TRUE(check.versions.empty());
  ASSERT_FALSE(check.compile_errors.empty());
  EXPECT_EQ(check.compile_errors[0].code, "E0101");
  EXPECT_EQ(check.compile_errors[0].severity, "error");
  EXPECT_EQ(check.compile_errors[0].line, 1u);
  EXPECT_THAT(check.compile_text, HasSubstr("next.wf:1:"));
  EXPECT_THAT(check.compile_text, HasSubstr("[E0101]"));
}

TEST_F(MigrationCheckTest, NothingRunningIsNothingToCheck) {
  Deploy(kTaskV1);
  const std::string id = StartOk("order", R"({"id":"o1"})");
  ASSERT_TRUE(engine_->Terminate(id, "done").ok());
  MigrationCheck check = Check(kTaskRemoved);
  EXPECT_TRUE(check.versions.empty()) << "an ended execution does not count";
  EXPECT_TRUE(check.all_mappable());
  check = Check("workflow other() { return 1 }\n");
  EXPECT_TRUE(check.versions.empty()) << "a workflow never deployed";
  EXPECT_TRUE(check.all_mappable());
  EXPECT_EQ(VersionCount(), 1u);
}

}  // namespace
}  // namespace weft::testing
