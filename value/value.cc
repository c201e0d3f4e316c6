// weft::Value and weft::Object: construction (with the depth and size every container
// carries), the limits, lookup, deep equality and destruction. The text forms live in json.cc
// and the binary form in value_codec.cc.
//
// Nothing here recurses on the C++ stack for depth: equality walks an explicit stack, and a
// container's destructor hands the nested containers it owns alone to a per-thread worklist
// that the outermost destructor drains, so freeing a value nested a million deep uses a
// constant amount of stack.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "weft/value.h"

namespace weft {
namespace {

// Above this many entries, de-duplicating keys uses a hash map instead of linear scans.
constexpr size_t kLinearDedupLimit = 16;

// Exact comparison of an int64 and a double: 2^53 + 1 must not equal 2^53.
bool IntEqualsDouble(int64_t i, double d) {
  // [-2^63, 2^63) is exactly the set of doubles that convert to int64 without overflow.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;  // NaN too
  if (std::trunc(d) != d) return false;
  return static_cast<int64_t>(d) == i;
}

bool NumbersEqual(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  if (a.is_double() && b.is_double()) return a.as_double() == b.as_double();
  if (a.is_int()) return IntEqualsDouble(a.as_int(), b.as_double());
  return IntEqualsDouble(b.as_int(), a.as_double());
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

// The containers whose last reference is being dropped by a destructor further up this
// thread's stack, or nullptr when no destructor is draining.
thread_local std::vector<Value>* tl_release_queue = nullptr;

// Called by a container's destructor with its items: each item that is the last reference to
// a container is moved to the release queue instead of being destroyed here, recursively.
// `items` is a range of Values (or of object entries, through `value_of`).
// `is_last(v)`: whether v holds the last reference to a container (only those can recurse;
// a shared one just loses a reference).
template <typename Range, typename ValueOf, typename IsLast>
void ReleaseIteratively(Range& items, ValueOf value_of, IsLast is_last) {
  if (tl_release_queue != nullptr) {  // an outer destructor drains: hand them over
    for (auto& item : items) {
      Value& v = value_of(item);
      if (!is_last(v)) continue;
      try {
        tl_release_queue->push_back(std::move(v));
      } catch (const std::bad_alloc&) {
        // No memory for the queue: v is freed the ordinary (recursive) way instead.
      }
    }
    return;
  }
  bool any = false;
  for (auto& item : items) any = any || is_last(value_of(item));
  if (!any) return;  // nothing here frees a container: nothing can recurse
  std::vector<Value> queue;
  try {
    queue.reserve(16);
  } catch (const std::bad_alloc&) {
    return;  // no memory for the queue: the items are freed the ordinary (recursive) way
  }
  tl_release_queue = &queue;
  for (auto& item : items) {
    Value& v = value_of(item);
    if (!is_last(v)) continue;
    try {
      queue.push_back(std::move(v));
    } catch (const std::bad_alloc&) {
    }
  }
  while (!queue.empty()) {
    Value last = std::move(queue.back());
    queue.pop_back();
    // `last` dies here; if it held the last reference, its node's destructor moves its own
    // nested containers to `queue` (the branch above) before its items are freed.
  }
  tl_release_queue = nullptr;
}

Value& ItemValue(Value& v) { return v; }
Value& EntryValue(Object::Entry& e) { return e.second; }

// Deep equality without recursion: pairs still to compare wait on an explicit stack.
bool DeepEqual(const Value& a0, const Value& b0) {
  absl::InlinedVector<std::pair<const Value*, const Value*>, 16> pending;
  pending.emplace_back(&a0, &b0);
  while (!pending.empty()) {
    auto [a, b] = pending.back();
    pending.pop_back();
    if (a->is_number() && b->is_number()) {
      if (!NumbersEqual(*a, *b)) return false;
      continue;
    }
    if (a->kind() != b->kind()) return false;
    switch (a->kind()) {
      case Value::Kind::kNull: break;
      case Value::Kind::kBool:
        if (a->as_bool() != b->as_bool()) return false;
        break;
      case Value::Kind::kString:
        if (a->as_string() != b->as_string()) return false;
        break;
      case Value::Kind::kList: {
        const List& x = a->as_list();
        const List& y = b->as_list();
        if (&x == &y) break;  // shared: the common case for values copied around the VM
        // Equal values have equal depths and sizes (1 and 1.0 both count 1).
        if (x.size() != y.size() || a->depth() != b->depth() ||
            a->total_size() != b->total_size()) {
          return false;
        }
        for (size_t i = x.size(); i-- > 0;) pending.emplace_back(&x[i], &y[i]);
        break;
      }
      case Value::Kind::kObject: {
        // Key order does not matter; the common case (same order) pairs entries without lookups.
        const Object& x = a->as_object();
        const Object& y = b->as_object();
        if (&x == &y) break;
        if (x.size() != y.size() || a->depth() != b->depth() ||
            a->total_size() != b->total_size()) {
          return false;
        }
        const auto& xe = x.entries();
        const auto& ye = y.entries();
        for (size_t i = xe.size(); i-- > 0;) {
          const Value* other = xe[i].first == ye[i].first ? &ye[i].second : y.Find(xe[i].first);
          if (other == nullptr) return false;
          pending.emplace_back(&xe[i].second, other);
        }
        break;
      }
      case Value::Kind::kInt:
      case Value::Kind::kDouble: break;  // handled above
    }
  }
  return true;
}

absl::Status LimitError(std::string message) {
  return absl::ResourceExhaustedError(std::move(message));
}

}  // namespace

Object::Object(std::vector<Entry> entries) {
  entries_.reserve(entries.size());
  if (entries.size() <= kLinearDedupLimit) {
    for (auto& [key, value] : entries) Set(std::move(key), std::move(value));
    return;
  }
  // Large objects: find each key's first and last occurrence in one hashed pass, then move
  // entries out in a second pass that does no lookups (the map's views point into `entries`).
  struct Span { size_t first, last; };
  absl::flat_hash_map<std::string_view, Span> spans;
  spans.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto [it, inserted] = spans.try_emplace(entries[i].first, Span{i, i});
    if (!inserted) it->second.last = i;
  }
  std::vector<size_t> source(entries.size(), SIZE_MAX);  // SIZE_MAX: a dropped duplicate
  for (const auto& [key, span] : spans) source[span.first] = span.last;
  spans.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (source[i] == SIZE_MAX) continue;
    entries_.emplace_back(std::move(entries[i].first), std::move(entries[source[i]].second));
  }
}

