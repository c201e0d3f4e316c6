// Conductor wiring to Weft expressions (wiring.h).
#include "conductor/wiring.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conductor/wf_text.h"
#include "common/rapidjson.h"

namespace weft::conductor {
namespace {

std::string NumberText(const rapidjson::Value& v) {
  if (v.IsInt64()) return absl::StrCat(v.GetInt64());
  if (v.IsUint64()) return absl::StrCat(v.GetUint64());  // past int64: the compiler says so
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  std::string s = buf.GetString();
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

// Splits `head.rest` at the first `.` or `[`.
std::pair<absl::string_view, absl::string_view> Head(absl::string_view path) {
  size_t end = path.find_first_of(".[");
  if (end == absl::string_view::npos) return {path, {}};
  absl::string_view rest = path.substr(end);
  if (rest[0] == '.') rest.remove_prefix(1);
  return {path.substr(0, end), rest};
}

}  // namespace

absl::StatusOr<std::string> Wiring::Steps(absl::string_view tail) {
  std::string out;
  size_t i = 0;
  while (i < tail.size()) {
    if (tail[i] == '.') {
      ++i;
      continue;
    }
    if (tail[i] == '[') {
      size_t close = tail.find(']', i);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unclosed `[` in `", tail, "`"));
      }
      absl::string_view inside = tail.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside[0] == '\'' || inside[0] == '"') &&
          inside.back() == inside[0]) {
        out += FieldStep(inside.substr(1, inside.size() - 2));
      } else if (!inside.empty() &&
                 inside.find_first_not_of("0123456789") == absl::string_view::npos) {
        absl::StrAppend(&out, "?.[", inside, "]");
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("JSONPath `[", inside, "]` has no Weft equivalent; only `[N]` and ['key']"));
      }
      i = close + 1;
      continue;
    }
    size_t end = tail.find_first_of(".[", i);
    if (end == absl::string_view::npos) end = tail.size();
    absl::string_view key = tail.substr(i, end - i);
    if (key == "*") {
      return absl::InvalidArgumentError("JSONPath wildcard `*` has no Weft equivalent");
    }
    out += FieldStep(key);
    i = end;
  }
  return out;
}

std::string Wiring::InputObject() const {
  std::vector<std::string> entries;
  for (const auto& [key, param] : names_.inputs) entries.push_back(absl::StrCat(ObjectKey(key), ": ", param));
  return absl::StrCat("{", absl::StrJoin(entries, ", "), "}");
}

std::string Wiring::VariablesObject() const {
  std::vector<std::string> entries;
  for (const auto& [key, var] : names_.variables) entries.push_back(absl::StrCat(ObjectKey(key), ": ", var));
  return absl::StrCat("{", absl::StrJoin(entries, ", "), "}");
}

absl::StatusOr<std::string> Wiring::Reference(absl::string_view path) const {
  auto [root, rest] = Head(path);
  if (root == "workflow") {
    auto [what, tail] = Head(rest);
    if (what == "input" || what == "variables") {
      const auto& table = what == "input" ? names_.inputs : names_.variables;
      if (tail.empty()) return what == "input" ? InputObject() : VariablesObject();
      auto [key, more] = Head(tail);
      for (const auto& [name, weft] : table) {
        if (name == key) {
          absl::StatusOr<std::string> steps = Steps(more);
          if (!steps.ok()) return steps.status();
          return weft + *steps;
        }
      }
      return std::string("null");  // never set: null, as in Conductor
    }
    if (what == "workflowType" || what == "name") return Quote(names_.workflow_name);
    if (what == "version") return absl::StrCat(names_.workflow_version);
    return absl::InvalidArgumentError(
        absl::StrCat("`${workflow.", what, "}` has no Weft equivalent; only workflow.input, "
                     "workflow.variables, workflow.workflowType and workflow.version"));
  }
  auto task = names_.task_outputs.find(std::string(root));
  if (task == names_.task_outputs.end()) return std::string("null");  // no such task: null
  auto [what, tail] = Head(rest);
  if (what != "output") {
    return absl::InvalidArgumentError(
        absl::StrCat("`${", path, "}`: only a task's `output` can be referenced, not `", what, "`"));
  }
  absl::StatusOr<std::string> steps = Steps(tail);
  if (!steps.ok()) return steps.status();
  return task->second + *steps;
}

absl::StatusOr<std::string> Wiring::String(absl::string_view s) const {
  // A string that is exactly one reference keeps the referenced value's type.
  if (s.size() > 3 && s.substr(0, 2) == "${" && s.back() == '}' &&
      s.find("${", 2) == absl::string_view::npos && s.find('}') == s.size() - 1) {
    return Reference(s.substr(2, s.size() - 3));
  }
  if (s.find("${") == absl::string_view::npos) return Quote(s);
  // Text around references: an interpolated string.
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("${", i);
    bool escaped = open != absl::string_view::npos && open > 0 && s[open - 1] == '$';
    absl::string_view text = s.substr(i, open == absl::string_view::npos ? s.size() - i : open - i);
    if (escaped) text.remove_suffix(1);  // `$${x}` is Conductor's escape for a literal `${x}`
    std::string quoted = Quote(text);
    out += quoted.substr(1, quoted.size() - 2);
    if (open == absl::string_view::npos) break;
    size_t close = s.find('}', open);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unclosed `${` in \"", s, "\""));
    }
    if (escaped) {
      std::string lit = Quote(s.substr(open, close + 1 - open));
      out += lit.substr(1, lit.size() - 2);
    } else {
      absl::StatusOr<std::string> ref = Reference(s.substr(open + 2, close - open - 2));
      if (!ref.ok()) return ref.status();
      absl::StrAppend(&out, "${", *ref, "}");
    }
    i = close + 1;
  }
  return out + "\"";
}

absl::StatusOr<std::string> Wiring::Value(const rapidjson::Value& v) const {
  if (v.IsNull()) return std::string("null");
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsNumber()) return NumberText(v);
  if (v.IsString()) return String(absl::string_view(v.GetString(), v.GetStringLength()));
  std::vector<std::string> items;
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      absl::StatusOr<std::string> e = Value(item);
      if (!e.ok()) return e.status();
      items.push_back(*std::move(e));
    }
    return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
  }
  for (const auto& m : v.GetObject()) {
    absl::StatusOr<std::string> e = Value(m.value);
    if (!e.ok()) return e.status();
    items.push_back(absl::StrCat(ObjectKey(absl::string_view(m.name.GetString(), m.name.GetStringLength())),
                                 ": ", *e));
  }
  return absl::StrCat("{", absl::StrJoin(items, ", "), "}");
}

}  // namespace weft::conductor
