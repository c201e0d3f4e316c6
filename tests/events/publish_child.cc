// The process publish_test SIGKILLs (tests/events/publish_test.cc): opens the engine on STORE
// with the NATS URL given (one nothing listens on), runs the workflow `ship` to its end, so its
// message is committed in the outbox and never acknowledged, writes one byte to the file
// descriptor FD, and waits to be killed. A separate program, so the engine and libnats start
// in a fresh process rather than in a fork of a test that may have threads.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "weft/engine.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: publish_child STORE NATS_URL FD SOURCE\n");
    return 2;
  }
  weft::EngineOptions options;
  options.path = argv[1];
  options.nats_url = argv[2];
  options.worker_threads = 1;
  options.map_size_bytes = 64 << 20;
  auto engine = weft::Engine::Open(options);
  if (!engine.ok()) return 3;
  if (!(*engine)->Deploy("ship.wf", argv[4]).ok()) return 4;
  auto id = (*engine)->Start(
      "ship", weft::Value::MakeObject(weft::Object({{"order", weft::Value::String("A1")}})),
      weft::StartOptions{});
  if (!id.ok()) return 5;
  auto done = (*engine)->AwaitExecution(*id, absl::Seconds(60));
  if (!done.ok() || done->status != weft::ExecutionStatus::kCompleted) return 6;
  const int fd = std::atoi(argv[3]);
  if (write(fd, "x", 1) != 1) return 7;
  for (;;) pause();  // killed here: the engine open, the message unsent
}
