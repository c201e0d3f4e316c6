// See migration_json.h. Reading is strict about types: a field that is present with the wrong
// type is an InvalidArgument naming it; an absent one keeps its default.
#include "server/migration_json.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace weft::server {
namespace {

Value Strings(const std::vector<std::string>& items) {
  List out;
  for (const std::string& s : items) out.push_back(Value::String(s));
  return Value::MakeList(std::move(out));
}

Value Position(uint32_t line, uint32_t column) {
  Object o;
  o.Set("line", Value::Int(line));
  o.Set("column", Value::Int(column));
  return Value::MakeObject(std::move(o));
}

// Reads the fields of one JSON object; the first field of a wrong type sets `status`.
class Reader {
 public:
  Reader(const Value& json, std::string_view what) {
    if (json.is_object()) {
      object_ = &json.as_object();
    } else {
      status_ = absl::InvalidArgumentError(absl::StrCat("a ", std::string(what), " is a JSON object"));
    }
  }
  void Read(std::string_view key, std::string& out) {
    if (const Value* v = Find(key); v != nullptr) {
      v->is_string() ? void(out = v->as_string()) : Wrong(key, "a string");
    }
  }
  void Read(std::string_view key, bool& out) {
    if (const Value* v = Find(key); v != nullptr) {
      v->is_bool() ? void(out = v->as_bool()) : Wrong(key, "a boolean");
    }
  }
  template <typename Int>
  void Read(std::string_view key, Int& out) {
    if (const Value* v = Find(key); v != nullptr) {
      v->is_int() && v->as_int() >= 0 ? void(out = static_cast<Int>(v->as_int()))
                                      : Wrong(key, "a non-negative integer");
    }
  }
  void Read(std::string_view key, std::vector<std::string>& out) {
    Each(key, [&](const Value& v) {
      v.is_string() ? out.push_back(v.as_string()) : Wrong(key, "a list of strings");
    });
  }
  // An object {"line","column"}; absent or null leaves both 0.
  void ReadPosition(std::string_view key, uint32_t& line, uint32_t& column) {
    const Value* v = Find(key);
    if (v == nullptr || v->is_null()) return;
    Reader r(*v, key);
    r.Read("line", line);
    r.Read("column", column);
    Take(r.status());
  }
  // Calls `fn` on each item of the list `key`.
  template <typename Fn>
  void Each(std::string_view key, Fn fn) {
    const Value* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_list()) return Wrong(key, "a list");
    for (const Value& item : v->as_list()) fn(item);
  }
  void Take(const absl::Status& s) {
    if (status_.ok()) status_ = s;
  }
  const absl::Status& status() const { return status_; }

 private:
  const Value* Find(std::string_view key) const { return object_ == nullptr ? nullptr : object_->Find(key); }
  void Wrong(std::string_view key, std::string_view type) {
    Take(absl::InvalidArgumentError(absl::StrCat("`", std::string(key), "` must be ", std::string(type))));
  }
  const Object* object_ = nullptr;
  absl::Status status_;
};

Value VariableToJson(const MigrationVariable& v) {
  Object o;
  o.Set("name", Value::String(v.name));
  o.Set("how", Value::String(v.how));
  if (v.how == "carry") o.Set("oldSlot", Value::Int(v.old_slot));
  if (v.how != "drop") o.Set("newSlot", Value::Int(v.new_slot));
  if (v.how == "compute") o.Set("value", Value::String(v.value));
  return Value::MakeObject(std::move(o));
}

Value MigrationDiagnosticToJson(const MigrationDiagnostic& d) {
  Object o;
  o.Set("code", Value::String(d.code));
  o.Set("message", Value::String(d.message));
  o.Set("old", d.old_line == 0 ? Value() : Position(d.old_line, d.old_column));
  o.Set("new", d.new_line == 0 ? Value() : Position(d.new_line, d.new_column));
  o.Set("note", Value::String(d.note));
  o.Set("hints", Strings(d.hints));
  return Value::MakeObject(std::move(o));
}

Value PointToJson(const MigrationPoint& p) {
  Object o;
  o.Set("kind", Value::String(p.kind));
  o.Set("key", Value::String(p.key));
  if (!p.name.empty()) o.Set("name", Value::String(p.name));
  if (!p.label.empty()) o.Set("label", Value::String(p.label));
  o.Set("path", Value::String(p.path));
  o.Set("old", Position(p.old_line, p.old_column));
  o.Set("new", p.has_counterpart ? Position(p.new_line, p.new_column) : Value());
  o.Set("mappable", Value::Bool(p.mappable));
  List variables, diagnostics;
  for (const MigrationVariable& v : p.variables) variables.push_back(VariableToJson(v));
  for (const MigrationDiagnostic& d : p.diagnostics) diagnostics.push_back(MigrationDiagnosticToJson(d));
  o.Set("variables", Value::MakeList(std::move(variables)));
  o.Set("diagnostics", Value::MakeList(std::move(diagnostics)));
  return Value::MakeObject(std::move(o));
}

Value VersionToJson(const MigrationVersionCheck& v) {
  Object o;
  o.Set("workflow", Value::String(v.workflow));
  o.Set("version", Value::Int(v.version));
  o.Set("running", Value::Int(static_cast<int64_t>(v.running)));
  if (!v.error.empty()) o.Set("error", Value::String(v.error));
  o.Set("newPoints", Value::Int(v.new_points));
  o.Set("mappable", Value::Bool(v.mappable));
  List points;
  for (const MigrationPoint& p : v.points) points.push_back(PointToJson(p));
  o.Set("points", Value::MakeList(std::move(points)));
  o.Set("text", Value::String(v.text));
  return Value::MakeObject(std::move(o));
}

