// The fixture of the CLI tests that run the `weft` binary (WEFT_CLI_PATH, set per test target)
// on a scratch store, and on the same store through a `weft serve` (client mode): Weft runs it,
// Deploy writes a source into the scratch directory and deploys it, ServerFlags names a server.
#ifndef WEFT_TESTS_CLI_CLI_FIXTURE_H_
#define WEFT_TESTS_CLI_CLI_FIXTURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/cli/run_binary.h"

#ifndef WEFT_CLI_PATH
#error "a CLI test target defines WEFT_CLI_PATH, the weft binary it runs"
#endif

namespace weft::testing {

class WeftCliTest : public ::testing::Test {
 protected:
  // Runs weft on the store, or as told by `where` (e.g. ServerFlags(port)).
  ProcessOutput Weft(std::vector<std::string> args, std::vector<std::string> where = {}) {
    std::vector<std::string> argv = {WEFT_CLI_PATH};
    if (where.empty()) where = {"--store", store_};
    argv.insert(argv.end(), where.begin(), where.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunBinary(std::move(argv));
  }
  // Writes `source` as `name` in the scratch directory and deploys it (a fatal failure if the
  // deploy fails: wrap it in ASSERT_NO_FATAL_FAILURE to stop there).
  void Deploy(const std::string& name, const std::string& source) {
    ProcessOutput deployed = Weft({"deploy", dir_.Write(name, source)});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }
  // The flags that send a command to the `weft serve` listening on `port` on loopback.
  static std::vector<std::string> ServerFlags(uint16_t port) {
    return {"--server", "http://127.0.0.1:" + std::to_string(port)};
  }

  ScratchDir dir_;
  std::string store_ = dir_.Sub("store");
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_CLI_CLI_FIXTURE_H_
