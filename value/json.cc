// The JSON text form of weft::Value.
//
// Parsing uses RapidJSON's SAX reader (iterative, so deep input cannot exhaust the stack; UTF-8
// validated) and builds Values directly, without a DOM. Numbers come as their text and are
// converted here (std::from_chars, strtod), so every double is the correctly rounded value of
// its text. Choices beyond RFC 8259, all tested:
//   - an integer literal (no fraction, no exponent) that fits int64 is an Int; a larger one is a
//     Double (the nearest double); "-0" is the Int 0;
//   - duplicate object keys: the later value wins, at the position of the first occurrence;
//   - nesting deeper than Value::kMaxDepth is rejected;
//   - empty input, trailing garbage, NUL bytes and invalid UTF-8 are InvalidArgument naming
//     the offset; so are numbers past the double range (not infinity) and \u escapes of lone
//     surrogates;
//   - a number longer than kMaxNumberChars characters is InvalidArgument before RapidJSON sees
//     it (no double or int64 needs more). RapidJSON 1.1.0's full-precision conversion, used
//     until fuzz_json found it, reads out of bounds on some numbers with many digits and a
//     large negative exponent (tests/fuzz/corpus/json/crash-long-number-segv.json, and
//     crash-small-exponent-segv.json at only 51 characters), so RapidJSON converts no number.
//
// Printing is our own small writer rather than RapidJSON's Writer, for two reasons: doubles are
// printed with std::to_chars, which (unlike Grisu2) guarantees the SHORTEST text that reads back
// to the same double, and strings that are not valid UTF-8 must still produce valid JSON.
//   - doubles: shortest round-trip digits; plain notation when 1e-6 <= |x| < 1e21 (always with a
//     fraction or exponent, so 1.0 prints as "1.0" and reads back as a float), otherwise
//     exponent notation without '+' ("1e300", "1e-7"), as JavaScript does; NaN and infinities,
//     which JSON cannot hold, print as null;
//   - strings: '"', '\\' and control characters are escaped (\n \t \r \b \f, else \u00XX);
//     other characters are written as UTF-8; a byte sequence that is not valid UTF-8 is
//     written as U+FFFD.
// So canonical compact JSON (as ToJson prints it) round-trips byte for byte.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rapidjson.h"  // RapidJSON, with asserts that throw RapidJsonAssertion
#include "weft/value.h"

namespace weft {
namespace {

// ---------------------------------------------------------------------------------------------
// Parsing

size_t Utf8SequenceLength(std::string_view s, size_t i);  // below, with the writer

// True when `s` is valid UTF-8. RapidJSON validates the raw text but lets a \u escape of a
// lone low surrogate (\udc00-\udfff) through as three invalid bytes (fixed upstream after
// 1.1.0), which would make a string that prints as U+FFFD and no longer round-trips.
bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A RapidJSON SAX handler that builds a Value. Containers under construction sit on a stack.
class ValueBuilder {
 public:
  bool Null() { return Add(Value()); }
  bool Bool(bool b) { return Add(Value::Bool(b)); }
  bool Int(int i) { return Add(Value::Int(i)); }
  bool Uint(unsigned u) { return Add(Value::Int(u)); }
  bool Int64(int64_t i) { return Add(Value::Int(i)); }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return Add(Value::Double(static_cast<double>(u)));
    return Add(Value::Int(static_cast<int64_t>(u)));
  }
  bool Double(double d) {
    // A literal past the double range reads as an infinity, which JSON cannot hold (it would
    // print as null): too big, as RapidJSON says without kParseFullPrecisionFlag.
    if (!std::isfinite(d)) {
      limit_ = absl::InvalidArgumentError("number too big to be stored in a double");
      return false;
    }
    return Add(Value::Double(d));
  }
  // Every number arrives as its text (kParseNumbersAsStringsFlag): RapidJSON 1.1.0's own
  // full-precision conversion reads out of bounds on some inputs (see the top of this file).
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view text(s, n);
    if (text.find_first_of(".eE") == std::string_view::npos) {
      int64_t i = 0;
      const auto [end, ec] = std::from_chars(s, s + n, i);
      if (ec == std::errc() && end == s + n) return Add(Value::Int(i));
    }
    // strtod is correctly rounded (glibc) and gives 0 or a subnormal on underflow; the text is
    // at most kMaxNumberChars, checked before parsing, and the locale is never changed.
    const std::string copy(text);
    return Double(std::strtod(copy.c_str(), nullptr));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (n > Value::kMaxStringBytes) return RejectString(n);
    if (!IsValidUtf8(std::string_view(s, n))) return RejectSurrogate();
    return Add(Value::String(std::string(s, n)));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (n > Value::kMaxStringBytes) return RejectString(n);
    if (!IsValidUtf8(std::string_view(s, n))) return RejectSurrogate();
    frames_.back().key.assign(s, n);
    return true;
  }
  bool StartObject() { return Push(true); }
  bool EndObject(rapidjson::SizeType) {
    Frame frame = Pop();
    return Add(Value::MakeObject(Object(std::move(frame.entries))));
  }
  bool StartArray() { return Push(false); }
  bool EndArray(rapidjson::SizeType) {
    Frame frame = Pop();
    return Add(Value::MakeList(std::move(frame.items)));
  }

