// See client_mode.h.
#include "cli/client_mode.h"

#include <cstdlib>

#include "server/client.h"

namespace weft::cli {
namespace {

std::string& Url() {
  static std::string url;
  return url;
}

}  // namespace

void SetServerUrl(std::string url) { Url() = std::move(url); }
const std::string& ServerUrl() { return Url(); }

absl::StatusOr<std::unique_ptr<Engine>> ConnectToServer(const std::string& url) {
  const char* token = std::getenv("WEFT_TOKEN");
  return server::ConnectRemote(url, token != nullptr ? token : "");
}

}  // namespace weft::cli