MigrationPoint PointFromJson(const Value& json, Reader& parent) {
  MigrationPoint p;
  Reader r(json, "point");
  for (auto [key, out] : {std::pair{"kind", &p.kind}, std::pair{"key", &p.key}, std::pair{"name", &p.name},
                          std::pair{"label", &p.label}, std::pair{"path", &p.path}}) {
    r.Read(key, *out);
  }
  r.ReadPosition("old", p.old_line, p.old_column);
  r.ReadPosition("new", p.new_line, p.new_column);
  p.has_counterpart = p.new_line != 0;
  r.Read("mappable", p.mappable);
  r.Each("variables", [&](const Value& item) {
    MigrationVariable v;
    Reader vr(item, "variable");
    vr.Read("name", v.name);
    vr.Read("how", v.how);
    vr.Read("oldSlot", v.old_slot);
    vr.Read("newSlot", v.new_slot);
    vr.Read("value", v.value);
    r.Take(vr.status());
    p.variables.push_back(std::move(v));
  });
  r.Each("diagnostics", [&](const Value& item) {
    MigrationDiagnostic d;
    Reader dr(item, "diagnostic");
    dr.Read("code", d.code);
    dr.Read("message", d.message);
    dr.ReadPosition("old", d.old_line, d.old_column);
    dr.ReadPosition("new", d.new_line, d.new_column);
    dr.Read("note", d.note);
    dr.Read("hints", d.hints);
    r.Take(dr.status());
    p.diagnostics.push_back(std::move(d));
  });
  parent.Take(r.status());
  return p;
}

MigrationVersionCheck VersionFromJson(const Value& json, Reader& parent) {
  MigrationVersionCheck v;
  Reader r(json, "version check");
  r.Read("workflow", v.workflow);
  r.Read("version", v.version);
  r.Read("running", v.running);
  r.Read("error", v.error);
  r.Read("newPoints", v.new_points);
  r.Read("mappable", v.mappable);
  r.Each("points", [&](const Value& item) { v.points.push_back(PointFromJson(item, r)); });
  r.Read("text", v.text);
  parent.Take(r.status());
  return v;
}

}  // namespace

Value DiagnosticToJson(const SourceDiagnostic& d, std::optional<DiagnosticEnd> end) {
  Object o;
  o.Set("code", Value::String(d.code));
  o.Set("severity", Value::String(d.severity));
  o.Set("line", Value::Int(d.line));
  o.Set("column", Value::Int(d.column));
  if (end) {
    o.Set("endLine", Value::Int(end->line));
    o.Set("endColumn", Value::Int(end->column));
  }
  o.Set("message", Value::String(d.message));
  o.Set("hints", Strings(d.hints));
  return Value::MakeObject(std::move(o));
}

Value MigrationResultToJson(const MigrationResult& result) {
  Object o;
  o.Set("executionId", Value::String(result.execution_id));
  o.Set("workflow", Value::String(result.workflow));
  o.Set("fromVersion", Value::Int(result.from_version));
  o.Set("toVersion", Value::Int(result.to_version));
  o.Set("moved", Value::Bool(result.moved));
  if (!result.moved) o.Set("reason", Value::String(result.reason));
  o.Set("points", Strings(result.points));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<MigrationResult> MigrationResultFromJson(const Value& json) {
  MigrationResult result;
  Reader r(json, "migration result");
  r.Read("executionId", result.execution_id);
  r.Read("workflow", result.workflow);
  r.Read("fromVersion", result.from_version);
  r.Read("toVersion", result.to_version);
  r.Read("moved", result.moved);
  r.Read("reason", result.reason);
  r.Read("points", result.points);
  if (!r.status().ok()) return r.status();
  return result;
}

absl::StatusOr<std::vector<MigrationResult>> MigrationResultsFromJson(const Value& json) {
  if (!json.is_list()) return absl::InvalidArgumentError("migration results are a JSON list");
  std::vector<MigrationResult> out;
  for (const Value& item : json.as_list()) {
    absl::StatusOr<MigrationResult> r = MigrationResultFromJson(item);
    if (!r.ok()) return r.status();
    out.push_back(*std::move(r));
  }
  return out;
}

Value MigrationCheckToJson(const MigrationCheck& check) {
  Object o;
  o.Set("file", Value::String(check.file));
  o.Set("compiles", Value::Bool(check.compiles()));
  o.Set("mappable", Value::Bool(check.all_mappable()));
  List diagnostics, versions;
  for (const SourceDiagnostic& d : check.compile_errors) {
    diagnostics.push_back(DiagnosticToJson(d));
  }
  o.Set("diagnostics", Value::MakeList(std::move(diagnostics)));
  if (!check.compiles()) o.Set("diagnosticsText", Value::String(check.compile_text));
  for (const MigrationVersionCheck& v : check.versions) versions.push_back(VersionToJson(v));
  o.Set("versions", Value::MakeList(std::move(versions)));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<MigrationCheck> MigrationCheckFromJson(const Value& json) {
  MigrationCheck check;
  Reader r(json, "migration check");
  r.Read("file", check.file);
  r.Each("diagnostics", [&](const Value& item) {
    SourceDiagnostic d;
    Reader dr(item, "diagnostic");
    dr.Read("code", d.code);
    dr.Read("severity", d.severity);
    dr.Read("line", d.line);
    dr.Read("column", d.column);
    dr.Read("message", d.message);
    dr.Read("hints", d.hints);
    r.Take(dr.status());
    check.compile_errors.push_back(std::move(d));
  });
  r.Read("diagnosticsText", check.compile_text);
  r.Each("versions", [&](const Value& item) { check.versions.push_back(VersionFromJson(item, r)); });
  if (!r.status().ok()) return r.status();
  return check;
}

}  // namespace weft::server
