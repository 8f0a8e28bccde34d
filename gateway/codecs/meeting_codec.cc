#include "gateway/codecs/meeting_codec.h"

#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {
namespace {

using exchange::kMaxRefBytes;

Result<exchange::SubjectEntry> DecodeSubject(const Json& sj, const std::string& path) {
  VH_RETURN_IF_ERROR(RequireObject(sj, path));
  VH_RETURN_IF_ERROR(
      CheckKnownKeys(sj, path, {"ref", "identity", "reason", "municipality", "suppliers", "case"}));
  exchange::SubjectEntry s;
  VH_RETURN_IF_ERROR(ReadString(sj, "ref", path, kMaxRefBytes, false, &s.ref));
  VH_RETURN_IF_ERROR(ReadString(sj, "reason", path, exchange::kMaxReasonBytes, true, &s.reason));
  if (sj.contains("municipality")) {
    std::string m;
    VH_RETURN_IF_ERROR(
        ReadString(sj, "municipality", path, exchange::kMaxMunicipalityBytes, false, &m));
    s.municipality = std::move(m);
  }
  VH_RETURN_IF_ERROR(ReadPartnerList(sj, "suppliers", path, &s.suppliers));
  if (sj.contains("case")) {
    std::string id;
    VH_RETURN_IF_ERROR(ReadString(sj, "case", path, exchange::kMaxIdBytes, false, &id));
    s.case_id = std::move(id);
  }
  auto it = sj.find("identity");
  if (it == sj.end()) return Missing(path + "/identity");
  if (!it->is_object()) return WrongType(path + "/identity", "an object");
  for (auto f = it->begin(); f != it->end(); ++f) s.identity.emplace(f.key(), f.value());
  return s;
}

Json FieldValuesJson(const exchange::FieldValues& values) {
  Json j = Json::object();
  for (const auto& [field, value] : values) j[field] = value;
  return j;
}

}  // namespace

Result<exchange::CreateMeeting> DecodeCreateMeeting(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "",
                                    {"overlegvorm", "title", "starts_at", "ends_at", "participants",
                                     "ad_hoc", "subjects", "staff"}));
  exchange::CreateMeeting m;
  VH_RETURN_IF_ERROR(
      ReadString(body, "overlegvorm", "", exchange::kMaxIdBytes, false, &m.overlegvorm));
  VH_RETURN_IF_ERROR(ReadString(body, "title", "", exchange::kMaxTitleBytes, false, &m.title));
  VH_RETURN_IF_ERROR(ReadTime(body, "starts_at", "", &m.starts_at));
  VH_RETURN_IF_ERROR(ReadTime(body, "ends_at", "", &m.ends_at));
  VH_RETURN_IF_ERROR(ReadPartnerList(body, "participants", "", &m.participants));
  std::optional<std::vector<std::string>> ad_hoc;
  VH_RETURN_IF_ERROR(ReadPartnerList(body, "ad_hoc", "", &ad_hoc));
  if (ad_hoc) m.ad_hoc = std::move(*ad_hoc);
  VH_RETURN_IF_ERROR(ReadStringList(body, "staff", "", "an array of certificate CNs",
                                    exchange::kMaxCnBytes, &m.staff));
  const Json* subjects = nullptr;
  VH_RETURN_IF_ERROR(ReadArray(body, "subjects", "", &subjects));
  if (subjects->size() > exchange::kMaxSubjects) {
    return Status::Unprocessable("too_many", "/subjects: too many subjects");
  }
  for (std::size_t i = 0; i < subjects->size(); ++i) {
    auto s = DecodeSubject((*subjects)[i], "/subjects/" + std::to_string(i));
    if (!s.ok()) return s.status();
    m.subjects.push_back(std::move(*s));
  }
  return m;
}

Json EncodeCreateMeeting(const exchange::CreateMeeting& command) {
  Json subjects = Json::array();
  for (const auto& s : command.subjects) {
    Json x = {{"ref", s.ref}, {"identity", FieldValuesJson(s.identity)}, {"reason", s.reason}};
    if (s.municipality) x["municipality"] = *s.municipality;
    if (s.suppliers) x["suppliers"] = *s.suppliers;
    if (s.case_id) x["case"] = *s.case_id;
    subjects.push_back(std::move(x));
  }
  Json j = {{"overlegvorm", command.overlegvorm},
            {"title", command.title},
            {"starts_at", FormatUtc(command.starts_at)},
            {"ends_at", FormatUtc(command.ends_at)},
            {"ad_hoc", command.ad_hoc},
            {"subjects", std::move(subjects)}};
  if (command.participants) j["participants"] = *command.participants;
  if (command.staff) j["staff"] = *command.staff;
  return j;
}

