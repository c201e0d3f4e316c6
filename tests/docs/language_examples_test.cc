// Every example in the reference docs is real. Each ```weft block of docs/language.md and
// docs/diagnostics.md is compiled and must give no diagnostic; each ```weft-error block must
// give at least one error, including every code (E0xxx) it mentions. An ```output block after
// an example pins what it does: the run transcript, or the rendered diagnostics. The
// conventions are in tests/docs/doc_blocks.h. WEFT_UPDATE_GOLDEN=1 rewrites output blocks
// from the actual results (review the diff before committing).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "compiler/diag/diagnostic.h"
#include "tests/docs/doc_blocks.h"
#include "tests/docs/example_runner.h"
#include "tests/golden/golden.h"

namespace weft::docs {
namespace {

const char* const kDocuments[] = {"docs/language.md", "docs/diagnostics.md"};

struct Example {
  std::string doc;    // path from the repository root
  size_t index = 0;   // into ParseBlocks(doc)
  int line = 0;
};

// For GoogleTest's messages: "docs/language.md:120" instead of the struct's bytes.
void PrintTo(const Example& example, std::ostream* os) {
  *os << example.doc << ":" << example.line;
}

std::string ReadDoc(const std::string& doc) {
  return golden::ReadFile(golden::SourcePath(doc));
}

std::vector<Example> AllExamples() {
  std::vector<Example> examples;
  for (const char* doc : kDocuments) {
    if (!std::filesystem::exists(golden::SourcePath(doc))) continue;
    const std::vector<CodeBlock> blocks = ParseBlocks(ReadDoc(doc));
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (IsExample(blocks[i])) examples.push_back({doc, i, blocks[i].line});
    }
  }
  return examples;
}

std::string NameOf(const ::testing::TestParamInfo<Example>& info) {
  std::string stem = std::filesystem::path(info.param.doc).stem().string();
  return stem + "_md_line_" + std::to_string(info.param.line);
}

// The codes E0xxx written anywhere in `text`.
std::set<std::string> MentionedCodes(const std::string& text) {
  static const std::regex kCode("E0[0-9]{3}");
  std::set<std::string> codes;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kCode);
       it != std::sregex_iterator(); ++it) {
    codes.insert(it->str());
  }
  return codes;
}

std::set<std::string> ProducedCodes(const compiler::CompileOutput& out) {
  std::set<std::string> codes;
  for (const diag::Diagnostic& d : out.diagnostics.all()) {
    codes.insert(std::string(diag::InfoOf(d.kind).code));
  }
  return codes;
}

// Compares the example's output block with `actual`, or writes it in update mode.
void ExpectOutput(const Example& example, const CodeBlock& block, const std::string& expected,
                  const std::string& actual) {
  if (expected == actual) return;
  if (golden::UpdateRequested()) {
    const std::string updated = WithOutput(ReadDoc(example.doc), example.index, actual);
    std::ofstream(golden::SourcePath(example.doc), std::ios::binary | std::ios::trunc) << updated;
    std::printf("[ golden ] updated %s:%d\n", example.doc.c_str(), block.line);
    return;
  }
  ADD_FAILURE() << example.doc << ":" << block.line << ": the output block differs\nexpected:\n"
                << expected << "actual:\n" << actual
                << "(run with WEFT_UPDATE_GOLDEN=1 to accept the actual output)";
}

class DocExample : public ::testing::TestWithParam<Example> {};

TEST_P(DocExample, DoesWhatTheDocSays) {
  const Example& example = GetParam();
  const std::vector<CodeBlock> blocks = ParseBlocks(ReadDoc(example.doc));
  ASSERT_LT(example.index, blocks.size()) << "the document changed since the test was built";
  const CodeBlock& block = blocks[example.index];
  ASSERT_TRUE(IsExample(block));
  const std::string where = example.doc + ":" + std::to_string(block.line);
  const compiler::CompileOutput out = CompileExample(block.body);
  const std::string rendered = RenderDiagnostics(out, block.body);
  std::string actual;
  if (block.info == "weft") {
    ASSERT_TRUE(out.diagnostics.all().empty()) << where << ": expected no diagnostics\n" << rendered;
    actual = RunTranscript(out, block.body, block.script.value_or(""));
  } else {
    // Errors, or warnings for the few kinds that are warnings (E0108).
    ASSERT_FALSE(out.diagnostics.all().empty()) << where << ": a weft-error block compiles cleanly";
    const std::set<std::string> produced = ProducedCodes(out);
    for (const std::string& code : MentionedCodes(block.body)) {
      EXPECT_TRUE(produced.count(code)) << where << ": mentions " << code
                                        << " but does not produce it\n" << rendered;
    }
    actual = rendered;
  }
  if (block.output >= 0) ExpectOutput(example, block, blocks[block.output].body, actual);
}

INSTANTIATE_TEST_SUITE_P(Docs, DocExample, ::testing::ValuesIn(AllExamples()), NameOf);

// A typo in a fence (```wf, ```weft_error) would silently leave an example untested.
TEST(DocFences, EveryFenceIsKnownAndEveryOutputFollowsAnExample) {
  const std::set<std::string> known = {"weft", "weft-error", "output", "text", "json", "sh", ""};
  for (const char* doc : kDocuments) {
    const std::vector<CodeBlock> blocks = ParseBlocks(ReadDoc(doc));
    std::set<int> attached;
    for (const CodeBlock& b : blocks) {
      if (b.output >= 0) attached.insert(b.output);
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
      EXPECT_TRUE(known.count(blocks[i].info))
          << doc << ":" << blocks[i].line << ": unknown fence ```" << blocks[i].info;
      if (blocks[i].info == "output") {
        EXPECT_TRUE(attached.count(static_cast<int>(i)))
            << doc << ":" << blocks[i].line << ": an output block that follows no example";
      }
    }
  }
}

TEST(DocFences, TheLanguageReferenceHasExamples) {
  size_t examples = 0;
  for (const CodeBlock& b : ParseBlocks(ReadDoc("docs/language.md"))) examples += IsExample(b);
  EXPECT_GE(examples, 40u) << "docs/language.md lost its examples, or the block parser broke";
}

}  // namespace
}  // namespace weft::docs
