// The state map's golden tests. Each case is a pair
// tests/golden/migrate/X.old.wf and X.new.wf, two versions of the first
// workflow of X.old.wf:
//   X.map        the map (migrate::RenderStateMap), for every case;
//   fail_X.diag  the rendered diagnostics of the unmappable points, for a fail_
//   case, which
//                must have at least one; a case without `fail_` must map every
//                point.
// The files are named old.wf and new.wf in the output. WEFT_UPDATE_GOLDEN=1
// rewrites the expected files.
#include <gtest/gtest.h>

#include <string>

#include "compiler/compiler.h"
#include "compiler/migrate/state_map.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

constexpr char kOldSuffix[] = ".old.wf";

std::vector<std::filesystem::path> OldFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto &wf : golden::ListWfFiles("tests/golden/migrate")) {
    const std::string name = wf.filename().string();
    if (name.size() > sizeof kOldSuffix - 1 &&
        name.compare(name.size() - (sizeof kOldSuffix - 1), std::string::npos, kOldSuffix) == 0) {
      out.push_back(wf);
    }
  }
  return out;
}

// "X" of ".../X.old.wf".
std::string CaseName(const std::filesystem::path &old_file) {
  const std::string name = old_file.filename().string();
  return name.substr(0, name.size() - (sizeof kOldSuffix - 1));
}

class MigrateGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(MigrateGolden, MatchesExpected) {
  const std::filesystem::path &old_file = GetParam();
  const std::string name = CaseName(old_file);
  const std::filesystem::path dir = old_file.parent_path();
  const std::string old_source = golden::ReadFile(old_file);
  const std::string new_source = golden::ReadFile(dir / (name + ".new.wf"));
  const compiler::CompileOutput old_out = compiler::Compile("old.wf", old_source);
  ASSERT_FALSE(old_out.module->workflows.empty()) << name << ".old.wf has no workflow";
  const std::string workflow = old_out.module->workflows[0].name;

  migrate::MapInputs inputs;
  const migrate::StateMap map =
      migrate::ComputeStateMap(workflow, {"old.wf", old_source}, {"new.wf", new_source}, inputs);
  ASSERT_TRUE(map.error.empty()) << map.error;
  EXPECT_TRUE(golden::MatchesGolden(migrate::RenderStateMap(map, inputs), dir / (name + ".map")));
  const bool fail_case = name.rfind("fail_", 0) == 0;
  if (fail_case) {
    EXPECT_FALSE(map.all_mappable()) << name << " is a fail_ case but every point maps";
    EXPECT_TRUE(
        golden::MatchesGolden(migrate::RenderProblems(map, inputs), dir / (name + ".diag")));
  } else {
    EXPECT_TRUE(map.all_mappable()) << migrate::RenderProblems(map, inputs);
  }
}

INSTANTIATE_TEST_SUITE_P(Migrate, MigrateGolden, ::testing::ValuesIn(OldFiles()),
                         [](const ::testing::TestParamInfo<std::filesystem::path> &info) {
                           std::string n = CaseName(info.param);
                           for (char &c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace weft
