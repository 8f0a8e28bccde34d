#include "gateway/codecs/case_codec.h"

#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {
namespace {

constexpr std::size_t kMaxIdentityFields = 32;
constexpr std::size_t kMaxDateBytes = 10;
constexpr std::size_t kMaxCaseIdBytes = 128;

// An optional date member (YYYY-MM-DD): 422 "invalid_date" naming it.
Status ReadDate(const Json& obj, const char* key, std::string_view path, bool optional,
                std::optional<std::string>* out) {
  auto it = obj.find(key);
  const std::string p = std::string(path) + "/" + key;
  if (it == obj.end()) return optional ? Status::Ok() : Missing(p);
  if (!it->is_string()) return WrongType(p, "a date (YYYY-MM-DD)");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > kMaxDateBytes || !ParseDate(s)) {
    return Status::Unprocessable("invalid_date", p + ": not a date (YYYY-MM-DD)");
  }
  *out = s;
  return Status::Ok();
}

Json Values(const exchange::FieldValues& values) {
  Json j = Json::object();
  for (const auto& [field, value] : values) j[field] = value;
  return j;
}

Json NotificationJson(const exchange::Notification& n) {
  Json matches = Json::array();
  for (const auto& m : n.matches) {
    matches.push_back({{"kind", m.kind},
                       {"id", m.id},
                       {"by", m.by},
                       {"candidate", m.candidate},
                       {"status", m.status}});
  }
  Json j = {{"id", n.id},
            {"partner", n.partner},
            {"category", n.category},
            {"urgent", n.urgent},
            {"status", exchange::NotificationStateName(n.status)},
            {"received_at", FormatUtc(n.received_at)},
            {"identity", Values(n.identity)},
            {"reason", n.reason},
            {"matches", std::move(matches)}};
  if (n.municipality) j["municipality"] = *n.municipality;
  if (n.release_date) j["release_date"] = *n.release_date;
  if (n.decision) j["decision"] = *n.decision;
  if (n.triaged_at) j["triaged_at"] = FormatUtc(*n.triaged_at);
  if (n.case_id) j["case"] = *n.case_id;
  return j;
}

}  // namespace

Result<exchange::Notify> DecodeNotify(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(
      body, "", {"identity", "category", "reason", "urgent", "municipality", "release_date"}));
  exchange::Notify n;
  auto it = body.find("identity");
  if (it == body.end()) return Missing("/identity");
  if (!it->is_object()) return WrongType("/identity", "an object");
  if (it->size() > kMaxIdentityFields) {
    return Status::Unprocessable("too_many", "/identity: too many fields");
  }
  for (auto f = it->begin(); f != it->end(); ++f) n.identity.emplace(f.key(), f.value());
  VH_RETURN_IF_ERROR(
      ReadString(body, "category", "", exchange::kMaxCategoryBytes, false, &n.category));
  VH_RETURN_IF_ERROR(ReadString(body, "reason", "", exchange::kMaxReasonBytes, false, &n.reason));
  if (auto u = body.find("urgent"); u != body.end()) {
    if (!u->is_boolean()) return WrongType("/urgent", "a boolean");
    n.urgent = u->get<bool>();
  }
  if (body.contains("municipality")) {
    std::string m;
    VH_RETURN_IF_ERROR(
        ReadString(body, "municipality", "", exchange::kMaxMunicipalityBytes, false, &m));
    n.municipality = std::move(m);
  }
  VH_RETURN_IF_ERROR(ReadDate(body, "release_date", "", true, &n.release_date));
  return n;
}

Json EncodeNotify(const exchange::Notify& command) {
  Json j = {{"identity", Values(command.identity)},
            {"category", command.category},
            {"reason", command.reason},
            {"urgent", command.urgent}};
  if (command.municipality) j["municipality"] = *command.municipality;
  if (command.release_date) j["release_date"] = *command.release_date;
  return j;
}

Json EncodeNotificationReceipt(const exchange::NotificationReceipt& receipt) {
  return Json{{"id", receipt.id}, {"status", exchange::NotificationStateName(receipt.status)}};
}

Result<exchange::NotificationFilter> DecodeNotificationFilter(std::string_view status) {
  using exchange::NotificationFilter;
  if (status.empty()) return NotificationFilter::kAll;
  if (status == "new") return NotificationFilter::kNew;
  if (status == "triaged") return NotificationFilter::kTriaged;
  if (status == "closed") return NotificationFilter::kClosed;
  return Status::Unprocessable("invalid_status", "/status: one of new, triaged, closed");
}

