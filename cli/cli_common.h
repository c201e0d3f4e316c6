// What every `weft` subcommand shares: the global options, opening the engine, reading files
// and JSON input, printing errors, times and tables. Subcommands live in cmd_*.cc, one each.
//
// Conventions: stdout carries results (ids, JSON, tables); stderr carries diagnostics and
// errors, one line `weft: error: ...` per error. Exit status 0 = success, 1 = failure, 2 = the
// command line itself is wrong (unknown option, missing argument).
#ifndef WEFT_CLI_CLI_COMMON_H_
#define WEFT_CLI_CLI_COMMON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string store;    // --store, else $WEFT_STORE, else ./.weft
  bool nosync = false;  // --nosync
  uint64_t map_size_bytes = 0;  // --map-size; 0: the engine's default (16 GiB)
};

// Handed to each Register* function: where to add the subcommand, the parsed global options
// (filled in before any subcommand callback runs) and where to put the exit status.
struct CommandContext {
  CLI::App& app;
  const GlobalOptions& global;
  int& exit_code;
};

#define WEFT_COMMAND(Name) void Register##Name(const CommandContext& context);
#include "cli/commands.def"
#undef WEFT_COMMAND

// Prints `weft: error: MESSAGE` on stderr and returns kExitFailure.
int Fail(std::string_view message);
int Fail(const absl::Status& status);
void Warn(std::string_view message);

// Opens the store. A read-only open of a store that does not exist fails with a message that
// names the path instead of creating an empty store. A read-write open takes the store's lock:
// while `weft run` or `weft work` serves a store, other writing commands are refused with a
// message that says so. `virtual_time`: see EngineOptions::virtual_time; `worker_threads`: see
// EngineOptions::worker_threads (0 = one per core).
// `retention`: see EngineOptions::retention (0 = keep forever). `nats_url`: see
// EngineOptions::nats_url (--nats, cli/nats_option.h).
absl::StatusOr<std::unique_ptr<Engine>> OpenEngine(const GlobalOptions& global, bool read_only,
                                                   bool virtual_time = false,
                                                   int worker_threads = 0,
                                                   absl::Duration retention = absl::ZeroDuration(),
                                                   const std::string& nats_url = "");

// The whole file; errors name the path and the reason ("No such file or directory").
absl::StatusOr<std::string> ReadFile(const std::string& path);
// Writes through a temporary file and a rename, so OUT is never half-written.
absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// `--input` text: JSON, or `@path` for a file of JSON. The result must be an object.
absl::StatusOr<Value> ParseInputArgument(const std::string& argument);
// Any JSON value, or `@path` for a file of JSON; `where` names the option in errors.
absl::StatusOr<Value> ParseJsonArgument(const std::string& argument, std::string_view where);
// A --map-size value: a whole number of bytes with an optional binary unit, K, M, G or T (KiB,
// MiB, ... and a trailing B are accepted too, in any case): 512M, 16G. At least 1M.
absl::StatusOr<uint64_t> ParseByteSize(const std::string& text);

// A --timeout value: a positive duration like 30s, 5m or 1h30m.
absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text);

// An age for --older-than and --retention: a positive duration like 30d, 7d12h, 36h or 90m
// (days are 24 h). `option` names the option in errors.
absl::StatusOr<absl::Duration> ParseAge(const std::string& text, std::string_view option);

// ISO 8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z"); "-" for 0.
std::string FormatTimeMs(int64_t ms);
// Same, as a JSON value (null for 0) for --json output.
Value TimeValue(int64_t ms);
// "sha256:" and the first 12 hex digits.
std::string ShortHash(std::string_view hex);

// Left-aligned columns separated by two spaces; the first row is the header.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace weft::cli

#endif  // WEFT_CLI_CLI_COMMON_H_
