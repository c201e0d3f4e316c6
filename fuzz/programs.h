// The fixed workflows the fuzz targets run untrusted bytes against: the checkpoint target
// decodes a state and checks it against one of them, the JSON target binds an input to one.
// They are compiled from the sources in programs.cc once per process, and make_corpus.cc runs
// them to make the seed checkpoints, so the seeds and the targets always agree.
#ifndef WEFT_FUZZ_PROGRAMS_H_
#define WEFT_FUZZ_PROGRAMS_H_

#include <vector>

#include "bytecode/program.h"

namespace weft::fuzz {

// Every workflow of the embedded sources, in a fixed order; compiled on first use. A compile
// error is a bug in programs.cc (checked).
const std::vector<bytecode::Program>& Programs();

// The program a fuzz input's selector byte picks: Programs()[selector % size].
const bytecode::Program& PickProgram(unsigned char selector);

}  // namespace weft::fuzz

#endif  // WEFT_FUZZ_PROGRAMS_H_
