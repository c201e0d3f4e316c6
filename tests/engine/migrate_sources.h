// Versions of one workflow for the live migration tests (migrate_engine_test.cc,
// migration_check_test.cc): v1 waits at `first` then `pay`; the others change it after, around
// or at those points.
#ifndef WEFT_TESTS_ENGINE_MIGRATE_SOURCES_H_
#define WEFT_TESTS_ENGINE_MIGRATE_SOURCES_H_

#include <string_view>

namespace weft::testing {

constexpr std::string_view kTaskV1 = R"(
task first
task pay
workflow order(id: string) {
    let a = first(id: id)
    let b = pay(x: a)
    return { v: 1, a: a, b: b }
}
)";

// pay's result is now combined with `a`, carried from v1's frame, and a task is added after.
constexpr std::string_view kTaskV2 = R"(
task first
task pay
task extra
workflow order(id: string) {
    let a = first(id: id)
    let b = pay(x: a)
    let c = extra(x: b)
    return { v: 2, id: id, a: a, b: b, c: c }
}
)";

// pay is gone: an execution waiting for it cannot move (E0401).
constexpr std::string_view kTaskRemoved = R"(
task first
task pay
workflow order(id: string) {
    let a = first(id: id)
    return { v: 3, a: a }
}
)";

// `a` renamed `customer`, given by the migrate section.
constexpr std::string_view kTaskRenamed = R"(
task first
task pay
workflow order(id: string) {
    let customer = first(id: id)
    let b = pay(x: customer)
    return { v: 4, customer: customer, b: b }
}

migrate order {
    customer = a
}
)";

}  // namespace weft::testing

#endif  // WEFT_TESTS_ENGINE_MIGRATE_SOURCES_H_
