// A `weft serve` child process (WEFT_CLI_PATH) on a free loopback port, for the tests that run
// the server as a process: started on a store with extra arguments, found through the
// STORE/serve.json it writes, and killed (SIGKILL unless told) when the test is done.
#ifndef WEFT_TESTS_SERVER_SERVE_PROCESS_H_
#define WEFT_TESTS_SERVER_SERVE_PROCESS_H_

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {

class ServeProcess {
 public:
  explicit ServeProcess(std::string store, std::string lease = "60s",
                        std::vector<std::string> extra = {})
      : store_(std::move(store)), lease_(std::move(lease)), extra_(std::move(extra)) {}
  ~ServeProcess() { Kill(SIGKILL); }

  // Starts it and waits until its serve.json names its pid; returns the port (0 on failure).
  uint16_t Start() {
    std::filesystem::remove(store_ + "/serve.json");
    std::vector<std::string> args = {"weft",     "serve",       "--store", store_,
                                     "--nosync", "--listen",    "127.0.0.1:0",
                                     "--lease",  lease_};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      // It dies with the test: a test that crashes must not leave a server holding ctest's
      // output pipe open (ctest would wait for it forever).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execv(WEFT_CLI_PATH, argv.data());
      _exit(127);
    }
    uint16_t port = 0;
    Eventually([&] {
      std::ifstream in(store_ + "/serve.json");
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      if (s.find("\"pid\":" + std::to_string(pid_)) == std::string::npos) return false;
      const size_t colon = s.find(':', s.find("127.0.0.1"));
      port = static_cast<uint16_t>(std::atoi(s.c_str() + colon + 1));
      return port != 0;
    }, std::chrono::seconds(30));
    return port;
  }

  // Sends `sig` and reaps the process; returns its wait status.
  int Kill(int sig) {
    if (pid_ <= 0) return 0;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  std::string store_;
  std::string lease_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_SERVER_SERVE_PROCESS_H_
