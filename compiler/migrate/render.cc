// The text forms of a state map: the map itself (`weft deploy
// --check-migration`, golden tests) and its problems rendered like compiler
// diagnostics, each with a note on the other version's source.
#include <string>

#include "compiler/migrate/state_map.h"

namespace weft::migrate {
namespace {

std::string Position(const diag::SourceRange &r) {
  return std::to_string(r.line) + ":" + std::to_string(r.column);
}

std::string PointText(const Point &p) {
  std::string text = PointKindName(p.kind);
  if (p.kind == PointKind::kJoin) {
    text += " " + p.key;
  } else if (!p.name.empty()) {
    text += " " + p.name;
  }
  if (!p.label.empty()) text += " as \"" + p.label + "\"";
  if (!p.path.empty()) text += " in " + p.PathText();
  return text;
}

void AppendList(std::string &out, const char *label, const std::vector<std::string> &names) {
  if (names.empty()) return;
  out += std::string("  ") + label + ":";
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? " " : ", ") + names[i];
  out += "\n";
}

void AppendMoves(std::string &out, const PointMap &p, const MapInputs &inputs) {
  std::vector<std::string> carried, computed, defaults, loops;
  for (const VarMove &m : p.moves) {
    if (m.hidden) {
      loops.push_back(m.name + " (slot " + std::to_string(m.old_slot) + " -> " +
                      std::to_string(m.new_slot) + ")");
      continue;
    }
    switch (m.how) {
      case VarMove::How::kCarry:
        carried.push_back(m.name + " (slot " + std::to_string(m.old_slot) + " -> " +
                          std::to_string(m.new_slot) + ")");
        break;
      case VarMove::How::kCompute:
        computed.push_back(m.name + " = " +
                           SourceTextOf(inputs.new_version.source, m.entry->value->range));
        break;
      case VarMove::How::kDefault:
        defaults.push_back(m.name);
        break;
    }
  }
  AppendList(out, "carry", carried);
  AppendList(out, "compute", computed);
  AppendList(out, "default", defaults);
  AppendList(out, "loop state", loops);
  AppendList(out, "drop", p.dropped);
}

}  // namespace

std::string SourceTextOf(std::string_view source, const diag::SourceRange &r) {
  size_t begin = 0;
  for (uint32_t line = 1; line < r.line && begin != std::string_view::npos; ++line) {
    begin = source.find('\n', begin);
    if (begin != std::string_view::npos) ++begin;
  }
  if (begin == std::string_view::npos) return "";
  const size_t end_of_line = std::min(source.find('\n', begin), source.size());
  const size_t start = begin + r.column - 1;
  const size_t end = r.end_line == r.line ? begin + r.end_column - 1 : end_of_line;
  if (start > end || end > source.size()) return "";
  return std::string(source.substr(start, end - start));
}

std::string RenderStateMap(const StateMap &map, const MapInputs &inputs) {
  if (!map.error.empty()) return "error: " + map.error + "\n";
  const size_t n = map.points.size();
  std::string out = "workflow " + map.workflow + ": " + std::to_string(n) +
                    (n == 1 ? " point" : " points") + " in the old version, " +
                    std::to_string(map.new_points.size()) + " in the new; " +
                    std::to_string(map.points.size() - map.unmappable_count()) + " map, " +
                    std::to_string(map.unmappable_count()) + " do not\n";
  for (const PointMap &p : map.points) {
    out += "old " + Position(p.old_point.range) + " " + PointText(p.old_point) + "\n";
    if (p.new_point) {
      out += "  new " + Position(p.new_point->range) + " " + PointText(*p.new_point) + "\n";
    }
    if (p.mappable()) {
      AppendMoves(out, p, inputs);
      continue;
    }
    for (const Problem &problem : p.problems) {
      const diag::DiagnosticInfo &info = diag::InfoOf(problem.diagnostic.kind);
      out += "  unmappable [" + std::string(info.code) + "]: " + problem.diagnostic.message + "\n";
    }
  }
  return out;
}

std::string RenderProblems(const StateMap &map, const MapInputs &inputs) {
  if (!map.error.empty()) return "error: " + map.error + "\n";
  std::string out;
  size_t count = 0;
  for (const PointMap &p : map.points) {
    for (const Problem &problem : p.problems) {
      diag::Diagnostic d = problem.diagnostic;
      d.hints.clear();
      const VersionSource &here = problem.in_old ? inputs.old_version : inputs.new_version;
      const VersionSource &there = problem.in_old ? inputs.new_version : inputs.old_version;
      out += diag::Render(d, here.path, here.source);
      out += diag::RenderNote(problem.note, problem.note_range, there.path, there.source);
      for (const std::string &hint : problem.diagnostic.hints) out += "hint: " + hint + "\n";
    }
    count += p.mappable() ? 0 : 1;
  }
  if (count != 0) {
    out += std::to_string(count) + (count == 1 ? " unmappable point" : " unmappable points") + "\n";
  }
  return out;
}

}  // namespace weft::migrate
