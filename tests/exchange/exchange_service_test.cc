// ExchangeService through its real parts: the example covenant, a real audit
// log and a real case store (SQLCipher files in a temp dir); fake time only
// (tests/exchange/exchange_fixture.h).
#include "exchange/exchange_service.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/primitives.h"
#include "policy/engine.h"
#include "tests/exchange/exchange_fixture.h"

namespace vh::exchange {
namespace {

using testing::SyntheticBsn;

class ExchangeServiceTest : public testing::ExchangeFixture {
 protected:
  ExchangeServiceTest() : ExchangeFixture("vh_exchange") {}

  SubjectEntry Subject(const std::string& ref, int seed) {
    return {ref,
            {{"persoon.naam", "Synthetisch Persoon " + std::to_string(seed)},
             {"persoon.geboortedatum", "1990-0" + std::to_string(1 + seed % 9) + "-15"},
             {"persoon.bsn", SyntheticBsn(seed)}},
            "melding politie (synthetisch)"};
  }
  exchange::CreateMeeting MeetingCommand() {
    exchange::CreateMeeting m;
    m.overlegvorm = "briefing";
    m.title = "Briefing week 48";
    m.starts_at = *ParseUtc("2026-11-24T09:00:00Z");
    m.ends_at = *ParseUtc("2026-11-24T12:00:00Z");
    m.ad_hoc = {"woningcorporatie"};
    m.subjects = {Subject("S1", 1), Subject("S2", 2)};
    return m;
  }
  std::string CreateMeeting() {
    auto m = service_->CreateMeeting(Coordinator(), MeetingCommand());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? m->id : "";
  }
  CreatedRequests SendRequests(const std::string& id) {
    auto r = service_->CreateRequests(Coordinator(), id, {*ParseUtc("2026-11-24T08:00:00Z"), {}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CreatedRequests();
  }
  // The id of `supplier`'s request about subject `ref`.
  std::string RequestOf(const std::string& supplier, const std::string& ref) {
    auto l = service_->ListRequests(Supplier(supplier), std::nullopt);
    EXPECT_TRUE(l.ok());
    for (const auto& r : *l) {
      if (r.subject == ref) return r.id;
    }
    return "";
  }
  // An answer of `fields`.
  static AnswerRequest Fields(FieldValues fields) { return AnswerRequest{std::move(fields)}; }
};

void ExpectStatus(const Status& s, Code code, const std::string& reason, const std::string& path) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  if (!reason.empty()) {
    EXPECT_EQ(s.reason(), reason) << s.ToString();
  }
  if (!path.empty()) {
    EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
  }
}

// Every text of a meeting as the API shows it.
std::string MeetingText(const Meeting& m) {
  std::string t = m.id + " " + m.overlegvorm + " " + m.title + " " + m.purpose.value_or("");
  for (const auto& p : m.participants) t += " " + p;
  for (const auto& a : m.ad_hoc) t += " " + a.partner;
  for (const auto& s : m.subjects) {
    t += " " + s.ref + " " + s.reason.value_or("") + " " + s.outcome.value_or("");
  }
  return t + " " + m.extension_reason.value_or("");
}

TEST_F(ExchangeServiceTest, CreateMeetingDefaultsToMembers) {
  auto m = service_->CreateMeeting(Coordinator(), MeetingCommand());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto* o = covenant_->FindOverlegvorm("briefing");
  EXPECT_EQ(m->participants.size(), o->members.size());
  EXPECT_EQ(m->ad_hoc[0].partner, "woningcorporatie");
  EXPECT_EQ(m->ad_hoc[0].declaration_signed, false);
  EXPECT_EQ(m->state, MeetingState::kOpen);
  EXPECT_EQ(m->subjects.size(), 2u);
  EXPECT_EQ(MeetingText(*m).find(SyntheticBsn(1)), std::string::npos)
      << "no identities in meeting metadata";
  EXPECT_EQ(CountEvents(audit::kMeetingCreated), 1);
}

// The structural checks (unknown keys, wrong types, missing members) are the
// JSON codec's: tests/gateway/codecs_test.cc.
TEST_F(ExchangeServiceTest, CreateMeetingRefusesBadInput) {
  auto bad = [&](const exchange::CreateMeeting& command) {
    return service_->CreateMeeting(Coordinator(), command).status();
  };
  exchange::CreateMeeting b = MeetingCommand();
  b.overlegvorm = "kaartclub";
  ExpectStatus(bad(b), Code::kUnprocessable, "unknown_overlegvorm", "/overlegvorm");
  b = MeetingCommand();
  b.participants = {"politie", "bakkerij"};
  ExpectStatus(bad(b), Code::kUnprocessable, "unknown_partner", "/participants/1");
  b = MeetingCommand();
  b.participants = {"politie", "woningcorporatie"};
  ExpectStatus(bad(b), Code::kUnprocessable, "non_signatory", "/participants/1");
  b = MeetingCommand();
  b.ad_hoc = {"bakkerij"};
  ExpectStatus(bad(b), Code::kUnprocessable, "unknown_partner", "/ad_hoc/0");
  b = MeetingCommand();
  b.overlegvorm = "radicalisering";
  ExpectStatus(bad(b), Code::kUnprocessable, "ad_hoc_not_admitted", "/ad_hoc/0");
  b = MeetingCommand();
  b.subjects[1].identity["persoon.bsn"] = "123456789";  // fails the 11-proef
  Status s = bad(b);
  ExpectStatus(s, Code::kUnprocessable, "invalid_bsn", "/subjects/1/identity/persoon.bsn");
  EXPECT_EQ(s.message().find("123456789"), std::string::npos) << "no BSN in messages";
  b = MeetingCommand();
  b.subjects[0].identity["persoon.schoenmaat"] = 44;
  ExpectStatus(bad(b), Code::kUnprocessable, "unknown_field",
               "/subjects/0/identity/persoon.schoenmaat");
  b = MeetingCommand();
  b.subjects[0].identity["persoon.geboortedatum"] = "gisteren";
  ExpectStatus(bad(b), Code::kUnprocessable, "wrong_type",
               "/subjects/0/identity/persoon.geboortedatum");
  b = MeetingCommand();
  b.subjects[1].ref = "S1";
  ExpectStatus(bad(b), Code::kUnprocessable, "duplicate", "/subjects/1/ref");
  b = MeetingCommand();
  b.ends_at = *ParseUtc("2026-11-24T08:00:00Z");
  ExpectStatus(bad(b), Code::kUnprocessable, "invalid_time", "/ends_at");
  b = MeetingCommand();
  b.subjects.clear();
  ExpectStatus(bad(b), Code::kUnprocessable, "empty", "/subjects");
  // Only the house's coordinators create meetings.
  EXPECT_EQ(service_->CreateMeeting(Participant("politie"), MeetingCommand()).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(CountEvents(audit::kMeetingCreated), 0);
}

TEST_F(ExchangeServiceTest, OneRequestPerSupplierAndSubjectWithExactlyTheSuppliableFields) {
  const std::string id = CreateMeeting();
  CreatedRequests r = SendRequests(id);
  const auto* o = covenant_->FindOverlegvorm("briefing");
  // The subjects' municipality is unknown: the briefing's gemeenten see
  // residents only, so they are not asked.
  auto suppliers = policy::RequestSuppliersAbout(*covenant_, *o, {"woningcorporatie"}, "");
  ASSERT_EQ(suppliers.size() + 3,
            policy::RequestSuppliers(*covenant_, *o, {"woningcorporatie"}).size());
  ASSERT_EQ(r.requests.size(), suppliers.size() * 2);
  for (const auto& req : r.requests) {
    const std::string sup = req.supplier;
    std::vector<std::string> want;
    for (const auto* f : policy::SuppliableFields(*covenant_, *o, sup, sup == "woningcorporatie")) {
      want.push_back(f->id);
    }
    EXPECT_EQ(req.fields, want) << sup;
  }
  EXPECT_EQ(CountEvents(audit::kRequestSent), static_cast<int>(suppliers.size() * 2));
  // Sending again creates nothing new.
  CreatedRequests again = SendRequests(id);
  EXPECT_TRUE(again.requests.empty());

  auto l = service_->ListRequests(Supplier("politie"), RequestState::kOpen);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 2u);
  const SupplierRequest& first = (*l)[0];
  EXPECT_EQ(first.overlegvorm, "briefing");
  EXPECT_EQ(first.identity.at("persoon.bsn"), SyntheticBsn(1));
  EXPECT_EQ(first.identity.size(), 3u);
  EXPECT_EQ(first.status, RequestState::kOpen);
  clock_.Set(*ParseUtc("2026-11-24T08:30:00Z"));
  l = service_->ListRequests(Supplier("politie"), RequestState::kOpen);
  EXPECT_EQ((*l)[0].status, RequestState::kOverdue);
  // An unknown status is the codec's 422 (tests/gateway/codecs_test.cc); a
  // caller that is not a supplier lists nothing.
  EXPECT_EQ(service_->ListRequests(Participant("politie"), std::nullopt).status().code(),
            Code::kPermissionDenied);
}

TEST_F(ExchangeServiceTest, TypedMeetingShowsCoordinatorsMoreThanParticipants) {
  const std::string id = CreateMeeting();
  const CreatedRequests sent = SendRequests(id);
  auto c = service_->GetMeeting(Coordinator(), id);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->purpose, covenant_->FindOverlegvorm("briefing")->purpose);
  EXPECT_EQ(c->starts_at, *ParseUtc("2026-11-24T09:00:00Z"));
  EXPECT_EQ(c->phase, Phase::kClientAbsent);
  EXPECT_EQ(c->subjects[0].reason, "melding politie (synthetisch)");
  ASSERT_TRUE(c->requests.has_value());
  EXPECT_EQ(c->requests->size(), 1u);
  EXPECT_EQ(c->requests->at(RequestState::kOpen), static_cast<int>(sent.requests.size()));
  EXPECT_FALSE(c->closed_at.has_value());
  auto p = service_->GetMeeting(Participant("politie"), id);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->subjects[0].reason.has_value()) << "reasons are the coordinators'";
  EXPECT_FALSE(p->requests.has_value());
  EXPECT_EQ(p->title, c->title);
}

TEST_F(ExchangeServiceTest, RequestFiltersAndTypedDeclines) {
  const std::string id = CreateMeeting();
  SendRequests(id);
  const std::string s1 = RequestOf("politie", "S1");
  const std::string s2 = RequestOf("politie", "S2");
  ASSERT_TRUE(
      service_->Answer(Supplier("politie"), s1, Fields({{"casus.bekend_bij_partner", true}})).ok());
  ASSERT_TRUE(service_->RecordSupplierFailure(Supplier("politie"), s2, "timeout").ok());
  auto count = [&](RequestFilter filter) {
    auto l = service_->ListRequests(Supplier("politie"), filter);
    EXPECT_TRUE(l.ok());
    return l.ok() ? l->size() : 0u;
  };
  EXPECT_EQ(count(std::nullopt), 2u);
  EXPECT_EQ(count(RequestState::kOpen), 1u) << "open lists the failed one, still awaiting";
  EXPECT_EQ(count(RequestState::kFailed), 1u);
  EXPECT_EQ(count(RequestState::kAnswered), 1u);
  EXPECT_EQ(count(RequestState::kDeclined), 0u);
  // A typed caller's reason is held to the API's limit too.
  ExpectStatus(
      service_->Decline(Supplier("politie"), s2, {std::string(kMaxReasonBytes + 1, 'x')}).status(),
      Code::kUnprocessable, "too_long", "/reason");
  ExpectStatus(service_->Decline(Supplier("politie"), s2, {""}).status(), Code::kUnprocessable,
               "empty", "/reason");
  auto d = service_->Decline(Supplier("politie"), s2, {"persoon onbekend"});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->request, s2);
  EXPECT_EQ(count(RequestState::kDeclined), 1u);
}

