// `weft deploy FILE --check-migration` end to end: executions left waiting on
// version 1 (no workers run), then the check against a version they can move to
// (exit 0), one with a removed task and a renamed signal (exit 1 with the
// diagnostics), a file with errors, and a store with nothing running. The check
// deploys nothing.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessOutput;

constexpr char kV1[] =
    "task reserve, pay, ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    let stock = reserve(order: id)\n"
    "    pay(order: id)\n"
    "    let ok = await signal(\"shipped\")\n"
    "    return ship(order: id, stock: stock, ok: ok)\n"
    "}\n";

// A task added before the point the executions wait at: every point maps.
constexpr char kV2Mappable[] =
    "task audit, reserve, pay, ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    audit(order: id)\n"
    "    let stock = reserve(order: id)\n"
    "    pay(order: id)\n"
    "    let ok = await signal(\"shipped\")\n"
    "    return ship(order: id, stock: stock, ok: ok)\n"
    "}\n";

// `pay` removed and the signal renamed: two points cannot move.
constexpr char kV2Unmappable[] =
    "task reserve, ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    let stock = reserve(order: id)\n"
    "    let ok = await signal(\"delivered\")\n"
    "    return ship(order: id, stock: stock, ok: ok)\n"
    "}\n";

class CliMigrationTest : public testing::WeftCliTest {
 protected:
  void DeployV1AndStart(int executions) {
    ProcessOutput deployed = Weft({"deploy", dir_.Write("order.wf", kV1)});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
    for (int i = 0; i < executions; ++i) {
      ProcessOutput started =
          Weft({"start", "order", "--input", R"({"id":"o-)" + std::to_string(i) + R"("})"});
      ASSERT_EQ(started.exit_code, 0) << started.err;
    }
  }
  std::string Versions() { return Weft({"versions", "order"}).out; }
};

TEST_F(CliMigrationTest, AMappableVersionExitsZeroAndDeploysNothing) {
  DeployV1AndStart(2);
  const std::string before = Versions();
  ProcessOutput r = Weft({"deploy", dir_.Write("order_v2.wf", kV2Mappable), "--check-migration"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("order@v1 -> " + dir_.Sub("order_v2.wf") + ": 2 executions running"));
  EXPECT_THAT(r.out, HasSubstr("4 points in the old version, 5 in the new; 4 map, 0 do not"));
  EXPECT_THAT(r.out, HasSubstr("old 4:17 task reserve\n  new 5:17 task reserve\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("unmappable")));
  EXPECT_EQ(Versions(), before) << "--check-migration deployed something";
}

TEST_F(CliMigrationTest, UnmappablePointsPrintDiagnosticsAndExitOne) {
  DeployV1AndStart(1);
  const std::string file = dir_.Write("order_v2.wf", kV2Unmappable);
  ProcessOutput r = Weft({"deploy", file, "--check-migration"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("order@v1 -> " + file + ": 1 execution running"));
  EXPECT_THAT(r.out, HasSubstr("2 map, 2 do not"));
  // The removed task: the diagnostic is on the old source, the note on the new
  // one.
  EXPECT_THAT(r.out, HasSubstr("order@v1:5:5: error: the old task `pay` at top level has no "
                               "counterpart in the new version [E0401]"));
  EXPECT_THAT(r.out, HasSubstr(file + ":3:10: note: the new version of `order`"));
  EXPECT_THAT(r.out, HasSubstr("hint: if a call of the new version continues this one, label "
                               "it `as \"pay\"`"));
  EXPECT_THAT(r.out, HasSubstr("the old signal `shipped` at top level has no counterpart"));
  EXPECT_THAT(r.out, HasSubstr("2 unmappable points"));
  EXPECT_THAT(r.err, HasSubstr("some running executions cannot move"));
  ProcessOutput versions = Weft({"versions", "order"});
  EXPECT_THAT(versions.out, Not(HasSubstr("v2")));
}

TEST_F(CliMigrationTest, NothingRunningIsNothingToMigrate) {
  DeployV1AndStart(0);
  ProcessOutput r = Weft({"deploy", dir_.Write("order_v2.wf", kV2Unmappable), "--check-migration"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no running executions of the workflows of"));
  EXPECT_THAT(r.out, HasSubstr("nothing to migrate"));
}

TEST_F(CliMigrationTest, AFileWithErrorsIsRefused) {
  DeployV1AndStart(1);
  ProcessOutput r = Weft(
      {"deploy", dir_.Write("bad.wf", "workflow order() { return x }\n"), "--check-migration"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("[E0101]"));
  EXPECT_THAT(r.err, HasSubstr("has errors; nothing was checked"));
}

}  // namespace
}  // namespace weft
