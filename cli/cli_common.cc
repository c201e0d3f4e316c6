// Shared helpers of the `weft` subcommands; see cli_common.h.
#include "cli/cli_common.h"

#include "cli/client_mode.h"
#include "server/client.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace weft::cli {
namespace {

std::string ErrnoMessage(const std::string& what, const std::string& path) {
  return absl::StrCat("cannot ", what, " `", path, "`: ", std::strerror(errno));
}

}  // namespace

int Fail(std::string_view message) {
  std::cerr << "weft: error: " << message << "\n";
  return kExitFailure;
}

int Fail(const absl::Status& status) {
  absl::string_view m = status.message();
  return Fail(std::string_view(m.data(), m.size()));
}

void Warn(std::string_view message) { std::cerr << "weft: warning: " << message << "\n"; }

absl::StatusOr<std::unique_ptr<Engine>> OpenEngine(const GlobalOptions& global, bool read_only,
                                                   bool virtual_time, int worker_threads,
                                                   absl::Duration retention,
                                                   const std::string& nats_url) {
  if (!ServerUrl().empty()) return ConnectToServer(ServerUrl());
  struct stat st;
  if (read_only && stat(global.store.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "no Weft store at `", global.store, "` (deploy a workflow first, or pass --store)"));
  }
  EngineOptions options;
  options.path = global.store;
  options.read_only = read_only;
  options.durability = global.nosync ? Durability::kNoSync : Durability::kSync;
  if (global.map_size_bytes != 0) options.map_size_bytes = global.map_size_bytes;
  options.virtual_time = virtual_time;
  options.worker_threads = worker_threads;
  options.retention = retention;
  options.nats_url = nats_url;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (absl::IsFailedPrecondition(engine.status()) &&
      absl::StrContains(engine.status().message(), "in use")) {
    // Held by `weft serve`: the same operation goes through its HTTP API.
    if (std::optional<std::string> url = server::ServedUrl(global.store)) {
      absl::StatusOr<std::unique_ptr<Engine>> remote = ConnectToServer(*url);
      if (remote.ok()) return remote;
    }
    // Only one process may write a store; say which ones hold it for a long time.
    return absl::FailedPreconditionError(
        absl::StrCat(engine.status().message(),
                     " (a `weft run` or `weft work` serving it; try again when it ends)"));
  }
  return engine;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return absl::NotFoundError(ErrnoMessage("read", path));
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("`", path, "` is a directory, not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(ErrnoMessage("read", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(ErrnoMessage("read", path));
  return text.str();
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return absl::PermissionDeniedError(ErrnoMessage("write", tmp));
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fflush(f) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status error = absl::DataLossError(ErrnoMessage("write", path));
    std::remove(tmp.c_str());
    return error;
  }
  return absl::OkStatus();
}

absl::StatusOr<Value> ParseJsonArgument(const std::string& argument, std::string_view where) {
  std::string text = argument;
  std::string source(where);
  if (!argument.empty() && argument[0] == '@') {
    std::string path = argument.substr(1);
    absl::StatusOr<std::string> file = ReadFile(path);
    if (!file.ok()) return file.status();
    text = *std::move(file);
    source = absl::StrCat(std::string(where), " file `", path, "`");
  }
  absl::StatusOr<Value> value = Value::FromJson(text);
  if (!value.ok()) {
    absl::string_view m = value.status().message();
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", std::string(m.data(), m.size())));
  }
  return value;
}

absl::StatusOr<Value> ParseInputArgument(const std::string& argument) {
  absl::StatusOr<Value> value = ParseJsonArgument(argument, "--input");
  if (!value.ok()) return value;
  if (!value->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--input must be a JSON object like {\"name\": value}, got ",
                     std::string(Value::KindName(value->kind()))));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseByteSize(const std::string& text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --map-size `", text, "`: expected a size like 512M or 16G (at least 1M)"));
  };
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  uint64_t number = 0;
  if (digits == 0 || digits > 15 || !absl::SimpleAtoi(text.substr(0, digits), &number)) return bad();
  std::string unit = absl::AsciiStrToUpper(text.substr(digits));
  if (absl::EndsWith(unit, "IB")) {
    unit.erase(unit.size() - 2);
  } else if (unit.size() > 1 && absl::EndsWith(unit, "B")) {
    unit.pop_back();
  }
  int shift = 0;
  if (unit == "K") shift = 10;
  else if (unit == "M") shift = 20;
  else if (unit == "G") shift = 30;
  else if (unit == "T") shift = 40;
  else if (!unit.empty() && unit != "B") return bad();
  if (shift > 0 && number > (UINT64_MAX >> shift)) return bad();
  const uint64_t bytes = number << shift;
  if (bytes < (uint64_t{1} << 20)) return bad();
  return bytes;
}

absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text) {
  absl::Duration timeout;
  if (!absl::ParseDuration(text, &timeout) || timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --timeout `", text, "`: expected a duration like 30s, 5m or 1h30m"));
  }
  return timeout;
}

absl::StatusOr<absl::Duration> ParseAge(const std::string& text, std::string_view option) {
  absl::Duration age;
  std::string rest = text;
  // absl::ParseDuration knows no days: take a leading `Nd` first.
  if (const size_t d = text.find('d'); d != std::string::npos && d > 0) {
    int64_t days = 0;
    if (absl::SimpleAtoi(text.substr(0, d), &days) && days >= 0 && days < 1000000) {
      age = absl::Hours(24 * days);
      rest = text.substr(d + 1);
    }
  }
  absl::Duration more;
  const bool ok = rest.empty() ? age > absl::ZeroDuration() : absl::ParseDuration(rest, &more);
  if (!ok || age + more <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("bad ", std::string(option), " `", text,
                                                   "`: expected a duration like 30d, 36h or 90m"));
  }
  return age + more;
}

std::string FormatTimeMs(int64_t ms) {
  if (ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

Value TimeValue(int64_t ms) { return ms == 0 ? Value() : Value::String(FormatTimeMs(ms)); }

std::string ShortHash(std::string_view hex) {
  return absl::StrCat("sha256:", std::string(hex.substr(0, 12)));
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace weft::cli