  bool too_deep() const { return too_deep_; }
  // Not OK when the input went past a limit other than depth (Value::CheckLimits).
  const absl::Status& limit() const { return limit_; }
  Value TakeResult() { return std::move(result_); }

 private:
  struct Frame {
    bool is_object;
    std::string key;  // the pending key of an object
    List items;
    std::vector<Object::Entry> entries;
  };

  bool Push(bool is_object) {
    if (frames_.size() >= static_cast<size_t>(Value::kMaxDepth)) {
      too_deep_ = true;
      return false;
    }
    frames_.push_back(Frame{is_object, {}, {}, {}});
    return true;
  }
  Frame Pop() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    return frame;
  }
  // A string too long for the limits, reported with its real length.
  bool RejectString(size_t length) {
    limit_ = absl::ResourceExhaustedError(absl::StrCat("string of ", length,
                                                       " bytes is longer than the limit of ",
                                                       Value::kMaxStringBytes));
    return false;
  }
  // A string whose \u escapes do not make valid UTF-8 (a lone low surrogate).
  bool RejectSurrogate() {
    limit_ = absl::InvalidArgumentError("a \\u escape encodes a lone surrogate");
    return false;
  }
  bool Add(Value v) {
    // Containers are checked once complete (O(1) each); a list or object still being read is
    // checked as it grows, so that its width cannot outrun the limit.
    if (absl::Status s = v.CheckLimits(); !s.ok()) {
      limit_ = std::move(s);
      return false;
    }
    if (!frames_.empty()) {
      const Frame& top = frames_.back();
      if ((top.is_object && top.entries.size() >= Value::kMaxObjectEntries) ||
          (!top.is_object && top.items.size() >= Value::kMaxListItems)) {
        limit_ = absl::ResourceExhaustedError(absl::StrCat(
            top.is_object ? "object has more entries than the limit of "
                          : "list has more items than the limit of ",
            top.is_object ? Value::kMaxObjectEntries : Value::kMaxListItems));
        return false;
      }
    }
    if (frames_.empty()) {
      result_ = std::move(v);
    } else if (Frame& top = frames_.back(); top.is_object) {
      top.entries.emplace_back(std::move(top.key), std::move(v));
    } else {
      top.items.push_back(std::move(v));
    }
    return true;
  }

  std::vector<Frame> frames_;
  Value result_;
  bool too_deep_ = false;
  absl::Status limit_;
};

// ---------------------------------------------------------------------------------------------
// Printing

void AppendDouble(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  // Shortest round-trip digits in scientific form: "-d.ddde+XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;  // the significant digits without the point
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());  // value = 0.digits * 10^(exp+1)
  if (negative) out += '-';
  if (exp >= -6 && exp < 21) {
    int point = exp + 1;  // digits before the decimal point
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(point) - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<size_t>(point));
      out += '.';
      out.append(digits, static_cast<size_t>(point));
    }
    return;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1);
  }
  absl::StrAppend(&out, "e", exp);
}

// The length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;  // overlong
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      // Copy the run of plain ASCII in one go.
      size_t j = i + 1;
      while (j < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        ++j;
      }
      out.append(s, i, j - i);
      i = j;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      default: break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  out += '"';
}