const Value* Object::Find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

void Object::Set(std::string key, Value value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kString: return a.as_string() == b.as_string();
    default: return DeepEqual(a, b);
  }
}

namespace value_internal {

ListNode::ListNode(List list) : items(std::move(list)) {
  int64_t deepest = 0;
  for (const Value& item : items) {
    size = SaturatingAdd(size, item.total_size());
    deepest = std::max(deepest, item.depth());
  }
  depth = deepest + 1;
}

ListNode::~ListNode() {
  ReleaseIteratively(items, ItemValue, [](const Value& v) { return v.IsLastContainerRef(); });
}

ObjectNode::ObjectNode(Object obj) : object(std::move(obj)) {
  int64_t deepest = 0;
  for (const auto& [key, value] : object) {
    size = SaturatingAdd(size, SaturatingAdd(key.size(), value.total_size()));
    deepest = std::max(deepest, value.depth());
  }
  depth = deepest + 1;
}

// Object has no mutable access to its entries; the node owns the object outright and is
// being destroyed, so casting away the const of its entries is sound.
ObjectNode::~ObjectNode() {
  auto& entries = const_cast<std::vector<Object::Entry>&>(object.entries());
  ReleaseIteratively(entries, EntryValue,
                     [](const Value& v) { return v.IsLastContainerRef(); });
}

}  // namespace value_internal

Value Value::MakeList(List items) {
  return Value(Rep(std::make_shared<const value_internal::ListNode>(std::move(items))));
}

Value Value::MakeObject(Object object) {
  return Value(Rep(std::make_shared<const value_internal::ObjectNode>(std::move(object))));
}

int64_t Value::depth() const {
  if (is_list()) return std::get<ListPtr>(rep_)->depth;
  if (is_object()) return std::get<ObjectPtr>(rep_)->depth;
  return 0;
}

uint64_t Value::total_size() const {
  switch (kind()) {
    case Kind::kString: return SaturatingAdd(1, as_string().size());
    case Kind::kList: return std::get<ListPtr>(rep_)->size;
    case Kind::kObject: return std::get<ObjectPtr>(rep_)->size;
    default: return 1;
  }
}

bool Value::IsLastContainerRef() const {
  if (is_list()) return std::get<ListPtr>(rep_).use_count() == 1;
  if (is_object()) return std::get<ObjectPtr>(rep_).use_count() == 1;
  return false;
}

absl::Status Value::CheckLimits() const {
  if (is_string() && as_string().size() > kMaxStringBytes) {
    return LimitError(absl::StrCat("string of ", as_string().size(),
                                   " bytes is longer than the limit of ", kMaxStringBytes));
  }
  if (is_list() && as_list().size() > kMaxListItems) {
    return LimitError(absl::StrCat("list of ", as_list().size(),
                                   " items is longer than the limit of ", kMaxListItems));
  }
  if (is_object() && as_object().size() > kMaxObjectEntries) {
    return LimitError(absl::StrCat("object of ", as_object().size(),
                                   " entries is larger than the limit of ", kMaxObjectEntries));
  }
  if (depth() > kMaxDepth) {
    return LimitError(absl::StrCat("value nests deeper than ", kMaxDepth, " levels"));
  }
  if (total_size() > kMaxTotalSize) {
    return LimitError(absl::StrCat("value of total size ", total_size(),
                                   " is larger than the limit of ", kMaxTotalSize));
  }
  return absl::OkStatus();
}

std::string_view Value::KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kDouble: return "float";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kObject: return "object";
  }
  return "unknown";
}

}  // namespace weft
