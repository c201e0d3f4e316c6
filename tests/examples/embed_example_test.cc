// Runs examples/embed/embed_example (the embedding API example) and checks its output: the
// shipping workflow completes for each supported vendor and fails for an unsupported one.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/run_binary.h"

namespace weft {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

TEST(EmbedExampleTest, ShipsWithEveryVendorAndRefusesAnUnknownOne) {
  testing::ProcessOutput r = testing::RunBinary({EMBED_EXAMPLE_PATH, "examples/shipping.wf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deployed shipping v1\n"));
  EXPECT_THAT(r.out,
              HasSubstr("fedex: COMPLETED {\"tracking\":\"FEDEX-21\",\"vendor\":\"fedex\"}\n"));
  EXPECT_THAT(r.out, HasSubstr("ups: COMPLETED {\"tracking\":\"UPS-21\",\"vendor\":\"ups\"}\n"));
  EXPECT_THAT(r.out, HasSubstr("dhl: COMPLETED {\"tracking\":\"DHL-21\",\"vendor\":\"dhl\"}\n"));
  EXPECT_THAT(r.out, ContainsRegex("acme: FAILED \\{.*unsupported vendor acme"));
}

}  // namespace
}  // namespace weft