// indent < 0: compact; otherwise the number of spaces per level. Iterative (containers being
// written wait on an explicit stack), so depth costs heap, not C++ stack. Returns false as soon
// as `out` passes max_bytes; `out` then holds a cut-off prefix.
bool AppendJson(const Value& root, int indent, size_t max_bytes, std::string& out) {
  struct Frame {
    const Value* container;
    size_t next;  // the index of the next item or entry to write
  };
  absl::InlinedVector<Frame, 16> open;  // no allocation for the usual shallow values
  auto newline = [&](size_t level) {
    out += '\n';
    out.append(static_cast<size_t>(indent) * level, ' ');
  };
  // Writes a scalar whole, or the opening bracket of a container (pushed when not empty).
  auto start = [&](const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNull: out += "null"; return;
      case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::kInt: absl::StrAppend(&out, v.as_int()); return;
      case Value::Kind::kDouble: AppendDouble(v.as_double(), out); return;
      case Value::Kind::kString: AppendString(v.as_string(), out); return;
      case Value::Kind::kList:
        if (v.as_list().empty()) {
          out += "[]";
        } else {
          out += '[';
          open.push_back(Frame{&v, 0});
        }
        return;
      case Value::Kind::kObject:
        if (v.as_object().empty()) {
          out += "{}";
        } else {
          out += '{';
          open.push_back(Frame{&v, 0});
        }
        return;
    }
  };
  start(root);
  while (!open.empty()) {
    if (out.size() > max_bytes) return false;
    Frame& top = open.back();
    const size_t level = open.size();  // of the items inside `top`
    const bool is_list = top.container->is_list();
    const size_t count =
        is_list ? top.container->as_list().size() : top.container->as_object().size();
    if (top.next == count) {
      if (indent >= 0) newline(level - 1);
      out += is_list ? ']' : '}';
      open.pop_back();
      continue;
    }
    if (top.next > 0) out += ',';
    if (indent >= 0) newline(level);
    const size_t i = top.next++;
    if (is_list) {
      start(top.container->as_list()[i]);  // may push: `top` is not used after this
    } else {
      const auto& [key, value] = top.container->as_object().entries()[i];
      AppendString(key, out);
      out += indent >= 0 ? ": " : ":";
      start(value);
    }
  }
  return out.size() <= max_bytes;
}


// A number token longer than this is refused (see the top of this file). 64 characters hold
// any int64, any double's shortest text, and a long decimal written out in full.
constexpr size_t kMaxNumberChars = 64;

// The offset of the first number token outside strings longer than kMaxNumberChars, if any.
// Malformed text is left to the parser: this only measures runs of number characters.
std::optional<size_t> FindOverlongNumber(std::string_view json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = i;
      while (end < json.size() && (std::strchr("0123456789.eE+-", json[end]) != nullptr) &&
             json[end] != '\0') {
        ++end;
      }
      if (end - i > kMaxNumberChars) return i;
      i = end - 1;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<Value> Value::FromJson(std::string_view json) {
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag;
  // RapidJSON's streams read a NUL byte as the end of input, which would accept "1\0junk".
  // A NUL is never valid in JSON text (raw control characters are not allowed in strings).
  if (size_t nul = json.find('\0'); nul != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at offset ", nul, ": unexpected NUL byte"));
  }
  if (std::optional<size_t> at = FindOverlongNumber(json)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", *at,
                                                   ": a number longer than ", kMaxNumberChars,
                                                   " characters"));
  }
  rapidjson::MemoryStream stream(json.data(), json.size());
  rapidjson::Reader reader;
  ValueBuilder builder;
  rapidjson::ParseResult result;
  try {
    result = reader.Parse<kFlags>(stream, builder);
  } catch (const RapidJsonAssertion&) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON at offset ", stream.Tell(), ": a number RapidJSON cannot convert"));
  }
  if (builder.too_deep()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", result.Offset(),
                                                   ": nesting deeper than ", kMaxDepth,
                                                   " levels"));
  }
  if (!builder.limit().ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", result.Offset(),
                                                   ": ", builder.limit().message()));
  }
  if (result.IsError()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", result.Offset(),
                                                   ": ", rapidjson::GetParseError_En(result.Code())));
  }
  return builder.TakeResult();
}

std::string Value::ToJson() const {
  std::string out;
  AppendJson(*this, -1, SIZE_MAX, out);
  return out;
}

std::string Value::ToPrettyJson() const {
  std::string out;
  AppendJson(*this, 2, SIZE_MAX, out);
  return out;
}

std::optional<std::string> Value::ToJsonBounded(int indent, size_t max_bytes) const {
  std::string out;
  if (!AppendJson(*this, indent, max_bytes, out)) return std::nullopt;
  return out;
}

std::string Value::ToDisplayString() const {
  if (is_string()) return as_string();
  return ToJson();
}

}  // namespace weft
