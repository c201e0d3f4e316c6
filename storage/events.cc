// See events.h.
#include "storage/events.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"
#include "weft/event_message.h"

namespace weft::storage {
namespace {

constexpr std::string_view kStatusNames[] = {"APPLIED", "SKIPPED", "FAILED"};

const Value* Field(const Value& o, std::string_view key) {
  return o.is_object() ? o.as_object().Find(key) : nullptr;
}

std::string StringField(const Value& o, std::string_view key) {
  const Value* f = Field(o, key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}

int64_t IntField(const Value& o, std::string_view key) {
  const Value* f = Field(o, key);
  return f != nullptr && f->is_int() ? f->as_int() : 0;
}

absl::StatusOr<EventActionOutcome> DecodeOutcome(const Value& v) {
  if (!v.is_object()) return absl::InvalidArgumentError("an action's outcome is not an object");
  EventActionOutcome o;
  o.action = StringField(v, "action");
  const Value* ok = Field(v, "ok");
  if (ok == nullptr || !ok->is_bool()) return absl::InvalidArgumentError("an outcome has no `ok`");
  o.ok = ok->as_bool();
  o.error = StringField(v, "error");
  if (const Value* ids = Field(v, "executions"); ids != nullptr && ids->is_list()) {
    for (const Value& id : ids->as_list()) {
      if (id.is_string()) o.executions.push_back(id.as_string());
    }
  }
  return o;
}

}  // namespace

std::string EncodeEventMessage(const EventMessage& m) { return EventMessageToJson(m).ToJson(); }

absl::StatusOr<EventMessage> DecodeEventMessage(std::string_view key, std::string_view value) {
  const size_t sep = key.find('\0');
  if (sep == std::string_view::npos) return absl::DataLossError("the key has no handler");
  absl::StatusOr<Value> json = Value::FromJson(value);
  if (!json.ok()) return absl::DataLossError("the record is not JSON");
  absl::StatusOr<EventMessage> m = EventMessageFromJson(*json);
  if (!m.ok()) return absl::DataLossError(m.status().message());
  m->handler = std::string(key.substr(0, sep));
  if (m->message_id.empty()) m->message_id = std::string(key.substr(sep + 1));
  return m;
}

absl::StatusOr<std::optional<std::string>> EventStore::GetHandler(std::string_view name) const {
  if (!txn_.env().has_table(Table::kEventHandlers)) return std::optional<std::string>();
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kEventHandlers, name));
  if (!bytes) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*bytes));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> EventStore::ListHandlers()
    const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!txn_.env().has_table(Table::kEventHandlers)) return out;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(Table::kEventHandlers, "",
                                       [&](std::string_view key, std::string_view value) {
                                         out.emplace_back(std::string(key), std::string(value));
                                         return true;
                                       }));
  return out;
}

absl::Status EventStore::PutHandler(std::string_view name, std::string_view json) {
  if (name.empty()) return absl::InvalidArgumentError("an event handler needs a name");
  return txn_.Put(Table::kEventHandlers, name, json);
}

absl::StatusOr<bool> EventStore::DeleteHandler(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kEventHandlers, name));
  if (!bytes) return false;
  WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kEventHandlers, name));
  return true;
}

absl::StatusOr<bool> EventStore::HasMessage(std::string_view handler,
                                            std::string_view message_id) const {
  if (!txn_.env().has_table(Table::kEventMessages)) return false;
  WEFT_ASSIGN_OR_RETURN(auto bytes,
                        txn_.Get(Table::kEventMessages, EventMessageKey(handler, message_id)));
  return bytes.has_value();
}

absl::Status EventStore::PutMessage(const EventMessage& m) {
  return txn_.Put(Table::kEventMessages, EventMessageKey(m.handler, m.message_id),
                  EncodeEventMessage(m));
}

