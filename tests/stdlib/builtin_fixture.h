// A fixture for the builtin tests: calls a builtin by name with JSON-written arguments and
// returns its result as compact JSON, or its user-facing error message.
#ifndef WEFT_TESTS_STDLIB_BUILTIN_FIXTURE_H_
#define WEFT_TESTS_STDLIB_BUILTIN_FIXTURE_H_

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "weft/value.h"

namespace weft::stdlib {

inline Value J(std::string_view json) {
  auto v = Value::FromJson(json);
  EXPECT_TRUE(v.ok()) << v.status() << " in " << json;
  return v.ok() ? *v : Value();
}

class BuiltinFixture : public ::testing::Test {
 protected:
  absl::StatusOr<Value> Call(std::string_view name, std::vector<Value> args) {
    const BuiltinInfo* info = FindBuiltin(name);
    EXPECT_NE(info, nullptr) << name;
    if (info == nullptr) return absl::NotFoundError("no builtin");
    EXPECT_GE(args.size(), info->min_args) << name;
    EXPECT_LE(args.size(), info->max_args) << name;
    return info->fn(ctx_, args);
  }
  std::vector<Value> Args(std::vector<std::string_view> json_args) {
    std::vector<Value> args;
    for (auto a : json_args) args.push_back(J(a));
    return args;
  }
  // Calls with JSON arguments and returns the result as compact JSON.
  std::string CallJ(std::string_view name, std::vector<std::string_view> json_args) {
    auto r = Call(name, Args(json_args));
    EXPECT_TRUE(r.ok()) << name << ": " << r.status();
    return r.ok() ? r->ToJson() : "<error>";
  }
  // Calls with JSON arguments, expects InvalidArgument, returns the message.
  std::string Error(std::string_view name, std::vector<std::string_view> json_args) {
    auto r = Call(name, Args(json_args));
    EXPECT_FALSE(r.ok()) << name << " returned " << r->ToJson();
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  }

  // Calls with JSON arguments, expects a limit error (ResourceExhausted, which the VM raises as
  // LIMIT_EXCEEDED), returns the message.
  std::string LimitErr(std::string_view name, std::vector<std::string_view> json_args) {
    return LimitErrV(name, Args(json_args));
  }
  std::string LimitErrV(std::string_view name, std::vector<Value> args) {
    auto r = Call(name, std::move(args));
    EXPECT_FALSE(r.ok()) << name << " returned a value";
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
    return std::string(r.status().message());
  }

  uint64_t rng_ = 42;
  BuiltinContext ctx_{1700000000123, &rng_};
};

}  // namespace weft::stdlib

#endif  // WEFT_TESTS_STDLIB_BUILTIN_FIXTURE_H_
