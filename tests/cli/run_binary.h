// Test helpers that run a built program (the `weft` CLI, an example) as a child process and
// capture its exit status, stdout and stderr; and a scratch directory removed after the test.
#ifndef WEFT_TESTS_CLI_RUN_BINARY_H_
#define WEFT_TESTS_CLI_RUN_BINARY_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "workers/subprocess.h"

namespace weft::testing {

struct ProcessOutput {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Runs `argv` with a generous timeout so that a hang fails the test instead of the suite.
inline ProcessOutput RunBinary(std::vector<std::string> argv, std::string stdin_data = "") {
  workers::SubprocessOptions options;
  options.argv = std::move(argv);
  options.stdin_data = std::move(stdin_data);
  options.timeout = absl::Seconds(120);
  absl::StatusOr<workers::SubprocessResult> r = workers::RunSubprocess(options);
  ProcessOutput out;
  if (!r.ok()) {
    ADD_FAILURE() << "cannot run " << options.argv[0] << ": " << r.status();
    return out;
  }
  EXPECT_FALSE(r->timed_out) << options.argv[0] << " timed out";
  out.exit_code = r->exited ? r->exit_code : -1;
  out.out = r->stdout_data;
  out.err = r->stderr_tail;
  return out;
}

// A fresh directory under /tmp, deleted with everything in it when the object dies.
class ScratchDir {
 public:
  ScratchDir() {
    char name[] = "/tmp/weft-test-XXXXXX";
    path_ = mkdtemp(name) != nullptr ? name : "";
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to Sub(name) and returns that path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Sub(name)) << text;
    return Sub(name);
  }

 private:
  std::string path_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_CLI_RUN_BINARY_H_