absl::StatusOr<std::vector<EventMessage>> EventStore::ListMessages(std::string_view handler,
                                                                   size_t limit) const {
  std::vector<EventMessage> out;
  if (!txn_.env().has_table(Table::kEventMessages)) return out;
  absl::Status bad;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(
      Table::kEventMessages, EventMessagePrefix(handler),
      [&](std::string_view key, std::string_view value) {
        if (out.size() >= limit) return false;
        absl::StatusOr<EventMessage> m = DecodeEventMessage(key, value);
        if (!m.ok()) {
          bad = absl::DataLossError(absl::StrCat("event message `", ToAbsl(key.substr(key.find('\0') + 1)),
                                                 "` of `", ToAbsl(handler), "`: ", m.status().message()));
          return false;
        }
        out.push_back(*std::move(m));
        return true;
      }));
  if (!bad.ok()) return bad;
  return out;
}

absl::StatusOr<MessagePrunePage> EventStore::DeleteMessagesBefore(int64_t cutoff_ms,
                                                                  size_t max_examined,
                                                                  std::string_view from,
                                                                  bool dry_run) {
  MessagePrunePage page;
  if (!txn_.env().has_table(Table::kEventMessages) || max_examined == 0) return page;
  std::vector<std::string> old;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefixFrom(
      Table::kEventMessages, "", from, [&](std::string_view key, std::string_view value) {
        if (page.examined >= max_examined) {
          page.next = std::string(key);
          return false;
        }
        ++page.examined;
        absl::StatusOr<EventMessage> m = DecodeEventMessage(key, value);
        if (m.ok() && m->time_ms < cutoff_ms) old.emplace_back(key);
        return true;
      }));
  page.deleted = old.size();
  if (dry_run) return page;
  // Deleted after the scan, not under its cursor.
  for (const std::string& key : old) {
    WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kEventMessages, key));
  }
  return page;
}

absl::Status AddEventTables(Txn&) { return absl::OkStatus(); }

}  // namespace weft::storage

namespace weft {

std::string_view EventMessageStatusName(EventMessageStatus status) {
  const size_t i = static_cast<size_t>(status);
  return i < std::size(storage::kStatusNames) ? storage::kStatusNames[i] : "?";
}

Value EventMessageToJson(const EventMessage& m) {
  Object o;
  o.Set("handler", Value::String(m.handler));
  o.Set("messageId", Value::String(m.message_id));
  o.Set("subject", Value::String(m.subject));
  o.Set("time", Value::Int(m.time_ms));
  o.Set("delivered", Value::Int(static_cast<int64_t>(m.delivered)));
  o.Set("status", Value::String(std::string(EventMessageStatusName(m.status))));
  if (!m.error.empty()) o.Set("error", Value::String(m.error));
  List actions;
  for (const EventActionOutcome& a : m.actions) {
    Object out;
    out.Set("action", Value::String(a.action));
    out.Set("ok", Value::Bool(a.ok));
    List ids;
    for (const std::string& id : a.executions) ids.push_back(Value::String(id));
    out.Set("executions", Value::MakeList(std::move(ids)));
    if (!a.error.empty()) out.Set("error", Value::String(a.error));
    actions.push_back(Value::MakeObject(std::move(out)));
  }
  o.Set("actions", Value::MakeList(std::move(actions)));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<EventMessage> EventMessageFromJson(const Value& json) {
  using storage::IntField;
  using storage::StringField;
  if (!json.is_object()) return absl::InvalidArgumentError("an event message must be an object");
  EventMessage m;
  m.handler = StringField(json, "handler");
  m.message_id = StringField(json, "messageId");
  m.subject = StringField(json, "subject");
  m.time_ms = IntField(json, "time");
  m.delivered = static_cast<uint64_t>(IntField(json, "delivered"));
  m.error = StringField(json, "error");
  const std::string status = StringField(json, "status");
  bool known = false;
  for (size_t i = 0; i < std::size(storage::kStatusNames); ++i) {
    if (status == storage::kStatusNames[i]) {
      m.status = static_cast<EventMessageStatus>(i);
      known = true;
    }
  }
  if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown status `", status, "`"));
  const Value* actions = storage::Field(json, "actions");
  if (actions == nullptr || !actions->is_list()) return absl::InvalidArgumentError("no `actions`");
  for (const Value& a : actions->as_list()) {
    absl::StatusOr<EventActionOutcome> outcome = storage::DecodeOutcome(a);
    if (!outcome.ok()) return outcome.status();
    m.actions.push_back(*std::move(outcome));
  }
  return m;
}

}  // namespace weft
