// WEFT_CHECK: the channel for broken invariants (our bugs, never the user's). A failed check
// prints where and why, then aborts. Checks stay on in release builds: a workflow engine that
// carries on with corrupt state is worse than one that stops.
#ifndef WEFT_COMMON_CHECK_H_
#define WEFT_COMMON_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define WEFT_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

#define WEFT_CHECK_MSG(cond, msg)                                                         \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond,  \
                   msg);                                                                  \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

#endif  // WEFT_COMMON_CHECK_H_
