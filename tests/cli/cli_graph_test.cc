// `weft graph` end to end through the `weft` binary: a .wf file as SVG (the contract's
// attributes) and as the model's text, a deployed version from its stored source, an
// execution coloured by what happened (a completed run and one that failed at `fail`), and
// clear errors for a missing version or an ambiguous file.
#include <fstream>
#include <iterator>
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

class CliGraphTest : public testing::WeftCliTest {
 protected:
  // Runs the shipping example with `vendor`; returns the execution's id.
  std::string RunShipping(const std::string& vendor) {
    Weft({"run", "examples/shipping.wf", "--input",
          R"({"order_id":"o-1","vendor":")" + vendor + R"("})", "--worker",
          "shipping_info=examples/workers/shipping_info.sh", "--worker",
          "ship_fedex=examples/workers/ship_fedex.sh", "--worker",
          "ship_ups=examples/workers/ship_ups.sh", "--worker",
          "ship_dhl=examples/workers/ship_dhl.sh"});
    ProcessOutput list = Weft({"list"});
    const size_t line = list.out.find('\n');
    return list.out.substr(line + 1, 26);
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(CliGraphTest, AFileAsSvgCarriesTheContractsAttributes) {
  const std::string out = dir_.Sub("shipping.svg");
  ProcessOutput r = Weft({"graph", "examples/shipping.wf", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = Slurp(out);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_THAT(svg, HasSubstr(R"(class="node" data-kind="task" data-line="8" data-task="shipping_info")"));
  EXPECT_THAT(svg, HasSubstr(R"(data-kind="switch")"));
  EXPECT_THAT(svg, HasSubstr(R"(data-kind="fail")"));
  EXPECT_THAT(svg, HasSubstr("Legend"));
}

TEST_F(CliGraphTest, ADeployedVersionIsDrawnFromItsStoredSource) {
  ProcessOutput file = Weft({"graph", "examples/shipping.wf", "--format", "text"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_THAT(file.out, HasSubstr("n1 task \"shipping_info\" line 8 task=shipping_info"));
  EXPECT_THAT(file.out, HasSubstr("\"\\\"fedex\\\"\""));
  ASSERT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
  ProcessOutput stored = Weft({"graph", "shipping@1", "--format", "text"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(stored.out, file.out);
  ProcessOutput missing = Weft({"graph", "shipping@9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("has no version 9"));
}

TEST_F(CliGraphTest, AnExecutionIsColouredByWhatHappened) {
  const std::string fedex = RunShipping("fedex");
  ProcessOutput done = Weft({"graph", "--execution", fedex, "--format", "text"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_THAT(done.out, HasSubstr("execution COMPLETED"));
  EXPECT_THAT(done.out, HasSubstr("task=ship_fedex status=completed attempts=1"));
  EXPECT_THAT(done.out, HasSubstr("task=ship_ups status=not_reached"));
  EXPECT_THAT(done.out, HasSubstr("return \"return\" line 15 status=completed"));

  const std::string failed = RunShipping("pigeon");
  ProcessOutput bad = Weft({"graph", "--execution", failed, "--format", "text"});
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  EXPECT_THAT(bad.out, HasSubstr("execution FAILED"));
  EXPECT_THAT(bad.out, HasSubstr("fail \"fail\" line 13 status=failed"));
  const std::string out = dir_.Sub("failed.svg");
  ASSERT_EQ(Weft({"graph", "--execution", failed, "-o", out}).exit_code, 0);
  EXPECT_THAT(Slurp(out), HasSubstr(R"(data-kind="fail" data-line="13" data-task="" data-status="failed")"));
}

TEST_F(CliGraphTest, MistakesGetAClearMessage) {
  ProcessOutput nothing = Weft({"graph"});
  EXPECT_NE(nothing.exit_code, 0);
  EXPECT_THAT(nothing.err, HasSubstr("nothing to draw"));
  const std::string two = dir_.Sub("two.wf");
  std::ofstream(two) << "task t\nworkflow a() { t() }\nworkflow b() { a() }\n";
  ProcessOutput ambiguous = Weft({"graph", two});
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_THAT(ambiguous.err, HasSubstr("holds 2 workflows (a, b): name one with --workflow"));
  ProcessOutput chosen = Weft({"graph", two, "--workflow", "b", "--format", "text"});
  EXPECT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_THAT(chosen.out, HasSubstr("n1 child \"a\" line 3 task=a"));
  EXPECT_THAT(chosen.out, Not(HasSubstr("workflow a\n")));
}

}  // namespace
}  // namespace weft
