// Hand-assembled programs shared by the bytecode and VM tests.
#ifndef WEFT_TESTS_BYTECODE_SAMPLE_PROGRAMS_H_
#define WEFT_TESTS_BYTECODE_SAMPLE_PROGRAMS_H_

#include <cstdint>
#include <limits>
#include <string>

#include "bytecode/program.h"
#include "tests/bytecode/test_assembler.h"

namespace weft::bytecode::testing {

inline Value Obj(std::vector<Object::Entry> entries) {
  return Value::MakeObject(Object(std::move(entries)));
}
inline Value Str(std::string s) { return Value::String(std::move(s)); }

// The shipping example of ISSUE2, compiled by hand:
//
//   workflow shipping(order_id: string, vendor: string = "fedex") {
//       let info = shipping_info(order_id: order_id)
//       let label = switch vendor {
//           case "fedex" => ship_fedex(address: info.address)
//           case "ups"   => ship_ups(address: info.address)
//           default      => fail "unsupported vendor ${vendor}"
//       }
//       return { tracking: label.tracking, vendor: vendor }
//   }
//
// Locals: 0 order_id, 1 vendor, 2 info, 3 label. Tasks: 0 shipping_info, 1 ship_fedex,
// 2 ship_ups.
inline Program ShippingProgram() {
  Assembler a("shipping");
  a.Param("order_id", ParamType::kString).Param("vendor", ParamType::kString, Str("fedex"));
  const uint32_t shipping_info = a.Task("shipping_info");
  const uint32_t ship_fedex = a.Task("ship_fedex");
  const uint32_t ship_ups = a.Task("ship_ups");
  const uint32_t k_order_id = a.Const(Str("order_id"));
  const uint32_t k_fedex = a.Const(Str("fedex"));
  const uint32_t k_ups = a.Const(Str("ups"));
  const uint32_t k_unsupported = a.Const(Str("unsupported vendor "));
  const uint32_t k_address = a.Const(Str("address"));
  const uint32_t k_tracking = a.Const(Str("tracking"));
  const uint32_t k_vendor = a.Const(Str("vendor"));
  auto fedex = a.NewLabel(), ups = a.NewLabel(), end = a.NewLabel();

  a.At(2, 5).Emit(Op::CONST, k_order_id).Emit(Op::LOAD_LOCAL, 0).Emit(Op::MAKE_OBJECT, 1);
  a.At(2, 16).Emit(Op::CALL_TASK, shipping_info).Emit(Op::STORE_LOCAL, 2);
  a.At(3, 17).Emit(Op::LOAD_LOCAL, 1);
  a.Emit(Op::DUP).Emit(Op::CONST, k_fedex).Emit(Op::EQ).Jump(Op::JUMP_IF_TRUE, fedex);
  a.Emit(Op::DUP).Emit(Op::CONST, k_ups).Emit(Op::EQ).Jump(Op::JUMP_IF_TRUE, ups);
  a.At(6, 25).Emit(Op::POP).Emit(Op::CONST, k_unsupported).Emit(Op::LOAD_LOCAL, 1);
  a.Emit(Op::CONCAT, 2).Emit(Op::FAIL);
  a.Bind(fedex).At(4, 30).Emit(Op::POP).Emit(Op::CONST, k_address).Emit(Op::LOAD_LOCAL, 2);
  a.Emit(Op::GET_FIELD, k_address).Emit(Op::MAKE_OBJECT, 1).Emit(Op::CALL_TASK, ship_fedex);
  a.Jump(Op::JUMP, end);
  a.Bind(ups).At(5, 30).Emit(Op::POP).Emit(Op::CONST, k_address).Emit(Op::LOAD_LOCAL, 2);
  a.Emit(Op::GET_FIELD, k_address).Emit(Op::MAKE_OBJECT, 1).Emit(Op::CALL_TASK, ship_ups);
  a.Bind(end).Emit(Op::STORE_LOCAL, 3);
  a.At(8, 5).Emit(Op::CONST, k_tracking).Emit(Op::LOAD_LOCAL, 3).Emit(Op::GET_FIELD, k_tracking);
  a.Emit(Op::CONST, k_vendor).Emit(Op::LOAD_LOCAL, 1).Emit(Op::MAKE_OBJECT, 2).Emit(Op::RETURN);
  return a.Build(/*num_locals=*/4, /*max_stack=*/4);
}

// Constants that stress the value encoding: exact int64 extremes, doubles, NUL bytes, UTF-8,
// nested containers and object key order.
inline std::vector<Value> ConstantZoo() {
  return {
      Value(),
      Value::Bool(true),
      Value::Int(std::numeric_limits<int64_t>::max()),
      Value::Int(std::numeric_limits<int64_t>::min()),
      Value::Double(0.1),
      Value::Double(-1e300),
      Str(std::string("nul\0byte", 8)),
      Str("caf\xc3\xa9 \xf0\x9f\x9a\x80"),
      Value::MakeList({Value::Int(1), Value::Double(2.5), Str("three"), Value::MakeList({})}),
      Obj({{"zebra", Value::Int(1)}, {"apple", Obj({{"y", Value()}, {"x", Value::Bool(false)}})}}),
      Obj({}),
  };
}

}  // namespace weft::bytecode::testing

#endif  // WEFT_TESTS_BYTECODE_SAMPLE_PROGRAMS_H_
