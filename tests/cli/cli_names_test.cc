// Name length limits at every edge (common/name_limits.h): a long name in a .wf file is a
// compile error (E0114) before it can reach LMDB, and a long name given at run time (`weft
// start`, `weft signal`) is refused with a clear message.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"

namespace weft {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessOutput;

class NamesCliTest : public testing::WeftCliTest {};

TEST_F(NamesCliTest, SixHundredByteWorkflowNameIsACompileErrorNotAStorageError) {
  const std::string name(600, 'w');
  const std::string wf =
      dir_.Write("long.wf", "workflow " + name + "() {\n    return 1\n}\n");
  ProcessOutput r = Weft({"deploy", wf});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("[E0114]"), HasSubstr("is 600 bytes long"),
                           Not(HasSubstr("MDB_")), Not(HasSubstr(name))));
}

TEST_F(NamesCliTest, LongNamesAtRunTimeAreRefused) {
  const std::string wf =
      dir_.Write("w.wf", "workflow w() {\n    return await signal(\"go\")\n}\n");
  ASSERT_EQ(Weft({"deploy", wf}).exit_code, 0);

  ProcessOutput start = Weft({"start", std::string(600, 'x')});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, AllOf(HasSubstr("workflow name"), HasSubstr("at most 128 bytes"),
                               Not(HasSubstr("MDB_"))));

  ProcessOutput started = Weft({"start", "w"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, started.out.find('\n'));
  ProcessOutput signal = Weft({"signal", id, std::string(600, 's')});
  EXPECT_EQ(signal.exit_code, 1);
  EXPECT_THAT(signal.err, AllOf(HasSubstr("signal name"), HasSubstr("at most 128 bytes")));
  EXPECT_EQ(Weft({"signal", id, "go"}).exit_code, 0);  // a short one still works
}

}  // namespace
}  // namespace weft
