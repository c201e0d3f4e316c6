// `weft verify [--store DIR]`: checks a whole store (storage/verify.h) and prints each damaged
// row with its table and key. Exit 0 when the store is clean, 1 when it is damaged or cannot be
// opened (a truncated or foreign data.mdb, a missing table). Reads only: safe while a
// `weft run` or `weft work` serves the store.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "storage/lmdb.h"
#include "storage/verify.h"

namespace weft::cli {
namespace {

int RunVerify(const GlobalOptions& global) {
  storage::Env::Options options;
  options.path = global.store;
  options.read_only = true;
  if (global.map_size_bytes != 0) options.map_size_bytes = global.map_size_bytes;
  absl::StatusOr<std::unique_ptr<storage::Env>> env = storage::Env::Open(options);
  if (!env.ok()) return Fail(env.status());
  absl::StatusOr<storage::VerifyReport> report = storage::VerifyStore(**env);
  if (!report.ok()) return Fail(report.status());
  for (const storage::Damage& damage : report->damage) {
    std::cout << storage::DescribeDamage(damage) << "\n";
  }
  if (!report->clean()) {
    return Fail(absl::StrCat("the store `", global.store, "` is damaged: ", report->damage.size(),
                             " problem(s) in ", report->rows,
                             " rows; restore data.mdb from a backup"));
  }
  std::cout << "the store `" << global.store << "` is clean: " << report->rows
            << " rows checked (format " << (*env)->format() << ")\n";
  return kExitOk;
}

}  // namespace

void RegisterVerify(const CommandContext& context) {
  CLI::App* cmd = context.app.add_subcommand(
      "verify", "Check every record and index of the store; list what is damaged");
  cmd->callback([&context] { context.exit_code = RunVerify(context.global); });
}

}  // namespace weft::cli
