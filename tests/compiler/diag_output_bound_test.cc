// The diagnostics for hostile input stay readable and bounded: 10 KB of random bytes used to
// print over 300 KB, raw terminal escapes included. Compiles through the whole front end, as
// `weft check` and Engine::Deploy do.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"

namespace weft {
namespace {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text(n, '\0');
  for (char& c : text) c = static_cast<char>(rng() & 0xFF);
  return text;
}

// Any byte below 0x20 but the line breaks that separate lines, DEL, or a C1 control in UTF-8.
size_t FirstControlByte(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return i;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return i;
    }
  }
  return std::string::npos;
}

TEST(DiagnosticOutput, RandomBytesGiveBoundedOutputWithoutControlCharacters) {
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::string source = RandomBytes(10 * 1024, seed);
    compiler::CompileOutput out = compiler::Compile("random.wf", source);
    ASSERT_TRUE(out.diagnostics.has_errors());
    const std::string rendered = diag::RenderAll(out.diagnostics, "random.wf", source);
    EXPECT_LT(rendered.size(), size_t{48} << 10) << "seed " << seed;
    EXPECT_EQ(FirstControlByte(rendered), std::string::npos) << "seed " << seed;
    if (out.diagnostics.error_count() > diag::kMaxRenderedErrors) {
      EXPECT_NE(rendered.find("too many errors; stopping after 20"), std::string::npos);
    }
  }
}

TEST(DiagnosticOutput, ManyErrorsStopAtTheLimit) {
  std::string source = "workflow w() {\n";
  for (int i = 0; i < 500; ++i) source += "  let x" + std::to_string(i) + " = nope" + "\n";
  source += "}\n";
  compiler::CompileOutput out = compiler::Compile("many.wf", source);
  ASSERT_EQ(out.diagnostics.error_count(), 500u);
  const std::string rendered = diag::RenderAll(out.diagnostics, "many.wf", source);
  EXPECT_NE(rendered.find("many.wf: too many errors; stopping after 20\n500 errors generated\n"),
            std::string::npos)
      << rendered;
}

}  // namespace
}  // namespace weft
