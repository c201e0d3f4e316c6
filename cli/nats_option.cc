// See nats_option.h.
#include "cli/nats_option.h"

#include <string_view>

namespace weft::cli {
namespace {

// Empty when `url` names a NATS server; else what is wrong with it.
std::string CheckNatsUrl(const std::string& url) {
  const std::string_view text(url);
  for (std::string_view scheme : {"nats://", "tls://"}) {
    if (text.substr(0, scheme.size()) != scheme) continue;
    if (text.size() > scheme.size()) return "";
    break;
  }
  return "`" + url + "` is not a NATS URL: expected nats://HOST:PORT (or tls://HOST:PORT), "
         "e.g. nats://127.0.0.1:4222";
}

}  // namespace

void AddNatsOption(CLI::App& cmd, std::string& url) {
  cmd.add_option("--nats", url,
                 "the NATS server for `publish` and event handlers, e.g. nats://127.0.0.1:4222 "
                 "(default: $WEFT_NATS_URL; none: published messages wait in the store's outbox)")
      ->envname("WEFT_NATS_URL")
      ->check(CLI::Validator(CheckNatsUrl, "URL", "NATS URL"));
}

}  // namespace weft::cli
