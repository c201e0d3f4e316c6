// Operations: GET /health, GET /metrics (Prometheus text format), and the Conductor endpoints
// `weft serve` does not serve, which answer 501 with a message naming what to use instead.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/routes.h"

namespace weft::server {
namespace {

void Counter(std::string& out, absl::string_view name, absl::string_view help, uint64_t value,
             absl::string_view type = "counter") {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name, " ",
                  value, "\n");
}

std::string LabelValue(absl::string_view v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

std::string Metrics(Service& service) {
  const EngineStats s = service.engine().Stats();
  std::string out;
  Counter(out, "weft_transitions_total", "Transitions applied by the writer.", s.transitions);
  Counter(out, "weft_commits_total", "Group commits of the writer.", s.commits);
  Counter(out, "weft_commit_failures_total", "Failed commit attempts (retried).",
          s.commit_failures);
  Counter(out, "weft_results_ignored_total", "Task results for finished tasks or stale deliveries.",
          s.results_ignored);
  Counter(out, "weft_leases_expired_total", "Task leases that expired without a result.",
          s.leases_expired);
  Counter(out, "weft_quarantined_total", "Executions taken out of service after a fault.",
          s.quarantined);
  Counter(out, "weft_executions_pruned_total", "Executions deleted by retention.",
          s.executions_pruned);
  Counter(out, "weft_outbox_depth", "Published messages not yet acknowledged by NATS.",
          s.outbox_depth, "gauge");
  Counter(out, "weft_messages_published_total", "Messages NATS acknowledged (publish).",
          s.messages_published);
  Counter(out, "weft_publish_failures_total", "Failed attempts to send to NATS (retried).",
          s.publish_failures);
  Counter(out, "weft_conductor_events_delivered_total",
          "conductor: messages delivered to the engine's handlers.", s.conductor_events_delivered);
  Counter(out, "weft_conductor_events_unmatched_total",
          "conductor: messages no active handler listened to (dropped).",
          s.conductor_events_unmatched);
  Counter(out, "weft_event_handlers_not_listening",
          "Active NATS event handlers the listener does not receive (GET /api/weft/events).",
          s.event_handlers_not_listening, "gauge");
  Counter(out, "weft_store_rows", "Rows in the store.", s.store_rows, "gauge");
  Counter(out, "weft_store_pages", "LMDB pages in use.", s.store_pages, "gauge");
  Counter(out, "weft_server_polls_total", "Task polls served.", service.polls());
  Counter(out, "weft_server_waiting_polls", "Long polls waiting now.", service.waiting_polls(),
          "gauge");
  const std::vector<QueueDepth> depths = service.QueueDepths();
  absl::StrAppend(&out,
                  "# HELP weft_tasks Open tasks by type and state.\n# TYPE weft_tasks gauge\n");
  // A queue of a domain (taskToDomain) has a `domain` label too.
  auto labels = [](const QueueDepth& d) {
    std::string l = absl::StrCat("type=\"", LabelValue(d.task_type), "\"");
    if (!d.domain.empty()) absl::StrAppend(&l, ",domain=\"", LabelValue(d.domain), "\"");
    return l;
  };
  for (const QueueDepth& d : depths) {
    const std::string l = labels(d);
    absl::StrAppend(&out, "weft_tasks{", l, ",state=\"SCHEDULED\"} ", d.ready, "\n");
    absl::StrAppend(&out, "weft_tasks{", l, ",state=\"IN_PROGRESS\"} ", d.leased, "\n");
  }
  absl::StrAppend(&out, "# HELP weft_queue_depth Tasks waiting for a worker, by type and domain.\n",
                  "# TYPE weft_queue_depth gauge\n");
  for (const QueueDepth& d : depths) {
    absl::StrAppend(&out, "weft_queue_depth{", labels(d), "} ", d.ready, "\n");
  }
  const LatencyHistogram& h = service.step_latency();
  absl::StrAppend(&out,
                  "# HELP weft_step_latency_ms From a remote worker's take of a task to its "
                  "result, in ms.\n# TYPE weft_step_latency_ms histogram\n");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
    cumulative += h.counts[i].load();
    absl::StrAppend(&out, "weft_step_latency_ms_bucket{le=\"", LatencyHistogram::kBucketsMs[i],
                    "\"} ", cumulative, "\n");
  }
  cumulative += h.counts[LatencyHistogram::kBuckets].load();
  absl::StrAppend(&out, "weft_step_latency_ms_bucket{le=\"+Inf\"} ", cumulative, "\n");
  absl::StrAppend(&out, "weft_step_latency_ms_sum ", static_cast<double>(h.sum_us.load()) / 1000,
                  "\n");
  absl::StrAppend(&out, "weft_step_latency_ms_count ", h.total.load(), "\n");
  return out;
}

// Conductor endpoints that are not served: (method, pattern, what to do instead).
struct Unsupported {
  const char* method;
  const char* pattern;
  const char* instead;
};
constexpr Unsupported kUnsupported[] = {
    {"POST", "/api/workflow/{workflowId}/rerun", "use restart or retry"},
    {"PUT", "/api/workflow/{workflowId}/skiptask/{taskReferenceName}", "not supported"},
    {"POST", "/api/workflow/{workflowId}/resetcallbacks", "not supported"},
    {"PUT", "/api/workflow/decide/{workflowId}", "the engine decides on every transition"},
    {"GET", "/api/tasks/search", "not supported"},
    {"POST", "/api/tasks/queue/requeue/{taskType}", "tasks are requeued when leases expire"},
};

}  // namespace

void AddOpsRoutes(Router& router, RouteContext& c) {
  router.Add({"GET", "/health", RunOn::kInline, [](Request&, Reply reply) {
                reply(Response::Json(200, R"({"healthy":true})"));
              }});
  router.Add({"GET", "/metrics", RunOn::kBlocking, [&c](Request&, Reply reply) {
                reply(Response{200, "text/plain; version=0.0.4", Metrics(c.service), {}});
              }});
  for (const Unsupported& u : kUnsupported) {
    std::string message = absl::StrCat("`", u.method, " ", u.pattern,
                                       "` is not supported by weft serve: ", u.instead);
    router.Add({u.method, u.pattern, RunOn::kInline, [message](Request&, Reply reply) {
                  reply(Response::Error(501, message));
                }});
  }
}

}  // namespace weft::server
