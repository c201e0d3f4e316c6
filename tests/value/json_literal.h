// J("..."): a Value from JSON text written in a test, failing the test when it does not parse.
#ifndef WEFT_TESTS_VALUE_JSON_LITERAL_H_
#define WEFT_TESTS_VALUE_JSON_LITERAL_H_

#include <string_view>

#include "gtest/gtest.h"
#include "weft/value.h"

namespace weft::testing {

inline Value J(std::string_view json) {
  auto v = Value::FromJson(json);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_VALUE_JSON_LITERAL_H_