TEST_F(ExchangeServiceTest, AnswersAcceptWithholdAndReplace) {
  const std::string id = CreateMeeting();
  SendRequests(id);
  const std::string rid = RequestOf("politie", "S1");
  ASSERT_FALSE(rid.empty());
  AnswerRequest body =
      Fields({{"casus.bekend_bij_partner", true},
              {"leefgebied.delictgeschiedenis", "2019 winkeldiefstal (synthetisch)"},
              {"zorg.diagnose", "mag politie niet leveren"},
              {"persoon.schoenmaat", 44}});
  auto a = service_->Answer(Supplier("politie"), rid, body);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->accepted.size(), 2u);
  EXPECT_EQ(a->withheld.size(), 2u);
  EXPECT_EQ(a->replaced, false);
  EXPECT_EQ(CountEvents(audit::kAnswerReceived), 1);
  EXPECT_EQ(CountEvents(audit::kFieldWithheld), 1);

  // Another partner's request: 403, audited.
  auto other = service_->Answer(Supplier("om"), rid, body);
  EXPECT_EQ(other.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(CountEvents(audit::kAccessRefused), 1);
  // Wrong types (unknown keys and a non-object `fields` are the codec's:
  // tests/gateway/codecs_test.cc).
  ExpectStatus(
      service_->Answer(Supplier("politie"), rid, Fields({{"casus.bekend_bij_partner", "ja"}}))
          .status(),
      Code::kUnprocessable, "wrong_type", "/fields/casus.bekend_bij_partner");
  EXPECT_EQ(service_->Answer(Supplier("politie"), "r-nope", body).status().code(), Code::kNotFound);

  // Answering twice replaces: the old delictgeschiedenis is gone.
  auto b =
      service_->Answer(Supplier("politie"), rid, Fields({{"casus.bekend_bij_partner", false}}));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->replaced, true);
  auto answers = cases_->Answers(id);
  ASSERT_TRUE(answers.ok());
  int politie_values = 0;
  for (const auto& x : *answers) {
    if (x.supplier == "politie") {
      ++politie_values;
      EXPECT_EQ(x.field, "casus.bekend_bij_partner");
      EXPECT_EQ(x.value, false);
    }
  }
  EXPECT_EQ(politie_values, 1);
  // An answer of which nothing can be accepted (a field politie may not
  // supply, a misspelt name, no fields at all) is 422 and keeps the answer
  // before it; what was withheld is audited all the same.
  const int withheld_events = CountEvents(audit::kFieldWithheld);
  for (const AnswerRequest& none : {Fields({{"zorg.diagnose", "mag politie niet leveren"}}),
                                    Fields({{"casus.bekend_bij_partnr", true}}), AnswerRequest{}}) {
    ExpectStatus(service_->Answer(Supplier("politie"), rid, none).status(), Code::kUnprocessable,
                 "nothing_accepted", "/fields");
  }
  EXPECT_EQ(CountEvents(audit::kFieldWithheld), withheld_events + 2);
  EXPECT_EQ(CountEvents(audit::kAnswerReceived), 2);
  auto kept = cases_->Answers(id);
  ASSERT_TRUE(kept.ok());
  auto values = [](const std::vector<store::AnswerRecord>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.supplier + " " + x.field + " " + x.value.dump());
    return out;
  };
  EXPECT_EQ(values(*kept), values(*answers)) << "a refused answer changed the stored one";
  // Declining an answered request: 409.
  EXPECT_EQ(service_->Decline(Supplier("politie"), rid, {"x"}).status().code(), Code::kConflict);
  const std::string om = RequestOf("om", "S1");
  auto d = service_->Decline(Supplier("om"), om, {"geen grondslag"});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(CountEvents(audit::kRequestDeclined), 1);
  EXPECT_EQ(service_->Decline(Supplier("om"), om, {"nogmaals"}).status().code(), Code::kConflict);
  // An adapter's failure is recorded.
  const std::string rn = RequestOf("reclassering", "S1");
  EXPECT_TRUE(service_->RecordSupplierFailure(Supplier("reclassering"), rn, "timeout").ok());
  EXPECT_EQ(CountEvents(audit::kSupplierFailed), 1);
  auto l = service_->ListRequests(Supplier("reclassering"), RequestState::kFailed);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size(), 1u);
}

