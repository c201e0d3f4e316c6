// The include rules of docs/architecture.md, checked over the source tree (the tests run from
// the source directory): dependencies point one way, ANTLR stays in the parser, and RapidJSON
// is included only through common/rapidjson.h (one configuration for every copy of its
// inline code). A rule broken names the file and the line.
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct Include {
  std::string file;  // relative to the source root
  int line;
  std::string target;  // what is between the quotes or angle brackets
};

bool Skipped(const std::string& rel) {
  return absl::StartsWith(rel, "build") || absl::StartsWith(rel, ".git") ||
         absl::StrContains(rel, "node_modules") || absl::StartsWith(rel, "tests/layering/");
}

std::vector<Include> AllIncludes() {
  static const std::regex kInclude(R"re(^\s*#\s*include\s*["<]([^">]+)[">])re");
  std::vector<Include> out;
  for (auto it = fs::recursive_directory_iterator(".");
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = it->path().lexically_relative(".").string();
    if (it->is_directory() && Skipped(rel)) {
      it.disable_recursion_pending();
      continue;
    }
    const std::string ext = it->path().extension().string();
    if (!it->is_regular_file() || (ext != ".cc" && ext != ".h") || Skipped(rel)) continue;
    std::ifstream in(it->path());
    std::string text;
    int n = 0;
    while (std::getline(in, text)) {
      ++n;
      std::smatch m;
      if (std::regex_search(text, m, kInclude)) out.push_back({rel, n, m[1]});
    }
  }
  return out;
}

const std::vector<Include>& Includes() {
  static const std::vector<Include>* all = new std::vector<Include>(AllIncludes());
  return *all;
}

std::string Where(const Include& i) { return absl::StrCat(i.file, ":", i.line, ": ", i.target); }

TEST(LayeringTest, TheTreeIsFound) {
  // Guards the other tests against passing on an empty walk (a wrong working directory).
  ASSERT_TRUE(fs::exists("common/rapidjson.h")) << "run from the source root";
  EXPECT_GT(Includes().size(), 1000u);
}

TEST(LayeringTest, RapidJsonIsIncludedOnlyHere) {
  for (const Include& i : Includes()) {
    if (absl::StartsWith(i.target, "rapidjson/")) {
      EXPECT_EQ(i.file, "common/rapidjson.h") << Where(i) << ": include \"common/rapidjson.h\"";
    }
  }
}

TEST(LayeringTest, AntlrStaysInTheParser) {
  static const std::regex kGenerated(R"(^(antlr4|Weft(Lexer|Parser)\w*\.h))");
  for (const Include& i : Includes()) {
    if (std::regex_search(i.target, kGenerated)) {
      EXPECT_TRUE(absl::StartsWith(i.file, "compiler/parser/")) << Where(i);
    }
  }
}

TEST(LayeringTest, TheCompilerAndTheVmNeverIncludeEachOther) {
  for (const Include& i : Includes()) {
    if (absl::StartsWith(i.file, "compiler/")) {
      EXPECT_FALSE(absl::StartsWith(i.target, "vm/")) << Where(i);
    }
    if (absl::StartsWith(i.file, "vm/")) {
      EXPECT_FALSE(absl::StartsWith(i.target, "compiler/")) << Where(i);
    }
  }
}

TEST(LayeringTest, LowerLayersNeverIncludeTheEngineOrTheServer) {
  const char* kLower[] = {"common/", "value/", "bytecode/", "compiler/", "vm/", "storage/",
                          "stdlib/", "schedule/"};
  for (const Include& i : Includes()) {
    for (const char* lower : kLower) {
      if (!absl::StartsWith(i.file, lower)) continue;
      EXPECT_FALSE(absl::StartsWith(i.target, "engine/")) << Where(i);
      EXPECT_FALSE(absl::StartsWith(i.target, "server/")) << Where(i);
      EXPECT_FALSE(absl::StartsWith(i.target, "cli/")) << Where(i);
    }
  }
}

// graph/ draws from the compiler's AST and the public engine API only (docs/graph.md), and
// only the server and the CLI draw.
TEST(LayeringTest, GraphSitsBetweenTheEngineAndItsFrontEnds) {
  const char* kBelow[] = {"common/", "value/", "bytecode/", "compiler/", "vm/", "storage/",
                          "stdlib/", "schedule/", "engine/", "workers/", "conductor/"};
  for (const Include& i : Includes()) {
    if (absl::StartsWith(i.file, "graph/")) {
      EXPECT_FALSE(absl::StartsWith(i.target, "engine/")) << Where(i) << ": use weft/engine.h";
      EXPECT_FALSE(absl::StartsWith(i.target, "storage/")) << Where(i);
      EXPECT_FALSE(absl::StartsWith(i.target, "vm/")) << Where(i);
      EXPECT_FALSE(absl::StartsWith(i.target, "server/")) << Where(i);
      EXPECT_FALSE(absl::StartsWith(i.target, "cli/")) << Where(i);
    }
    for (const char* below : kBelow) {
      if (absl::StartsWith(i.file, below)) {
        EXPECT_FALSE(absl::StartsWith(i.target, "graph/")) << Where(i);
      }
    }
  }
}

}  // namespace
