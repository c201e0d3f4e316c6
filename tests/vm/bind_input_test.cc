// BindInput: defaults, types (float accepts int), and messages for users.
#include <string>

#include "gtest/gtest.h"
#include "tests/vm/vm_test_util.h"

namespace weft::vm {
namespace {

using bytecode::ParamType;
using namespace testing;  // NOLINT: the test helpers

Program Signature() {
  Assembler a("sig");
  a.Param("vendor", ParamType::kString)
      .Param("n", ParamType::kInt, Int(3))
      .Param("ratio", ParamType::kFloat, Dbl(0.5))
      .Param("amount", ParamType::kNumber)
      .Param("tags", ParamType::kList, List({}))
      .Param("extra", ParamType::kAny, Value())
      .Param("flag", ParamType::kBool, Bool(false))
      .Param("opts", ParamType::kObject, Obj({}));
  a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  return a.Build(8, 1);
}

std::string Bind(const std::string& json) {
  absl::StatusOr<Value> input = Value::FromJson(json);
  EXPECT_TRUE(input.ok()) << json;
  absl::StatusOr<std::vector<Value>> args = BindInput(Signature(), *input);
  if (!args.ok()) return std::string(args.status().message());
  return Value::MakeList(*args).ToJson();
}

TEST(BindInput, FillsDefaultsInParamOrder) {
  EXPECT_EQ(Bind(R"({"amount": 2, "vendor": "ups"})"),
            R"(["ups",3,0.5,2,[],null,false,{}])");
}

TEST(BindInput, GivenValuesWin) {
  EXPECT_EQ(Bind(R"({"vendor":"x","n":9,"ratio":1.5,"amount":2.5,"tags":["a"],"extra":{"k":1},)"
                 R"("flag":true,"opts":{"z":null}})"),
            R"(["x",9,1.5,2.5,["a"],{"k":1},true,{"z":null}])");
}

TEST(BindInput, FloatAcceptsIntAndHoldsAFloat) {
  absl::StatusOr<std::vector<Value>> args =
      BindInput(Signature(), *Value::FromJson(R"({"vendor":"x","amount":1,"ratio":2})"));
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_TRUE((*args)[2].is_double());
  EXPECT_EQ((*args)[2].as_double(), 2.0);
  EXPECT_TRUE((*args)[3].is_int());  // number keeps what it was given
}

TEST(BindInput, RejectsMissingRequiredInput) {
  EXPECT_EQ(Bind(R"({"amount": 1})"), "missing required input `vendor` (string)");
  Assembler a;
  a.Param("anything").Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  EXPECT_EQ(BindInput(a.Build(1, 1), Obj({})).status().message(),
            "missing required input `anything`");
}

TEST(BindInput, RejectsMistypedInput) {
  EXPECT_EQ(Bind(R"({"vendor":"x","amount":1,"n":"3"})"), "input `n` must be int, got string");
  EXPECT_EQ(Bind(R"({"vendor":"x","amount":1,"n":3.5})"), "input `n` must be int, got float");
  EXPECT_EQ(Bind(R"({"vendor":null,"amount":1})"), "input `vendor` must be string, got null");
  EXPECT_EQ(Bind(R"({"vendor":"x","amount":"1"})"), "input `amount` must be number, got string");
  EXPECT_EQ(Bind(R"({"vendor":"x","amount":1,"flag":1})"), "input `flag` must be bool, got int");
}

TEST(BindInput, RejectsUnknownInput) {
  EXPECT_EQ(Bind(R"({"vendor":"x","amount":1,"x":1})"), "unknown input `x`");
}

TEST(BindInput, ReportsEveryProblemAtOnce) {
  EXPECT_EQ(Bind(R"({"n":"3","color":"red","size":1})"),
            "missing required input `vendor` (string); input `n` must be int, got string; "
            "missing required input `amount` (number); unknown input `color`; "
            "unknown input `size`");
}

TEST(BindInput, InputMustBeAnObject) {
  EXPECT_EQ(Bind("[1]"), "input must be an object, got list");
  EXPECT_EQ(Bind("null"), "input must be an object, got null");
  EXPECT_EQ(BindInput(Signature(), Int(1)).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BindInput, NoParamsTakesTheEmptyObject) {
  Assembler a;
  a.Emit(Op::PUSH_NULL).Emit(Op::RETURN);
  absl::StatusOr<std::vector<Value>> args = BindInput(a.Build(0, 1), Obj({}));
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->empty());
}

}  // namespace
}  // namespace weft::vm
