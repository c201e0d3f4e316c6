// weft_soak: the kill soak's driver program, started, SIGKILLed and restarted by
// scripts/soak.sh.
//   weft_soak run --store DIR --ledger FILE --executions N --run K   work until all is done
//   weft_soak progress --store DIR           prints "STARTED COMPLETED" (top-level executions)
//   weft_soak check --store DIR --ledger FILE --executions N    prints the figures; exit 1 on
//                                                               any loss or duplicate
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "tests/soak/soak.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: weft_soak run|progress|check --store DIR [--ledger FILE] "
               "[--executions N] [--run K]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  std::map<std::string, std::string> flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0) return Usage();
    flags[name.substr(2)] = argv[i + 1];
  }
  if ((argc - 2) % 2 != 0 || !flags.contains("store")) return Usage();
  const std::string store = flags["store"];
  const std::string ledger = flags.contains("ledger") ? flags["ledger"] : store + ".ledger";
  const int executions = flags.contains("executions") ? std::atoi(flags["executions"].c_str()) : 0;
  if (command == "run") {
    if (executions <= 0) return Usage();
    const int run = flags.contains("run") ? std::atoi(flags["run"].c_str()) : 0;
    return weft::soak::RunDriver(store, ledger, executions, run);
  }
  if (command == "progress") {
    const weft::soak::Progress p = weft::soak::ReadProgress(store);
    std::printf("%zu %zu\n", p.started, p.completed);
    return 0;
  }
  if (command == "check") {
    if (executions <= 0) return Usage();
    const weft::soak::Report report = weft::soak::CheckStore(store, ledger, executions);
    std::fputs(weft::soak::Format(report).c_str(), stdout);
    return report.lost == 0 && report.doubled == 0 ? 0 : 1;
  }
  return Usage();
}
