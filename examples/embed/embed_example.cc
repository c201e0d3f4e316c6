// Embedding Weft in a C++ program, using only the public headers (include/weft/).
//
// It opens a store in a temporary directory, deploys examples/shipping.wf, registers the four
// tasks of the shipping workflow as C++ lambdas, and runs the workflow once per vendor, printing
// each output (and the error for a vendor the workflow does not support).
//
//   usage: embed_example [PATH/TO/shipping.wf]     (default: examples/shipping.wf)
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "weft/engine.h"
#include "weft/value.h"

namespace {

// The string field `key` of a task input; "" when absent (a worker validates its own input).
std::string Field(const weft::Value& input, std::string_view key) {
  const weft::Value* v = input.is_object() ? input.as_object().Find(key) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : "";
}

weft::Value MakeObject(std::initializer_list<std::pair<std::string, std::string>> fields) {
  weft::Object o;
  for (const auto& [key, value] : fields) o.Set(key, weft::Value::String(value));
  return weft::Value::MakeObject(std::move(o));
}

// A worker for `ship_<vendor>`: the tracking number is made up from the address.
weft::TaskHandler ShipWorker(std::string prefix) {
  return [prefix](const weft::TaskContext& task) {
    std::string address = Field(task.input, "address");
    if (address.empty()) return weft::TaskOutcome::Fail("no address in the task input");
    std::string tracking = prefix + "-" + std::to_string(address.size());
    return weft::TaskOutcome::Complete(MakeObject({{"tracking", tracking}}));
  };
}

void RegisterWorkers(weft::Engine& engine) {
  engine.RegisterWorker("shipping_info", [](const weft::TaskContext& task) {
    std::string order = Field(task.input, "order_id");
    return weft::TaskOutcome::Complete(
        MakeObject({{"order_id", order}, {"address", "1 Main St (order " + order + ")"}}));
  });
  engine.RegisterWorker("ship_fedex", ShipWorker("FEDEX"));
  engine.RegisterWorker("ship_ups", ShipWorker("UPS"));
  engine.RegisterWorker("ship_dhl", ShipWorker("DHL"));
}

// Starts one shipping execution and prints how it ended. Returns false on an API error.
bool Ship(weft::Engine& engine, const std::string& order_id, const std::string& vendor) {
  absl::StatusOr<std::string> id =
      engine.Start("shipping", MakeObject({{"order_id", order_id}, {"vendor", vendor}}));
  if (!id.ok()) {
    std::cerr << "start: " << id.status() << "\n";
    return false;
  }
  absl::StatusOr<weft::ExecutionInfo> done = engine.AwaitExecution(*id, absl::Seconds(30));
  if (!done.ok()) {
    std::cerr << "await: " << done.status() << "\n";
    return false;
  }
  std::cout << vendor << ": " << weft::ExecutionStatusName(done->status) << " "
            << (done->status == weft::ExecutionStatus::kCompleted ? done->output : done->error)
                   .ToJson()
            << "\n";
  return true;
}

int Run(const std::string& store, const std::string& workflow_file) {
  absl::StatusOr<std::unique_ptr<weft::Engine>> engine = weft::Engine::Open({.path = store});
  if (!engine.ok()) {
    std::cerr << "open: " << engine.status() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<weft::DeployedWorkflow>> deployed =
      (*engine)->DeployFile(workflow_file);
  if (!deployed.ok()) {
    std::cerr << "deploy: " << deployed.status() << "\n";
    return 1;
  }
  for (const weft::DeployedWorkflow& w : *deployed) {
    std::cout << "deployed " << w.workflow << " v" << w.version << "\n";
  }
  RegisterWorkers(**engine);
  if (absl::Status s = (*engine)->StartWorkers(); !s.ok()) {
    std::cerr << "workers: " << s << "\n";
    return 1;
  }
  for (const char* vendor : {"fedex", "ups", "dhl", "acme"}) {
    if (!Ship(**engine, "o-1", vendor)) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string workflow_file = argc > 1 ? argv[1] : "examples/shipping.wf";
  char dir[] = "/tmp/weft-embed-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  int code = Run(std::string(dir) + "/store", workflow_file);
  std::filesystem::remove_all(dir);
  return code;
}
