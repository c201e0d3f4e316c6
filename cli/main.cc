// `weft`: the command line of the Weft workflow engine. Each subcommand lives in its own
// cmd_*.cc and is listed once in commands.def; this file only wires them to CLI11.
#include <cstdlib>

#include "CLI/CLI.hpp"
#include "cli/cli_common.h"
#include "cli/client_mode.h"

namespace {

std::string DefaultStore() {
  const char* env = std::getenv("WEFT_STORE");
  return env != nullptr && *env != '\0' ? env : ".weft";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace weft::cli;
  CLI::App app{"weft: a durable workflow engine. Write workflows in .wf files, deploy them to a "
               "store, start and run executions.",
               "weft"};
  app.require_subcommand(1);
  app.fallthrough();
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("weft: error: ") + e.what() + " (see --help)\n";
  });  // inherited by subcommands: `weft status ID --store S` works too
  GlobalOptions global;
  global.store = DefaultStore();
  app.add_option("--store", global.store,
                 "the store directory (default: $WEFT_STORE, else ./.weft)")
      ->capture_default_str();
  app.add_flag("--nosync", global.nosync,
               "commit without fsync: faster; a machine crash may lose the last commits or damage the store");
  std::string map_size_text;
  app.add_option("--map-size", map_size_text,
                 "the store's map: the most it can hold, reserved as address space, e.g. 512M or "
                 "16G (default: 16G; a smaller one is used when the address space cannot hold it)")
      ->check(CLI::Validator(
          [&global](std::string& text) -> std::string {
            absl::StatusOr<uint64_t> bytes = ParseByteSize(text);
            if (!bytes.ok()) return std::string(bytes.status().message());
            global.map_size_bytes = *bytes;
            return "";
          },
          "SIZE"));
  std::string server_url;
  if (const char* env = std::getenv("WEFT_SERVER"); env != nullptr) server_url = env;
  app.add_option("--server", server_url,
                 "a `weft serve` URL (e.g. http://127.0.0.1:8080; default: $WEFT_SERVER): every "
                 "command goes through it instead of opening the store. Without it, writing "
                 "commands on a store that `weft serve` holds go through that server")
      ->each([](const std::string& url) { SetServerUrl(url); });
  if (!server_url.empty()) SetServerUrl(server_url);
  int exit_code = kExitOk;
  CommandContext context{app, global, exit_code};
#define WEFT_COMMAND(Name) Register##Name(context);
#include "cli/commands.def"
#undef WEFT_COMMAND
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 says "A subcommand is required" for `weft frobnicate`; name the word instead.
    if (app.get_subcommands().empty() && !app.remaining().empty()) {
      Fail("unknown command `" + app.remaining().front() + "` (see --help)");
      return kExitUsage;
    }
    return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help is a ParseError too
  }
  return exit_code;
}
