// Counts heap allocations of the whole process (every thread), for the benches' cost per step:
// alloc_counter.cc replaces the global operator new, so link it only into bench tools.
#ifndef WEFT_BENCH_ALLOC_COUNTER_H_
#define WEFT_BENCH_ALLOC_COUNTER_H_

#include <cstdint>

namespace weft::bench {

// Allocations made through operator new since the process started.
uint64_t Allocations();

}  // namespace weft::bench

#endif  // WEFT_BENCH_ALLOC_COUNTER_H_
