// Computing the state map: match each old point to its counterpart by identity
// (kind, key, loop/parallel path, occurrence), check that the parallel blocks
// around it kept their shape, then decide where each variable of the new frame
// gets its value (docs/migration.md).
#include "compiler/migrate/state_map.h"

#include <set>

#include "common/check.h"
#include "compiler/compiler.h"

namespace weft::migrate {
namespace {

using diag::DiagnosticKind;

std::string Describe(const Point &p) {
  std::string text = std::string(PointKindName(p.kind));
  if (p.kind == PointKind::kJoin) return "join of `" + p.key + "`";
  if (!p.name.empty()) text += " `" + p.name + "`";
  if (!p.label.empty()) text += " as \"" + p.label + "\"";
  return text;
}

std::string Where(const Point &p) {
  return p.path.empty() ? "at top level" : "in `" + p.PathText() + "`";
}

std::string Line(const diag::SourceRange &r) { return "line " + std::to_string(r.line); }

Problem MakeProblem(DiagnosticKind kind, diag::SourceRange range, std::string message, bool in_old,
                    diag::SourceRange note_range, std::string note, std::string hint) {
  Problem p;
  p.diagnostic = diag::Diagnostic{kind, range, std::move(message), {std::move(hint)}};
  p.in_old = in_old;
  p.note_range = note_range;
  p.note = std::move(note);
  return p;
}

const ast::WorkflowDecl *FindWorkflow(const ast::Module &m, std::string_view name) {
  for (const ast::WorkflowDecl &w : m.workflows) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

const ast::MigrateEntry *FindEntry(const ast::MigrateDecl *section, const std::string &name) {
  if (section == nullptr) return nullptr;
  for (const ast::MigrateEntry &e : section->entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string LiveNames(const Point &p) {
  std::string text;
  for (const Variable &v : p.live) text += (text.empty() ? "`" : ", `") + v.name + "`";
  return text.empty() ? "none" : text;
}

class Mapper {
 public:
  Mapper(const ast::WorkflowDecl &new_decl, const ast::MigrateDecl *section,
         const std::vector<Point> &new_points)
      : new_decl_(new_decl), section_(section), new_points_(new_points) {}

  PointMap Map(const Point &old) {
    PointMap m;
    m.old_point = old;
    const Point *q = FindExact(old);
    if (q == nullptr) {
      m.problems.push_back(NoCounterpart(old));
      return m;
    }
    m.new_point = *q;
    if (std::optional<Problem> shape = ShapeProblem(old, *q)) {
      m.problems.push_back(std::move(*shape));
      return m;
    }
    MapVariables(old, *q, m);
    return m;
  }

 private:
  const Point *FindExact(const Point &old) const {
    for (const Point &q : new_points_) {
      if (q.kind == old.kind && q.key == old.key && q.occurrence == old.occurrence &&
          q.PathText() == old.PathText()) {
        return &q;
      }
    }
    return nullptr;
  }

  Problem NoCounterpart(const Point &old) const {
    for (const Point &q : new_points_) {
      if (q.kind != old.kind || q.key != old.key) continue;
      return MakeProblem(DiagnosticKind::kMigrateNestingDiffers, q.range,
                         "the old " + Describe(old) + " waits " + Where(old) +
                             "; in the new version it is " + Where(q),
                         false, old.range, "the old point, " + Where(old),
                         "an execution moves only to a point with the same loops and parallel "
                         "blocks "
                         "around it; let such executions finish on the old version");
    }
    std::string hint;
    if (old.kind == PointKind::kTask || old.kind == PointKind::kChild) {
      hint = "if a call of the new version continues this one, label it `as \"" + old.key +
             "\"`; otherwise executions waiting here stay on the old version";
    } else if (old.kind == PointKind::kSignal) {
      hint =
          "executions waiting for this signal stay on the old version; keep "
          "`await signal(\"" +
          old.key + "\")` " + Where(old) + " to let them move";
    } else {
      hint = "executions waiting here stay on the old version";
    }
    return MakeProblem(
        DiagnosticKind::kMigrateNoCounterpart, old.range,
        "the old " + Describe(old) + " " + Where(old) + " has no counterpart in the new version",
        true, new_decl_.name_range, "the new version of `" + new_decl_.name + "`", hint);
  }

  // Every parallel block around the point (and a parallel block's own join)
  // must have as many branches in both versions: the running fibers are carried
  // one to one.
  std::optional<Problem> ShapeProblem(const Point &old, const Point &q) const {
    auto differ = [&](uint32_t a, uint32_t b, diag::SourceRange old_range,
                      diag::SourceRange new_range) {
      return MakeProblem(DiagnosticKind::kMigrateNestingDiffers, new_range,
                         "this parallel block has " + std::to_string(b) +
                             " branches; the old one has " + std::to_string(a),
                         false, old_range,
                         "the old parallel block, around the old " + Describe(old),
                         "running branches move one to one, so the shape must stay; add new "
                         "work in a separate parallel block, or let such executions finish "
                         "on the old version");
    };
    for (size_t i = 0; i < old.path.size() && i < q.path.size(); ++i) {
      if (old.path[i].branches != q.path[i].branches) {
        return differ(old.path[i].branches, q.path[i].branches, old.path[i].range, q.path[i].range);
      }
    }
    if (old.branches != q.branches) return differ(old.branches, q.branches, old.range, q.range);
    return std::nullopt;
  }

  void MapVariables(const Point &old, const Point &q, PointMap &m) const {
    std::set<std::string> taken;
    for (const Variable &v : q.live) {
      const bool needed = q.ReadAfter(v.name);
      const ast::MigrateEntry *entry = FindEntry(section_, v.name);
      const Variable *ov = old.FindLive(v.name);
      if (entry != nullptr) {
        if (!needed && ov == nullptr) continue;
        if (std::optional<Problem> p = Unavailable(old, q, *entry)) {
          m.problems.push_back(std::move(*p));
          continue;
        }
        m.moves.push_back({VarMove::How::kCompute, v.name, 0, v.slot, entry});
      } else if (ov != nullptr) {
        if (!ov->type_name.empty() && !v.type_name.empty() && ov->type_name != v.type_name) {
          if (needed) m.problems.push_back(TypeChanged(old, q, *ov, v));
          continue;
        }
        m.moves.push_back({VarMove::How::kCarry, v.name, ov->slot, v.slot, nullptr});
        taken.insert(v.name);
      } else if (needed && v.param && v.has_default) {
        m.moves.push_back({VarMove::How::kDefault, v.name, 0, v.slot, nullptr});
      } else if (needed) {
        m.problems.push_back(Unset(old, q, v));
      }
    }
    for (const Variable &ov : old.live) {
      if (taken.count(ov.name) == 0) m.dropped.push_back(ov.name);
    }
    MapHidden(old, q, m);
  }

  // The loops around both points are the same (their paths are): each one's
  // hidden state carries, so the iteration goes on over the list the old
  // version already evaluated.
  static void MapHidden(const Point &old, const Point &q, PointMap &m) {
    for (const HiddenSlot &h : q.hidden) {
      const HiddenSlot *from = nullptr;
      for (const HiddenSlot &o : old.hidden) {
        if (o.owner == h.owner && o.role == h.role) from = &o;
      }
      WEFT_CHECK_MSG(from != nullptr, "points with the same path have different loop state");
      m.moves.push_back(
          {VarMove::How::kCarry, h.owner + " " + h.role, from->slot, h.slot, nullptr, true});
    }
  }

  std::optional<Problem> Unavailable(const Point &old, const Point &q,
                                     const ast::MigrateEntry &entry) const {
    std::vector<const ast::Expr *> names;
    FreeNames(entry.value.get(), names);
    for (const ast::Expr *name : names) {
      if (old.FindLive(name->name) != nullptr) continue;
      return MakeProblem(DiagnosticKind::kMigrateValueUnavailable, name->range,
                         "the migrate value of `" + entry.name + "` reads `" + name->name +
                             "`, which the old frame has no value for at the old " + Describe(old) +
                             " (" + Line(old.range) + ")",
                         false, old.range, "the old point; the new one is at " + Line(q.range),
                         "the old frame there holds " + LiveNames(old));
    }
    return std::nullopt;
  }

  Problem TypeChanged(const Point &old, const Point &q, const Variable &ov,
                      const Variable &v) const {
    return MakeProblem(DiagnosticKind::kMigrateTypeChanged, v.decl,
                       "`" + v.name + "` is declared `" + v.type_name + "` here but `" +
                           ov.type_name + "` in the old version, which carries it to the new " +
                           Describe(q) + " (" + Line(q.range) + ")",
                       false, ov.decl, "the old declaration",
                       "convert it in the migrate section: `migrate " + new_decl_.name + " { " +
                           v.name + " = ... }`");
  }

  Problem Unset(const Point &old, const Point &q, const Variable &v) const {
    std::string gone;  // old variables the new frame has no name for: renamed, maybe
    for (const Variable &ov : old.live) {
      if (q.FindLive(ov.name) == nullptr) gone += (gone.empty() ? "`" : ", `") + ov.name + "`";
    }
    std::string hint = "give it a value: `migrate " + new_decl_.name + " { " + v.name + " = ... }`";
    if (!gone.empty())
      hint += "; the old frame here also holds " + gone + ", unused by this version";
    return MakeProblem(
        DiagnosticKind::kMigrateUnsetVariable, q.range,
        "`" + v.name + "` is assigned before this " + Describe(q) + " (" + Line(v.decl) +
            ") and read after it, but the old frame has no value "
            "for it",
        false, old.range, "the old version waits here without `" + v.name + "`", hint);
  }

  const ast::WorkflowDecl &new_decl_;
  const ast::MigrateDecl *section_;
  const std::vector<Point> &new_points_;
};

// Compiles `v`; on errors returns a one-line reason.
std::string CompileVersion(const VersionSource &v, std::unique_ptr<ast::Module> &module) {
  compiler::CompileOutput out = compiler::Compile(v.path, v.source);
  module = std::move(out.module);
  if (out.ok()) return "";
  return v.path + " does not compile (" + std::to_string(out.diagnostics.error_count()) +
         " errors); run `weft check` on it";
}

}  // namespace

// The names a migrate value reads (the old frame's variables), with where each
// is read.
void FreeNames(const ast::Expr *e, std::vector<const ast::Expr *> &out) {
  if (e == nullptr) return;
  if (e->kind == ast::ExprKind::kName) out.push_back(e);
  for (const ast::Expr *child :
       {e->lhs.get(), e->rhs.get(), e->object.get(), e->index.get(), e->subject.get()}) {
    FreeNames(child, out);
  }
  for (const ast::ExprPtr &item : e->items) FreeNames(item.get(), out);
  for (const ast::ObjectEntry &entry : e->entries) FreeNames(entry.value.get(), out);
  for (const ast::Argument &arg : e->args) FreeNames(arg.value.get(), out);
  for (const ast::StringPart &part : e->parts) FreeNames(part.expr.get(), out);
  for (const ast::SwitchArm &arm : e->arms) FreeNames(arm.value.get(), out);
}

bool StateMap::all_mappable() const { return error.empty() && unmappable_count() == 0; }

size_t StateMap::unmappable_count() const {
  size_t n = 0;
  for (const PointMap &p : points) n += p.mappable() ? 0 : 1;
  return n;
}

StateMap ComputeStateMap(std::string_view workflow, VersionSource old_version,
                         VersionSource new_version, MapInputs &inputs) {
  StateMap map;
  map.workflow = std::string(workflow);
  inputs.old_version = std::move(old_version);
  inputs.new_version = std::move(new_version);
  map.error = CompileVersion(inputs.old_version, inputs.old_module);
  if (map.error.empty()) map.error = CompileVersion(inputs.new_version, inputs.new_module);
  if (!map.error.empty()) return map;
  const ast::WorkflowDecl *old_decl = FindWorkflow(*inputs.old_module, workflow);
  const ast::WorkflowDecl *new_decl = FindWorkflow(*inputs.new_module, workflow);
  if (old_decl == nullptr || new_decl == nullptr) {
    map.error = (old_decl == nullptr ? inputs.old_version.path : inputs.new_version.path) +
                " has no workflow `" + map.workflow + "`";
    return map;
  }
  const ast::MigrateDecl *section = nullptr;
  for (const ast::MigrateDecl &d : inputs.new_module->migrations) {
    if (d.workflow == workflow) section = &d;
  }
  map.new_points = CollectPoints(*new_decl);
  Mapper mapper(*new_decl, section, map.new_points);
  for (const Point &old : CollectPoints(*old_decl)) map.points.push_back(mapper.Map(old));
  return map;
}

}  // namespace weft::migrate
