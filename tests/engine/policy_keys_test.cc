// The task-policy keys are declared once (common/task_policy_keys.def) and expanded into the
// compiler's checker and the engine's parser. These tests hold the two together: every key the
// checker accepts, compiled into a program, changes what the engine's ParsePolicy reads (and
// the member the table names); every key the engine reads is one the checker accepts; a key
// outside the table is rejected by the checker.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/check/options.h"
#include "compiler/compiler.h"
#include "engine/task_policy.h"

namespace weft::testing {
namespace {

// A valid literal, other than the default, for each key. A key added to the table needs one.
const std::map<std::string, std::string>& Samples() {
  static const auto* samples = new std::map<std::string, std::string>{
      {"retries", "3"},         {"backoff", "\"linear\""},   {"delay", "5s"},
      {"max_delay", "1m"},      {"jitter", "0.5"},           {"timeout", "30s"},
      {"heartbeat", "10s"},     {"schedule_timeout", "5m"},  {"total_timeout", "1h"},
      {"optional", "true"},     {"priority", "5"},           {"backoff_scale", "2"},
  };
  return *samples;
}

// The keys the engine reads, each with a test of whether its member left the default.
struct EngineKey {
  std::string key;
  std::function<bool(const engine::TaskPolicy&)> changed;
};

std::vector<EngineKey> EngineKeys() {
  return {
#define TASK_POLICY_KEY(field, key, check, read, type, fallback) \
  {key, [](const engine::TaskPolicy& p) { return !(p.field == engine::TaskPolicy{}.field); }},
#include "common/task_policy_keys.def"
#undef TASK_POLICY_KEY
  };
}

// The declared policy of `t` in `task t with { KEY: LITERAL }`, as compiled.
Value CompiledPolicy(const std::string& key, const std::string& literal, std::string* errors) {
  const std::string source =
      "task t with { " + key + ": " + literal + " }\nworkflow w() {\n    return t()\n}\n";
  compiler::CompileOutput out = compiler::Compile("keys.wf", source);
  if (!out.ok()) {
    *errors = diag::RenderAll(out.diagnostics, "keys.wf", source);
    return Value();
  }
  return out.workflows.at(0).tasks.at(0).policy;
}

TEST(PolicyKeys, EveryKeyTheCheckerAcceptsIsReadByTheEngine) {
  const std::vector<std::string> keys = check::TaskPolicyKeys();
  ASSERT_FALSE(keys.empty());
  const std::vector<EngineKey> engine_keys = EngineKeys();
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    auto sample = Samples().find(key);
    ASSERT_NE(sample, Samples().end()) << "add a sample literal for the new key";
    std::string errors;
    const Value policy = CompiledPolicy(key, sample->second, &errors);
    ASSERT_TRUE(errors.empty()) << errors;
    const engine::TaskPolicy parsed = engine::ParsePolicy(policy);
    EXPECT_FALSE(parsed == engine::TaskPolicy{}) << "the engine ignores " << policy.ToJson();
    auto field = std::find_if(engine_keys.begin(), engine_keys.end(),
                              [&](const EngineKey& k) { return k.key == key; });
    ASSERT_NE(field, engine_keys.end()) << "the engine has no member for it";
    EXPECT_TRUE(field->changed(parsed)) << "another member took " << policy.ToJson();
  }
}

TEST(PolicyKeys, EveryKeyTheEngineReadsIsAcceptedByTheChecker) {
  const std::vector<std::string> keys = check::TaskPolicyKeys();
  for (const EngineKey& k : EngineKeys()) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k.key), keys.end()) << k.key;
  }
  EXPECT_EQ(keys.size(), EngineKeys().size());
}

TEST(PolicyKeys, AKeyOutsideTheTableIsRejected) {
  std::string errors;
  CompiledPolicy("retry", "3", &errors);
  EXPECT_NE(errors.find("unknown key `retry` in a task policy"), std::string::npos) << errors;
  std::string listed = "the keys are ";
  for (const std::string& key : check::TaskPolicyKeys()) {
    listed += (listed.back() == ' ' ? "`" : ", `") + key + "`";
  }
  EXPECT_NE(errors.find(listed), std::string::npos) << errors;
}

}  // namespace
}  // namespace weft::testing
