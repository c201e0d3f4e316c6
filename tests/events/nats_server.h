// A real `nats-server` (Debian's) for one test: JetStream on, its store in a temp dir, on a
// loopback port the server picks itself (`-p -1`) and names in its log, which Start() polls
// until the server says it is ready. The destructor kills it (also when a test fails). Stop()
// then Start(port()) brings it back on the same port (a fresh log; the same JetStream store).
#ifndef WEFT_TESTS_EVENTS_NATS_SERVER_H_
#define WEFT_TESTS_EVENTS_NATS_SERVER_H_

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/storage/temp_dir.h"

namespace weft::testing {

class NatsServer {
 public:
  NatsServer() = default;
  ~NatsServer() { Stop(); }
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts it, on `port` (-1: one it picks); false when it did not report ready within 20 s.
  bool Start(int port = -1) {
    const std::string log = dir_.path() + "/nats" + std::to_string(starts_++) + ".log";
    const std::string store = dir_.path() + "/js";
    const std::string port_arg = std::to_string(port);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with the test, even one that crashes
      execlp("nats-server", "nats-server", "-a", "127.0.0.1", "-p", port_arg.c_str(), "-js",
             "-sd", store.c_str(), "-l", log.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      const std::string marker = "Listening for client connections on 127.0.0.1:";
      const size_t at = s.find(marker);
      if (at != std::string::npos && s.find("Server is ready") != std::string::npos) {
        port_ = std::atoi(s.c_str() + at + marker.size());
        return port_ > 0;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_EVENTS_NATS_SERVER_H_