Json EncodeNotificationList(const std::vector<exchange::Notification>& notifications) {
  Json rows = Json::array();
  for (const auto& n : notifications) rows.push_back(NotificationJson(n));
  return Json{{"notifications", std::move(rows)}};
}

Json EncodeNotificationFeedback(const exchange::NotificationFeedback& f) {
  Json j = {{"id", f.id},
            {"status", exchange::NotificationStateName(f.status)},
            {"received_at", FormatUtc(f.received_at)},
            {"decision", f.decision ? Json(*f.decision) : Json()}};
  if (f.decision_label) j["decision_label"] = *f.decision_label;
  if (f.decided_at) j["decided_at"] = FormatUtc(*f.decided_at);
  return j;
}

Result<exchange::Triage> DecodeTriage(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"decision", "case", "overlegvorm"}));
  std::string decision;
  VH_RETURN_IF_ERROR(
      ReadString(body, "decision", "", exchange::kMaxDecisionBytes, false, &decision));
  auto d = exchange::ParseTriageDecision(decision);
  if (!d) {
    return Status::Unprocessable("invalid_decision",
                                 "/decision: one of agenderen, niet-agenderen, doorverwijzen");
  }
  exchange::Triage t;
  t.decision = *d;
  if (body.contains("case")) {
    std::string id;
    VH_RETURN_IF_ERROR(ReadString(body, "case", "", kMaxCaseIdBytes, false, &id));
    t.case_id = std::move(id);
  }
  if (body.contains("overlegvorm")) {
    std::string o;
    VH_RETURN_IF_ERROR(ReadString(body, "overlegvorm", "", exchange::kMaxIdBytes, false, &o));
    t.overlegvorm = std::move(o);
  }
  return t;
}

Json EncodeTriage(const exchange::Triage& command) {
  Json j = {{"decision", exchange::TriageDecisionName(command.decision)}};
  if (command.case_id) j["case"] = *command.case_id;
  if (command.overlegvorm) j["overlegvorm"] = *command.overlegvorm;
  return j;
}

Json EncodeTriageResult(const exchange::TriageResult& r) {
  Json j = {{"notification", r.notification},
            {"decision", exchange::TriageDecisionName(r.decision)},
            {"status", exchange::NotificationStateName(r.status)},
            {"case_created", r.case_created}};
  if (r.case_id) j["case"] = *r.case_id;
  return j;
}

Result<exchange::CaseFilter> DecodeCaseFilter(std::string_view status) {
  using exchange::CaseFilter;
  if (status.empty()) return CaseFilter::kAll;
  if (status == "open") return CaseFilter::kOpen;
  if (status == "closed") return CaseFilter::kClosed;
  if (status == "due") return CaseFilter::kDue;
  return Status::Unprocessable("invalid_status", "/status: one of open, closed, due");
}

Json EncodeFollowUpItem(const exchange::FollowUpItem& item) {
  Json j = {{"due", item.due},
            {"kind", exchange::FollowUpKindName(item.kind)},
            {"state", exchange::FollowUpStateName(item.state)},
            {"done", item.state == exchange::FollowUpState::kDone}};
  if (item.outcome) j["outcome"] = *item.outcome;
  if (item.done_at) j["done_at"] = FormatUtc(*item.done_at);
  return j;
}

Json EncodeCase(const exchange::Case& c) {
  Json follow_up = Json::array();
  for (const auto& i : c.follow_up) follow_up.push_back(EncodeFollowUpItem(i));
  Json j = {{"id", c.id},
            {"kind", exchange::CaseKindName(c.kind)},
            {"status", exchange::CaseStateName(c.state)},
            {"created_at", FormatUtc(c.created_at)},
            {"urgent", c.urgent},
            {"case_holder", c.case_holder ? Json(*c.case_holder) : Json()},
            {"follow_up", std::move(follow_up)}};
  if (!c.identity.empty()) j["identity"] = Values(c.identity);
  if (c.municipality) j["municipality"] = *c.municipality;
  if (c.release_date) j["release_date"] = *c.release_date;
  if (c.routed_to) j["routed_to"] = *c.routed_to;
  if (c.closed_at) j["closed_at"] = FormatUtc(*c.closed_at);
  if (c.retention_until) j["retention_until"] = FormatUtc(*c.retention_until);
  if (c.limited) {
    j["limited"] = true;
    return j;
  }
  if (c.overlegvorm) j["overlegvorm"] = *c.overlegvorm;
  if (c.close_reason) j["close_reason"] = *c.close_reason;
  Json notifications = Json::array(), meetings = Json::array(), outcomes = Json::array();
  for (const auto& n : c.notifications) {
    notifications.push_back({{"id", n.id},
                             {"partner", n.partner},
                             {"category", n.category},
                             {"urgent", n.urgent},
                             {"received_at", FormatUtc(n.received_at)},
                             {"reason", n.reason}});
  }
  for (const auto& m : c.meetings) {
    meetings.push_back({{"id", m.meeting}, {"overlegvorm", m.overlegvorm}, {"state", m.state}});
  }
  for (const auto& o : c.outcomes) {
    outcomes.push_back({{"meeting", o.meeting},
                        {"overlegvorm", o.overlegvorm},
                        {"decision", o.decision},
                        {"decided_at", FormatUtc(o.decided_at)}});
  }
  j["notifications"] = std::move(notifications);
  j["meetings"] = std::move(meetings);
  j["outcomes"] = std::move(outcomes);
  return j;
}