TEST_F(ExchangeServiceTest, DossierShowsExactlyWhatTheCovenantAllows) {
  const std::string id = CreateMeeting();
  SendRequests(id);
  ASSERT_TRUE(service_
                  ->Answer(Supplier("politie"), RequestOf("politie", "S1"),
                           Fields({{"casus.bekend_bij_partner", true},
                                   {"leefgebied.delictgeschiedenis", "synthetisch delict"}}))
                  .ok());
  ASSERT_TRUE(service_
                  ->Answer(Supplier("woningcorporatie"), RequestOf("woningcorporatie", "S1"),
                           Fields({{"wonen.dreigende_uitzetting", true}}))
                  .ok());

  auto pol = service_->Dossier(Participant("politie"), id);
  ASSERT_TRUE(pol.ok()) << pol.status().ToString();
  EXPECT_EQ((*pol)["phase"], "client_absent");
  const Json& f = (*pol)["subjects"][0]["fields"];
  // presence only (B12), and every entry carries from, rule and as.
  ASSERT_TRUE(f.contains("leefgebied.delictgeschiedenis"));
  EXPECT_EQ(f["leefgebied.delictgeschiedenis"][0]["value"], true);
  EXPECT_EQ(f["leefgebied.delictgeschiedenis"][0]["as"], "presence");
  EXPECT_EQ(f["leefgebied.delictgeschiedenis"][0]["from"], "politie");
  EXPECT_EQ(f["leefgebied.delictgeschiedenis"][0]["rule"], "B12");
  EXPECT_EQ(f["persoon.naam"][0]["from"], "veiligheidshuis-hm");
  EXPECT_FALSE(f.contains("persoon.bsn")) << "the BSN goes to the house only";
  EXPECT_EQ(f["wonen.dreigende_uitzetting"][0]["as"], "presence");
  EXPECT_EQ(DumpJson(*pol).find("synthetisch delict"), std::string::npos);
  EXPECT_EQ(CountEvents(audit::kDossierDisclosed), 1);  // one per view, with a part per subject

  // Each disclosed field's MAC in the event is the MAC of the value as shown,
  // in the part of the subject it was shown about, so a privacy officer
  // holding the key can prove what was disclosed about whom.
  audit::QueryFilter q;
  q.type = audit::kDossierDisclosed;
  auto events = audit_->Query(q);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->events.size(), 1u);
  const audit::Event& view_event = events->events[0].event;
  ASSERT_EQ(view_event.parts.size(), 2u);
  int macs = 0;
  for (std::size_t si = 0; si < view_event.parts.size(); ++si) {
    const audit::SubjectPart& part = view_event.parts[si];
    const Json& shown = (*pol)["subjects"][si];
    EXPECT_EQ(part.subject.size(), 64u);
    if (si > 0) {
      EXPECT_NE(part.subject, view_event.parts[si - 1].subject);
    }
    ASSERT_EQ(part.from.size(), part.fields.size());
    int disclosed = 0;
    for (std::size_t i = 0; i < part.fields.size(); ++i) {
      const audit::FieldDecision& fd = part.fields[i];
      if (fd.decision != "disclosed") continue;
      ++disclosed;
      std::set<std::string> candidates;
      for (const auto& e : shown["fields"].value(fd.field, Json::array())) {
        if (e["from"] == part.from[i])
          candidates.insert(audit_->pseudonymizer().ValueMac(fd.field, e["value"]));
      }
      EXPECT_EQ(candidates.count(fd.value_mac), 1u) << fd.field;
      ++macs;
    }
    EXPECT_EQ(part.shown, disclosed);
    EXPECT_EQ(part.withheld, static_cast<int64_t>(part.fields.size()) - disclosed);
  }
  EXPECT_GT(macs, 3);
  // Asked about one subject, the log shows the view as an event about that
  // subject alone: its fields, its suppliers, no other subject's part.
  q.subject = view_event.parts[1].subject;
  auto about = audit_->Query(q);
  ASSERT_TRUE(about.ok());
  ASSERT_EQ(about->events.size(), 1u);
  EXPECT_EQ(about->events[0].event.subject, view_event.parts[1].subject);
  EXPECT_TRUE(about->events[0].event.parts.empty());
  EXPECT_EQ(about->events[0].event.fields.size(), view_event.parts[1].fields.size());
  EXPECT_EQ(about->events[0].event.detail["from"].size(), view_event.parts[1].from.size());
  // Viewing the unchanged dossier again gives the same body and an event
  // naming the same decision sets.
  auto again = service_->Dossier(Participant("politie"), id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *pol);
  q.subject.clear();
  auto both = audit_->Query(q);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->events.size(), 2u);
  for (std::size_t si = 0; si < 2; ++si) {
    EXPECT_EQ(both->events[1].event.parts[si].set, view_event.parts[si].set);
  }
  auto verified = audit_->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;

  // An ad hoc partner sees nothing before signing.
  auto wc = service_->Dossier(Participant("woningcorporatie"), id);
  ExpectStatus(wc.status(), Code::kPermissionDenied, "declaration_not_signed", "");
  auto decl = service_->GetDeclaration(Participant("woningcorporatie"), id);
  ASSERT_TRUE(decl.ok());
  EXPECT_EQ(decl->text_sha256, crypto::Sha256Hex(decl->text));
  ExpectStatus(
      service_->SignDeclaration(Participant("woningcorporatie"), id, {std::string(64, 'a')})
          .status(),
      Code::kUnprocessable, "declaration_mismatch", "/text_sha256");
  ASSERT_TRUE(
      service_->SignDeclaration(Participant("woningcorporatie"), id, {decl->text_sha256}).ok());
  EXPECT_EQ(CountEvents(audit::kDeclarationSigned), 1);
  wc = service_->Dossier(Participant("woningcorporatie"), id);
  ASSERT_TRUE(wc.ok()) << wc.status().ToString();
  const Json& wf = (*wc)["subjects"][0]["fields"];
  EXPECT_EQ(wf["persoon.geboortedatum"][0]["as"], "age");
  EXPECT_TRUE(wf["persoon.geboortedatum"][0]["value"].is_number_integer());
  EXPECT_EQ(wf["casus.bekend_bij_partner"][0]["as"], "presence");
  EXPECT_FALSE(wf.contains("leefgebied.delictgeschiedenis"));
  // Members of other overlegvormen / not invited: 403.
  EXPECT_EQ(service_->Dossier(Participant("uwv"), id).status().code(), Code::kPermissionDenied);
  // Non-participants of the role: refused.
  EXPECT_EQ(service_->Dossier(Supplier("politie"), id).status().code(), Code::kPermissionDenied);

  // Client at the table: client:false fields disappear, names stay.
  ASSERT_TRUE(service_->SetPhase(Coordinator(), id, {true}).ok());
  pol = service_->Dossier(Participant("politie"), id);
  ASSERT_TRUE(pol.ok());
  EXPECT_EQ((*pol)["phase"], "client_present");
  const Json& f2 = (*pol)["subjects"][0]["fields"];
  EXPECT_FALSE(f2.contains("leefgebied.delictgeschiedenis"));
  EXPECT_FALSE(f2.contains("casus.bekend_bij_partner"));
  EXPECT_TRUE(f2.contains("persoon.naam"));
  // A client_present that is not a boolean: the codec's (tests/gateway/codecs_test.cc).

  // After the meeting's end the ad hoc partner sees nothing.
  clock_.Set(*ParseUtc("2026-11-24T12:00:01Z"));
  ExpectStatus(service_->Dossier(Participant("woningcorporatie"), id).status(),
               Code::kPermissionDenied, "meeting_ended", "");
  EXPECT_TRUE(service_->Dossier(Participant("politie"), id).ok());

  // Closing: nobody sees anything; answers are 409.
  const std::string om_request = RequestOf("om", "S2");
  ASSERT_FALSE(om_request.empty());
  ASSERT_TRUE(service_->Close(Coordinator(), id, {{{"S1", "focus"}}}).ok());
  ExpectStatus(service_->Dossier(Participant("politie"), id).status(), Code::kPermissionDenied,
               "meeting_closed", "");
  EXPECT_EQ(service_->GetMeeting(Participant("politie"), id).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(service_->Answer(Supplier("om"), om_request, Fields({{"justitie.lopende_zaak", true}}))
                .status()
                .code(),
            Code::kConflict);
}

