// The opcode reference in docs/format/bytecode.md is generated from opcodes.def, so the docs
// cannot drift from the table: this test fails when the section is stale, and
// WEFT_UPDATE_GOLDEN=1 rewrites it in place.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"

namespace weft::bytecode {
namespace {

constexpr char kDoc[] = "docs/format/bytecode.md";
constexpr char kBegin[] = "<!-- BEGIN OPCODE TABLE -->\n";
constexpr char kEnd[] = "<!-- END OPCODE TABLE -->\n";

struct Row {
  const char* name;
  const char* a;
  const char* b;
  const char* pops;
  const char* pushes;
  const char* flags;
  const char* doc;
};

constexpr Row kRows[] = {
#define OP(name, a, b, pops, pushes, flags, doc) {#name, #a, #b, #pops, #pushes, #flags, doc},
#include "bytecode/opcodes.def"
#undef OP
};

std::string Cell(const char* text, const char* empty_when) {
  return std::string(text) == empty_when ? "" : text;
}

std::string Table() {
  std::string out = "| # | opcode | A | B | pops | pushes | flags | meaning |\n";
  out += "|---|---|---|---|---|---|---|---|\n";
  int number = 0;
  for (const Row& r : kRows) {
    absl::StrAppend(&out, "| ", number++, " | `", r.name, "` | ", Cell(r.a, "NONE"), " | ",
                    Cell(r.b, "NONE"), " | ", r.pops, " | ", r.pushes, " | ",
                    Cell(r.flags, "F_NONE"), " | ", absl::StrReplaceAll(r.doc, {{"|", "\\|"}}),
                    " |\n");
  }
  // Empty cells render as "|  |"; keep them tight (repeatedly: neighbours overlap).
  while (out.find("|  |") != std::string::npos) out = absl::StrReplaceAll(out, {{"|  |", "| |"}});
  return out;
}

TEST(OpcodeDoc, ReferenceTableMatchesOpcodesDef) {
  std::ifstream in(kDoc, std::ios::binary);
  ASSERT_TRUE(in.good()) << kDoc;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string doc = buffer.str();
  const size_t begin = doc.find(kBegin);
  const size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << "no opcode table markers in " << kDoc;
  ASSERT_NE(end, std::string::npos) << "no opcode table end marker in " << kDoc;
  const size_t body = begin + std::string(kBegin).size();
  const std::string expected = Table();
  const char* update = std::getenv("WEFT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    doc.replace(body, end - body, expected);
    std::ofstream(kDoc, std::ios::binary) << doc;
    return;
  }
  EXPECT_EQ(doc.substr(body, end - body), expected)
      << kDoc << " is stale (WEFT_UPDATE_GOLDEN=1 regenerates its opcode table)";
}

}  // namespace
}  // namespace weft::bytecode