Json EncodeCaseList(const std::vector<exchange::Case>& cases) {
  Json rows = Json::array();
  for (const auto& c : cases) rows.push_back(EncodeCase(c));
  return Json{{"cases", std::move(rows)}};
}

Result<exchange::CompleteFollowUp> DecodeCompleteFollowUp(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"due", "kind", "outcome"}));
  exchange::CompleteFollowUp f;
  std::optional<std::string> due;
  VH_RETURN_IF_ERROR(ReadDate(body, "due", "", false, &due));
  f.due = std::move(*due);
  if (body.contains("kind")) {
    std::string kind;
    VH_RETURN_IF_ERROR(ReadString(body, "kind", "", exchange::kMaxIdBytes, false, &kind));
    f.kind = exchange::ParseFollowUpKind(kind);
    if (!f.kind) {
      return Status::Unprocessable(
          "invalid_kind", "/kind: one of 1-week, 1-month, 3-months, 6-months, before-release");
    }
  }
  VH_RETURN_IF_ERROR(
      ReadString(body, "outcome", "", exchange::kMaxFollowUpOutcomeBytes, false, &f.outcome));
  return f;
}

Json EncodeCompleteFollowUp(const exchange::CompleteFollowUp& command) {
  Json j = {{"due", command.due}, {"outcome", command.outcome}};
  if (command.kind) j["kind"] = exchange::FollowUpKindName(*command.kind);
  return j;
}

Result<exchange::CloseCase> DecodeCloseCase(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"reason"}));
  exchange::CloseCase c;
  VH_RETURN_IF_ERROR(ReadString(body, "reason", "", exchange::kMaxReasonBytes, false, &c.reason));
  return c;
}

Json EncodeCloseCase(const exchange::CloseCase& command) {
  return Json{{"reason", command.reason}};
}

Json EncodeClosedCase(const exchange::ClosedCase& closed) {
  return Json{{"id", closed.id},
              {"status", exchange::CaseStateName(exchange::CaseState::kClosed)},
              {"closed_at", FormatUtc(closed.closed_at)},
              {"retention_until", FormatUtc(closed.retention_until)}};
}

Result<exchange::NameCaseHolder> DecodeNameCaseHolder(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"case_holder"}));
  exchange::NameCaseHolder h;
  VH_RETURN_IF_ERROR(
      ReadString(body, "case_holder", "", exchange::kMaxIdBytes, false, &h.case_holder));
  return h;
}

Json EncodeNameCaseHolder(const exchange::NameCaseHolder& command) {
  return Json{{"case_holder", command.case_holder}};
}

Result<exchange::KnownCheck> DecodeKnownCheck(const Json& body) {
  constexpr std::size_t kMaxBsnBytes = 32;  // as written: spaces, dots
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  // Not CheckKnownKeys: it names the key, and a key could be a number.
  if (body.size() > 1 || (body.size() == 1 && !body.contains("bsn"))) {
    return Status::Unprocessable("unknown_field", "/: only bsn is known");
  }
  exchange::KnownCheck k;
  VH_RETURN_IF_ERROR(ReadString(body, "bsn", "", kMaxBsnBytes, false, &k.bsn));
  return k;
}

Result<exchange::KnownCheck> DecodeKnownCheckQuery(
    const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (key != "bsn") {
      return Status::Unprocessable("unknown_field", "only the query parameter bsn is known");
    }
  }
  auto it = query.find("bsn");
  Json body = Json::object();
  if (it != query.end()) body["bsn"] = it->second;
  return DecodeKnownCheck(body);
}

Json EncodeKnownCheck(const exchange::KnownCheck& command) { return Json{{"bsn", command.bsn}}; }

Json EncodeKnownAnswer(const exchange::KnownAnswer& answer) {
  Json j = {{"known", answer.known}};
  if (answer.case_holder) j["case_holder"] = *answer.case_holder;
  return j;
}

}  // namespace vh::gw::codecs
