// Builtins that rearrange lists: sort, reverse, unique, flatten, slice, first, last, append,
// concat, zip, index_of. The results are new lists; items are shared, never deep-copied.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// A hashable key for scalars such that equal keys <=> equal values (1 == 1.0, as operator==
// says). Containers have none: unique() compares them pairwise.
bool ScalarKey(const Value& v, std::string* key) {
  switch (v.kind()) {
    case Value::Kind::kNull: *key = "n"; return true;
    case Value::Kind::kBool: *key = v.as_bool() ? "t" : "f"; return true;
    case Value::Kind::kInt: *key = "i" + std::to_string(v.as_int()); return true;
    case Value::Kind::kDouble: {
      const double d = v.as_double();
      // An integral double in the int64 range equals that int; -0.0 lands on "i0" too.
      if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        *key = "i" + std::to_string(static_cast<int64_t>(d));
      } else {
        char bits[sizeof d];
        std::memcpy(bits, &d, sizeof d);
        key->assign("d").append(bits, sizeof bits);
      }
      return true;
    }
    case Value::Kind::kString: key->assign("s").append(v.as_string()); return true;
    default: return false;
  }
}

uint64_t Mix(uint64_t h) {  // splitmix64's finaliser
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

uint64_t HashBytes(std::string_view s) { return Mix(std::hash<std::string_view>{}(s)); }

// A hash of a container that agrees with operator== (equal values hash equal: numbers through
// ScalarKey, object entries combined in any order). Iterative: containers being hashed wait on
// an explicit stack, so depth costs heap, not C++ stack; the work is v.total_size().
uint64_t HashContainer(const Value& root) {
  struct Frame {
    const Value* v;
    size_t next;
    uint64_t acc;
  };
  std::vector<Frame> open;
  std::string key;
  auto scalar = [&](const Value& v) {
    ScalarKey(v, &key);
    return HashBytes(key);
  };
  open.push_back(Frame{&root, 0, root.is_list() ? 0x6c ^ root.as_list().size() : 0x6f});
  uint64_t done = 0;  // the hash of the container just finished
  while (true) {
    Frame& top = open.back();
    const bool is_list = top.v->is_list();
    const size_t count = is_list ? top.v->as_list().size() : top.v->as_object().size();
    if (top.next == count) {
      done = Mix(top.acc);
      open.pop_back();
      if (open.empty()) return done;
      Frame& parent = open.back();
      const size_t i = parent.next - 1;
      if (parent.v->is_list()) {
        parent.acc = Mix(parent.acc ^ done) + i;
      } else {
        parent.acc += Mix(HashBytes(parent.v->as_object().entries()[i].first) ^ done);
      }
      continue;
    }
    const size_t i = top.next++;
    const Value& child = is_list ? top.v->as_list()[i] : top.v->as_object().entries()[i].second;
    if (child.is_list() || child.is_object()) {
      open.push_back(Frame{&child, 0, child.is_list() ? 0x6c ^ child.as_list().size() : 0x6f});
      continue;
    }
    const uint64_t h = scalar(child);
    if (is_list) {
      top.acc = Mix(top.acc ^ h) + i;
    } else {
      top.acc += Mix(HashBytes(top.v->as_object().entries()[i].first) ^ h);
    }
  }
}

// Negative positions count from the end; the result is clamped to [0, size].
int64_t Position(int64_t at, int64_t size) {
  if (at < 0) at = at < -size ? 0 : size + at;
  return std::min(at, size);
}

}  // namespace

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  if (a.is_double() && b.is_double()) {
    return a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double();
  }
  // int against double, exactly: outside [-2^63, 2^63) the double wins; inside, compare the
  // integral parts as ints, then the fraction breaks a tie.
  const bool flip = a.is_double();
  const int64_t i = flip ? b.as_int() : a.as_int();
  const double d = flip ? a.as_double() : b.as_double();
  int r;
  if (d >= 9223372036854775808.0) {
    r = -1;
  } else if (d < -9223372036854775808.0) {
    r = 1;
  } else {
    const double t = std::trunc(d);
    const int64_t ti = static_cast<int64_t>(t);
    if (i != ti) {
      r = i < ti ? -1 : 1;
    } else {
      r = d > t ? -1 : (d < t ? 1 : 0);
    }
  }
  return flip ? -r : r;
}

bool CompareSortable(const Value& a, const Value& b, int* result) {
  if (a.is_number() && b.is_number()) {
    *result = CompareNumbers(a, b);
    return true;
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.as_string().compare(b.as_string());
    *result = c < 0 ? -1 : c > 0;
    return true;
  }
  return false;
}

