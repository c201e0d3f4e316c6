// See doc_blocks.h. A line-oriented scan: fences are recognised only at the start of a line.
#include "tests/docs/doc_blocks.h"

#include <string_view>

namespace weft::docs {
namespace {

constexpr std::string_view kFence = "```";
constexpr std::string_view kScriptOpen = "<!-- script";
constexpr std::string_view kCommentClose = "-->";

struct Line {
  std::string_view text;  // without its '\n'
  size_t begin = 0;       // byte offset of the line
  size_t next = 0;        // byte offset of the following line
};

std::vector<Line> SplitLines(const std::string& text) {
  std::vector<Line> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    const size_t next = end == std::string::npos ? text.size() : end + 1;
    if (end == std::string::npos) end = text.size();
    lines.push_back({std::string_view(text).substr(at, end - at), at, next});
    at = next;
  }
  return lines;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The `<!-- script ... -->` comment that ends right above line `fence` (blank lines allowed).
std::optional<std::string> ScriptAbove(const std::vector<Line>& lines, size_t fence) {
  size_t i = fence;
  while (i > 0 && IsBlank(lines[i - 1].text)) --i;
  if (i == 0 || Trim(lines[i - 1].text) != kCommentClose) return std::nullopt;
  const size_t close = i - 1;
  for (size_t open = close; open-- > 0;) {
    if (Trim(lines[open].text) != kScriptOpen) continue;
    std::string script;
    for (size_t k = open + 1; k < close; ++k) script += std::string(lines[k].text) + "\n";
    return script;
  }
  return std::nullopt;
}

}  // namespace

std::vector<CodeBlock> ParseBlocks(const std::string& markdown) {
  const std::vector<Line> lines = SplitLines(markdown);
  std::vector<CodeBlock> blocks;
  int previous_example = -1;    // the last example, while only blank lines follow it
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].text.substr(0, kFence.size()) != kFence) {
      if (!IsBlank(lines[i].text)) previous_example = -1;
      continue;
    }
    CodeBlock block;
    block.info = std::string(Trim(lines[i].text.substr(kFence.size())));
    block.line = static_cast<int>(i) + 1;
    block.body_begin = lines[i].next;
    size_t close = i + 1;
    while (close < lines.size() && Trim(lines[close].text) != kFence) ++close;
    block.body_end = close < lines.size() ? lines[close].begin : markdown.size();
    block.body = markdown.substr(block.body_begin, block.body_end - block.body_begin);
    if (IsExample(block)) block.script = ScriptAbove(lines, i);
    if (block.info == "output" && previous_example >= 0) {
      blocks[previous_example].output = static_cast<int>(blocks.size());
    }
    previous_example = IsExample(block) ? static_cast<int>(blocks.size()) : -1;
    blocks.push_back(std::move(block));
    i = close;
  }
  return blocks;
}

bool IsExample(const CodeBlock& block) {
  return block.info == "weft" || block.info == "weft-error";
}

std::string WithOutput(const std::string& markdown, size_t index, const std::string& output) {
  const std::vector<CodeBlock> blocks = ParseBlocks(markdown);
  const CodeBlock& example = blocks.at(index);
  if (example.output >= 0) {
    const CodeBlock& old = blocks[example.output];
    return markdown.substr(0, old.body_begin) + output + markdown.substr(old.body_end);
  }
  // Insert after the example's closing fence line.
  size_t after = markdown.find('\n', example.body_end);
  after = after == std::string::npos ? markdown.size() : after + 1;
  return markdown.substr(0, after) + "```output\n" + output + "```\n" + markdown.substr(after);
}

}  // namespace weft::docs