Json EncodeMeeting(const exchange::Meeting& m) {
  if (m.limited) {
    // An ad hoc participant before signing, or after the end: only these.
    Json j = {{"id", m.id},
              {"overlegvorm", m.overlegvorm},
              {"starts_at", FormatUtc(m.starts_at)},
              {"ends_at", FormatUtc(m.ends_at)}};
    if (m.declaration) j["declaration"] = exchange::DeclarationStateName(*m.declaration);
    return j;
  }
  Json j = {
      {"id", m.id},
      {"overlegvorm", m.overlegvorm},
      {"state", exchange::MeetingStateName(m.state)},
      {"covenant",
       {{"id", m.covenant.id}, {"version", m.covenant.version}, {"sha256", m.covenant.sha256}}}};
  if (m.state == exchange::MeetingState::kShredded) {
    if (m.shredded_at) j["shredded_at"] = FormatUtc(*m.shredded_at);
    return j;
  }
  if (m.purpose) j["purpose"] = *m.purpose;
  if (m.declaration) j["declaration"] = exchange::DeclarationStateName(*m.declaration);
  j["title"] = m.title;
  j["starts_at"] = FormatUtc(m.starts_at);
  j["ends_at"] = FormatUtc(m.ends_at);
  j["phase"] = exchange::PhaseName(m.phase);
  j["client_present"] = m.phase == exchange::Phase::kClientPresent;
  j["created_at"] = FormatUtc(m.created_at);
  Json participants = Json::array(), ad_hoc = Json::array();
  for (const auto& p : m.participants) participants.push_back(p);
  for (const auto& a : m.ad_hoc) {
    ad_hoc.push_back({{"partner", a.partner}, {"declaration_signed", a.declaration_signed}});
  }
  j["participants"] = std::move(participants);
  j["ad_hoc"] = std::move(ad_hoc);
  Json subjects = Json::array();
  for (const auto& s : m.subjects) {
    Json x = {{"ref", s.ref}};
    if (s.reason) x["reason"] = *s.reason;
    if (s.outcome) x["outcome"] = *s.outcome;
    subjects.push_back(std::move(x));
  }
  j["subjects"] = std::move(subjects);
  if (m.closed_at) j["closed_at"] = FormatUtc(*m.closed_at);
  if (m.retention_until) j["retention_until"] = FormatUtc(*m.retention_until);
  if (m.extended_until) j["extended_until"] = FormatUtc(*m.extended_until);
  if (m.extension_reason) j["extension_reason"] = *m.extension_reason;
  if (m.extension_code) j["extension_code"] = *m.extension_code;
  if (m.requests) {
    Json counts = Json::object();
    for (const auto& [state, n] : *m.requests) {
      counts[std::string(exchange::RequestStateName(state))] = n;
    }
    j["requests"] = std::move(counts);
  }
  if (m.staff) j["staff"] = *m.staff;
  return j;
}

Result<exchange::SetPhase> DecodeSetPhase(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"client_present"}));
  auto it = body.find("client_present");
  if (it == body.end()) return Missing("/client_present");
  if (!it->is_boolean()) return WrongType("/client_present", "a boolean");
  return exchange::SetPhase{it->get<bool>()};
}

Json EncodeSetPhase(const exchange::SetPhase& command) {
  return Json{{"client_present", command.client_present}};
}

Json EncodePhaseChange(const exchange::PhaseChange& change) {
  return Json{{"meeting", change.meeting},
              {"phase", exchange::PhaseName(change.phase)},
              {"client_present", change.phase == exchange::Phase::kClientPresent}};
}

Result<exchange::CloseMeeting> DecodeCloseMeeting(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"outcomes"}));
  const Json* outcomes = nullptr;
  VH_RETURN_IF_ERROR(ReadArray(body, "outcomes", "", &outcomes));
  exchange::CloseMeeting close;
  for (std::size_t i = 0; i < outcomes->size(); ++i) {
    const std::string path = "/outcomes/" + std::to_string(i);
    const Json& x = (*outcomes)[i];
    VH_RETURN_IF_ERROR(RequireObject(x, path));
    VH_RETURN_IF_ERROR(CheckKnownKeys(x, path, {"subject", "decision"}));
    exchange::SubjectOutcome o;
    VH_RETURN_IF_ERROR(ReadString(x, "subject", path, kMaxRefBytes, false, &o.subject));
    VH_RETURN_IF_ERROR(
        ReadString(x, "decision", path, exchange::kMaxDecisionBytes, false, &o.decision));
    close.outcomes.push_back(std::move(o));
  }
  return close;
}

Json EncodeCloseMeeting(const exchange::CloseMeeting& command) {
  Json outcomes = Json::array();
  for (const auto& o : command.outcomes) {
    outcomes.push_back({{"subject", o.subject}, {"decision", o.decision}});
  }
  return Json{{"outcomes", std::move(outcomes)}};
}

Json EncodeClosedMeeting(const exchange::ClosedMeeting& closed) {
  Json outcomes = Json::array();
  for (const auto& o : closed.outcomes) {
    outcomes.push_back({{"subject", o.subject}, {"decision", o.decision}});
  }
  return Json{{"id", closed.id},
              {"state", exchange::MeetingStateName(exchange::MeetingState::kClosed)},
              {"closed_at", FormatUtc(closed.closed_at)},
              {"retention_until", FormatUtc(closed.retention_until)},
              {"outcomes", std::move(outcomes)}};
}

}  // namespace vh::gw::codecs
