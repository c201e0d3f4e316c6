// bench/events: events handled per second from publish to durable execution start, with a real
// nats-server (give its URL; it must run with -js). N messages are published to a JetStream
// stream first; then H handlers (each its own durable consumer on its own subject, up to 256
// messages of each in flight) start one execution per message through the engine, with
// the condition given, and ack each message after its start committed. Reports messages/s
// from the listener's start to the last commit. Last line: one JSON object.
//
// The sink is the engine's own (EngineImpl::ApplyEvent, as `weft serve --nats` wires it): each
// message's start and its record commit in one transaction, and the listener is answered from
// the writer's commit callback, so messages in flight share group commits.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_store.h"
#include "engine/engine_impl.h"
#include "events/listener.h"

namespace {

class EngineSink : public weft::events::EventSink {
 public:
  explicit EngineSink(weft::Engine& engine)
      : engine_(static_cast<weft::engine::EngineImpl&>(engine)) {}
  void Apply(weft::events::HandledMessage m, weft::events::ApplyDone done) override {
    engine_.ApplyEvent(std::move(m), [this, done = std::move(done)](const absl::Status& s) {
      if (!s.ok()) {
        std::fprintf(stderr, "events: %s\n", std::string(s.message()).c_str());
        failed_.fetch_add(1);
      }
      done_.fetch_add(1);
      done(s);
    });
  }
  uint64_t done() const { return done_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  weft::engine::EngineImpl& engine_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weft events: messages/s from a NATS JetStream publish to a durable start"};
  std::string url = "nats://127.0.0.1:4222";
  int messages = 2000;
  int handlers = 8;
  std::string condition = "none";
  std::string durability = "sync";
  app.add_option("--url", url, "a nats-server with JetStream (-js)");
  app.add_option("-n,--messages", messages, "messages in all")->check(CLI::PositiveNumber);
  app.add_option("--handlers", handlers, "handlers (consumers) at once")->check(CLI::PositiveNumber);
  app.add_option("--condition", condition, "none, javascript, jq or weft")
      ->check(CLI::IsMember({"none", "javascript", "jq", "weft"}));
  app.add_option("--durability", durability, "sync or nosync")->check(CLI::IsMember({"sync", "nosync"}));
  CLI11_PARSE(app, argc, argv);

  weft::bench::TempStore store;
  weft::EngineOptions options;
  options.path = store.path();
  options.durability = durability == "sync" ? weft::Durability::kSync : weft::Durability::kNoSync;
  auto engine = weft::bench::OpenOrDie(
      "events", options, "workflow got(id: int = 0) {\n    return id\n}\n");

  auto client = weft::events::NatsClient::Connect(url);
  if (!client.ok()) {
    std::fprintf(stderr, "events: %s\n", std::string(client.status().message()).c_str());
    return 1;
  }
  const std::string stream = absl::StrCat("BENCH", absl::ToUnixMillis(absl::Now()));
  const std::string prefix = absl::StrCat("bench.", stream, ".");
  if (absl::Status s = (*client)->AddStream(stream, {prefix + ">"}); !s.ok()) {
    std::fprintf(stderr, "events: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  for (int i = 0; i < messages; ++i) {
    auto seq = (*client)->PublishDurable(absl::StrCat(prefix, i % handlers),
                                         absl::StrCat("{\"id\":", i, "}"), "");
    if (!seq.ok()) {
      std::fprintf(stderr, "events: %s\n", std::string(seq.status().message()).c_str());
      return 1;
    }
  }
  std::vector<weft::events::EventHandler> list;
  for (int h = 0; h < handlers; ++h) {
    weft::events::EventHandler handler;
    handler.name = absl::StrCat("h", h);
    handler.event = absl::StrCat("jsm:", stream, ":h", h, ":", prefix, h);
    if (condition == "javascript") handler.condition = "$.id >= 0";
    if (condition == "jq") {
      handler.evaluator = "jq";
      handler.condition = ".id >= 0";
    }
    if (condition == "weft") {
      handler.evaluator = "weft";
      handler.condition = "event.id >= 0";
    }
    weft::events::Action start;
    start.workflow = "got";
    start.input = *weft::Value::FromJson(R"({"id":"${id}"})");
    handler.actions.push_back(start);
    list.push_back(std::move(handler));
  }
  EngineSink sink(*engine);
  weft::events::ListenerOptions listener_options;
  listener_options.url = url;
  const auto begin = std::chrono::steady_clock::now();
  auto listener = weft::events::EventListener::Start(listener_options, list, sink);
  if (!listener.ok()) {
    std::fprintf(stderr, "events: %s\n", std::string(listener.status().message()).c_str());
    return 1;
  }
  while (sink.done() < static_cast<uint64_t>(messages)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  listener->reset();
  if (sink.failed() != 0) return 1;
  const double rate = messages / seconds;
  std::printf("%d messages, %d handlers, condition %s, %s: %.2f s, %.0f messages/s\n", messages,
              handlers, condition.c_str(), durability.c_str(), seconds, rate);
  std::printf("{\"messages\":%d,\"handlers\":%d,\"condition\":\"%s\",\"durability\":\"%s\","
              "\"seconds\":%.3f,\"per_second\":%.0f}\n",
              messages, handlers, condition.c_str(), durability.c_str(), seconds, rate);
  return 0;
}
