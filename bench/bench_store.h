// What every end-to-end benchmark needs: a fresh temporary store (removed at exit) and an
// engine on it, with failures reported the same way.
#ifndef WEFT_BENCH_BENCH_STORE_H_
#define WEFT_BENCH_BENCH_STORE_H_

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "weft/engine.h"

namespace weft::bench {

// The workload of bench/throughput and bench/server, and of ../shared/peers' scripts: a
// workflow of three sequential no-op task steps, started with {i: N}.
constexpr std::string_view kThreeStepWorkflow = R"(
task noop
workflow three_steps(i: int) {
    let a = noop(i: i)
    let b = noop(i: i)
    let c = noop(i: i)
    return { i: i, done: true }
}
)";

class TempStore {
 public:
  TempStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "weft-bench-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempStore() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Opens an engine and deploys `source`; exits the process with a message on failure.
inline std::unique_ptr<Engine> OpenOrDie(const char* tool, EngineOptions options,
                                         std::string_view source) {
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s: %s\n", tool, engine.status().ToString().c_str());
    std::exit(1);
  }
  if (auto d = (*engine)->Deploy("bench.wf", source); !d.ok()) {
    std::fprintf(stderr, "%s: %s\n", tool, d.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(engine);
}

inline long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace weft::bench

#endif  // WEFT_BENCH_BENCH_STORE_H_