TEST_F(ExchangeServiceTest, CloseValidatesOutcomes) {
  const std::string id = CreateMeeting();
  auto close = [&](const CloseMeeting& c) {
    return service_->Close(Coordinator(), id, c).status();
  };
  ExpectStatus(close({{{"S9", "focus"}}}), Code::kUnprocessable, "unknown_subject",
               "/outcomes/0/subject");
  ExpectStatus(close({{{"S1", "opsluiten"}}}), Code::kUnprocessable, "invalid_decision",
               "/outcomes/0/decision");
  // An unknown key in an outcome: the codec's (tests/gateway/codecs_test.cc).
  ASSERT_TRUE(close({{{"S1", "monitoren"}, {"S2", "geen-vervolg"}}}).ok());
  EXPECT_EQ(close({}).code(), Code::kConflict);
  auto m = service_->GetMeeting(Coordinator(), id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, MeetingState::kClosed);
  EXPECT_EQ(m->subjects[0].outcome, "monitoren");
}

TEST_F(ExchangeServiceTest, RetentionShredsAfterRetentionDaysAndHonoursExtensions) {
  const std::string a = CreateMeeting();
  const std::string b = CreateMeeting();
  SendRequests(a);
  ASSERT_TRUE(service_
                  ->Answer(Supplier("politie"), RequestOf("politie", "S1"),
                           Fields({{"casus.bekend_bij_partner", true}}))
                  .ok());
  ASSERT_TRUE(service_->Close(Coordinator(), a, {}).ok());
  ASSERT_TRUE(service_->Close(Coordinator(), b, {}).ok());
  // Extension: must be later, needs a reason, closed meetings only.
  ExpectStatus(service_->ExtendRetention(Coordinator(), b, {*ParseUtc("2027-01-01"), "x"}).status(),
               Code::kUnprocessable, "not_later", "/until");
  // (A body without a reason is the codec's missing_field: tests/gateway/codecs_test.cc.)
  ExpectStatus(service_->ExtendRetention(Coordinator(), b, {*ParseUtc("2027-12-01"), ""}).status(),
               Code::kUnprocessable, "empty", "/reason");
  ASSERT_TRUE(
      service_->ExtendRetention(Coordinator(), b, {*ParseUtc("2027-12-01"), "bezwaarprocedure"})
          .ok());
  EXPECT_EQ(CountEvents(audit::kRetentionExtended), 1);

  audit::Actor system{"veiligheidshuis-hm", "system", "test", "", ""};
  auto r = service_->RunRetention(system);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->shredded.empty());
  clock_.Set(*ParseUtc("2027-02-21T08:00:01Z"));  // 90 days after closing
  r = service_->RunRetention(system);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->shredded.size(), 1u);
  EXPECT_EQ(r->shredded[0].id, a);
  EXPECT_EQ(CountEvents(audit::kDataShredded), 1);
  auto m = cases_->GetMeeting(a);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, "shredded");
  EXPECT_TRUE(cases_->Answers(a)->empty());
  // The audit log keeps the meeting's events.
  audit::QueryFilter f;
  f.meeting = a;
  f.chronological_all = true;
  EXPECT_GT(audit_->Query(f)->events.size(), 3u);

  clock_.Set(*ParseUtc("2027-12-01T00:00:00Z"));
  r = service_->RunRetention(system);
  ASSERT_EQ(r->shredded.size(), 1u);
  EXPECT_EQ(r->shredded[0].id, b);
}

}  // namespace
}  // namespace vh::exchange