absl::StatusOr<Value> Builtin_sort(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("sort", "a list", args[0]);
  const List& items = args[0].as_list();
  // n log n comparisons, each of a number or a string (whose bytes count).
  ctx.work += args[0].total_size() * static_cast<uint64_t>(std::bit_width(items.size()));
  // Check the kinds first, so the comparator never meets a pair it cannot order.
  for (const Value& item : items) {
    int unused;
    if (!CompareSortable(items.front(), item, &unused)) {
      return UserError("sort", "expects a list of numbers or a list of strings, got " +
                                   std::string(Value::KindName(items.front().kind())) + " and " +
                                   std::string(Value::KindName(item.kind())));
    }
  }
  List out = items;
  std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) {
    int c = 0;
    CompareSortable(a, b, &c);
    return c < 0;
  });
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_reverse(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (args[0].is_string()) {
    return Value::String(std::string(args[0].as_string().rbegin(), args[0].as_string().rend()));
  }
  if (!args[0].is_list()) return ExpectError("reverse", "a list or string", args[0]);
  return Value::MakeList(List(args[0].as_list().rbegin(), args[0].as_list().rend()));
}

absl::StatusOr<Value> Builtin_unique(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("unique", "a list", args[0]);
  ctx.work += args[0].total_size();  // every item hashed once
  List out;
  std::unordered_set<std::string> seen_scalars;
  // Containers by hash; only those with the same hash are compared.
  std::unordered_map<uint64_t, std::vector<const Value*>> seen_containers;
  std::string key;
  for (const Value& item : args[0].as_list()) {
    if (ScalarKey(item, &key)) {
      if (!seen_scalars.insert(key).second) continue;
    } else {
      std::vector<const Value*>& same_hash = seen_containers[HashContainer(item)];
      auto same = [&item](const Value* v) { return *v == item; };
      if (std::any_of(same_hash.begin(), same_hash.end(), same)) continue;
      same_hash.push_back(&item);
    }
    out.push_back(item);
  }
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_flatten(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("flatten", "a list", args[0]);
  uint64_t count = 0;
  for (const Value& item : args[0].as_list()) count += item.is_list() ? item.as_list().size() : 1;
  if (auto s = CheckResultItems("flatten", count); !s.ok()) return s;
  List out;
  out.reserve(count);
  for (const Value& item : args[0].as_list()) {
    if (item.is_list()) {
      out.insert(out.end(), item.as_list().begin(), item.as_list().end());
    } else {
      out.push_back(item);
    }
  }
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_slice(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2, 3);
  if (!args[0].is_list()) return ExpectError("slice", "a list", args[0]);
  if (!args[1].is_int()) return ExpectError("slice", "an int start", args[1]);
  const List& items = args[0].as_list();
  const int64_t size = static_cast<int64_t>(items.size());
  const int64_t start = Position(args[1].as_int(), size);
  int64_t end = size;
  if (args.size() == 3 && !args[2].is_null()) {
    if (!args[2].is_int()) return ExpectError("slice", "an int end", args[2]);
    end = Position(args[2].as_int(), size);
  }
  if (end <= start) return Value::MakeList({});
  return Value::MakeList(List(items.begin() + start, items.begin() + end));
}

absl::StatusOr<Value> Builtin_first(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("first", "a list", args[0]);
  return args[0].as_list().empty() ? Value::Null() : args[0].as_list().front();
}

absl::StatusOr<Value> Builtin_last(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("last", "a list", args[0]);
  return args[0].as_list().empty() ? Value::Null() : args[0].as_list().back();
}

absl::StatusOr<Value> Builtin_append(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_list()) return ExpectError("append", "a list", args[0]);
  if (auto s = CheckResultItems("append", args[0].as_list().size() + 1); !s.ok()) return s;
  List out;
  out.reserve(args[0].as_list().size() + 1);
  out = args[0].as_list();
  out.push_back(args[1]);
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_concat(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_list()) return ExpectError("concat", "a list", args[0]);
  if (!args[1].is_list()) return ExpectError("concat", "a list to append", args[1]);
  const uint64_t count = args[0].as_list().size() + args[1].as_list().size();
  if (auto s = CheckResultItems("concat", count); !s.ok()) return s;
  List out;
  out.reserve(args[0].as_list().size() + args[1].as_list().size());
  out.insert(out.end(), args[0].as_list().begin(), args[0].as_list().end());
  out.insert(out.end(), args[1].as_list().begin(), args[1].as_list().end());
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_zip(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_list()) return ExpectError("zip", "a list", args[0]);
  if (!args[1].is_list()) return ExpectError("zip", "a second list", args[1]);
  const List& a = args[0].as_list();
  const List& b = args[1].as_list();
  List out;
  out.reserve(std::min(a.size(), b.size()));
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) out.push_back(Value::MakeList({a[i], b[i]}));
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_index_of(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  ctx.work += args[0].total_size();  // at most every item compared, or every byte searched
  if (args[0].is_list()) {
    const List& items = args[0].as_list();
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] == args[1]) return Value::Int(static_cast<int64_t>(i));
    }
    return Value::Int(-1);
  }
  if (!args[0].is_string()) return ExpectError("index_of", "a string or list", args[0]);
  if (!args[1].is_string()) return ExpectError("index_of", "a string to find in a string", args[1]);
  const size_t at = args[0].as_string().find(args[1].as_string());
  return Value::Int(at == std::string::npos ? -1 : static_cast<int64_t>(at));
}

}  // namespace weft::stdlib
