// The fenced code blocks of a Markdown document, as the docs tests see them. A document's
// examples are checked by tests/docs/language_examples_test.cc; the conventions are:
//
//   ```weft          a complete .wf file that must compile with no diagnostic at all
//   ```weft-error    a complete .wf file that must produce at least one error; every code
//                    written in it (E0xxx, usually in a comment) must be among them
//   ```output        right after one of the above (only blank lines between): for `weft`, the
//                    transcript of running it; for `weft-error`, the rendered diagnostics
//   <!-- script ... -->  an HTML comment right before a `weft` block: `//!` lines giving its
//                    inputs and task results (tests/golden/run/script.h), invisible on the page
//
// Any other fence (```text, ```json, ```sh, ```) is prose and is not checked.
#ifndef WEFT_TESTS_DOCS_DOC_BLOCKS_H_
#define WEFT_TESTS_DOCS_DOC_BLOCKS_H_

#include <optional>
#include <string>
#include <vector>

namespace weft::docs {

struct CodeBlock {
  std::string info;    // the fence's info string: "weft", "weft-error", "text", ...
  std::string body;    // the lines between the fences, each ending in '\n'
  int line = 0;        // 1-based line of the opening fence
  size_t body_begin = 0, body_end = 0;  // byte offsets of `body` in the document
  std::optional<std::string> script;    // the `<!-- script -->` comment just before, if any
  int output = -1;     // index of the ```output block that follows, or -1
};

// Every fenced block of `markdown`, in order. Unclosed fences end at the end of the text.
std::vector<CodeBlock> ParseBlocks(const std::string& markdown);

// True for the blocks the docs tests compile: `weft` and `weft-error`.
bool IsExample(const CodeBlock& block);

// `markdown` with the output block of example `index` (an index into ParseBlocks) set to
// `output`: replaced when there is one, inserted right after the example otherwise.
std::string WithOutput(const std::string& markdown, size_t index, const std::string& output);

}  // namespace weft::docs

#endif  // WEFT_TESTS_DOCS_DOC_BLOCKS_H_
