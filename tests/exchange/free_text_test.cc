// Free text and the audit log: a decline reason, a
// retention reason, a supplier failure that is not a code and the name of a
// field the covenant does not know are free text that may name a person. The
// text is sealed in the case store with its meeting and shredded with it; the
// audit log keeps a code and a keyed MAC, never the text. Through the
// service's typed API with the example covenant, a real audit log and case
// store (SQLCipher files in a temp dir, both decrypted and scanned whole) and
// fake time. End to end: free_text_e2e_test.cc.
#include <gtest/gtest.h>

#include "db/database.h"
#include "tests/exchange/exchange_fixture.h"
#include "tests/support/db_dump.h"

namespace vh::exchange {
namespace {

using testing::SyntheticBsn;

// The synthetic person a reason names: a name found nowhere else, and a BSN.
constexpr const char* kName = "Jantje Kanariepiet";
const std::string kBsn = SyntheticBsn(7);

class FreeTextTest : public testing::ExchangeFixture {
 protected:
  FreeTextTest() : ExchangeFixture("vh_free_text") {}

  // A briefing about one subject (with kBsn), its requests sent.
  std::string MeetingWithRequests() {
    CreateMeeting m;
    m.overlegvorm = "briefing";
    m.title = "Briefing vrije tekst";
    m.starts_at = *ParseUtc("2026-11-24T09:00:00Z");
    m.ends_at = *ParseUtc("2026-11-24T12:00:00Z");
    m.subjects = {
        {"S1",
         {{"persoon.naam", kName}, {"persoon.geboortedatum", "1990-04-15"}, {"persoon.bsn", kBsn}},
         "melding (synthetisch)"}};
    auto created = service_->CreateMeeting(Coordinator(), m);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return "";
    auto r = service_->CreateRequests(Coordinator(), created->id,
                                      {*ParseUtc("2026-11-24T08:00:00Z"), {}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return created->id;
  }
  std::string RequestOf(const std::string& supplier) {
    auto l = service_->ListRequests(Supplier(supplier), std::nullopt);
    EXPECT_TRUE(l.ok() && !l->empty());
    return l.ok() && !l->empty() ? (*l)[0].id : "";
  }
  // The audit store decrypted, every cell of every table, and every event
  // as the officer's query shows it.
  std::string AuditText() {
    auto db = audit::OpenAuditStore(AuditPath(), audit_store_key_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return "";
    auto dump = testing::DecryptedDump(**db);
    EXPECT_TRUE(dump.ok()) << dump.status().ToString();
    std::string text = dump.ok() ? *dump : "";
    EXPECT_NE(text.find("meeting_created"), std::string::npos) << "the dump reads the events";
    for (const auto& e : AllEvents()) text += DumpJson(audit::EventToJson(e)) + "\n";
    return text;
  }
  // The case store decrypted (the SQLCipher layer), every cell.
  std::string CasesText() {
    auto db = db::Database::Open(CasesPath(), case_key_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return "";
    auto dump = testing::DecryptedDump(**db);
    EXPECT_TRUE(dump.ok()) << dump.status().ToString();
    const std::string text = dump.ok() ? *dump : "";
    EXPECT_NE(text.find("briefing"), std::string::npos) << "the dump reads the meetings";
    return text;
  }
  // A column of one row of the case store, as bytes ("" for NULL).
  std::string CasesCell(const std::string& sql, const std::string& id) {
    auto db = db::Database::Open(CasesPath(), case_key_);
    if (!db.ok()) return "";
    auto st = (*db)->Prepare(sql);
    if (!st.ok()) return "";
    st->Bind(1, id);
    auto row = st->Step();
    return row.ok() && *row && !st->IsNull(0) ? st->Blob(0) : "";
  }
  // Closes `meeting` and runs retention far enough ahead to shred it.
  void CloseAndShred(const std::string& meeting) {
    ASSERT_TRUE(service_->Close(Coordinator(), meeting, {}).ok());
    clock_.Set(*ParseUtc("2030-01-01T00:00:00Z"));
    auto run = service_->RunRetention(System());
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_EQ(run->shredded.size(), 1u);
    EXPECT_EQ(run->shredded[0].id, meeting);
  }
  const audit::Pseudonymizer& Macs() { return audit_->pseudonymizer(); }
};

TEST_F(FreeTextTest, DeclineReasonIsSealedWithTheMeetingAndNeverInTheLog) {
  const std::string meeting = MeetingWithRequests();
  const std::string request = RequestOf("om");
  const std::string reason =
      std::string(kName) + " (BSN " + kBsn + ") is bij ons niet bekend onder dit adres";
  auto d = service_->Decline(Supplier("om"), request, {reason, "onbekend"});
  ASSERT_TRUE(d.ok()) << d.status().ToString();

  // The log: neither the text nor the name nor the BSN, anywhere in the
  // decrypted store or in any event the house's officer can query.
  const std::string log = AuditText();
  ASSERT_NE(log.find("request_declined"), std::string::npos);
  EXPECT_EQ(log.find(reason), std::string::npos);
  EXPECT_EQ(log.find("Kanariepiet"), std::string::npos) << "the name is in the audit log";
  EXPECT_EQ(log.find(kBsn), std::string::npos) << "the BSN is in the audit log";

  // The event: the code and the text's MAC, bound to the request.
  auto declined = AllEvents(audit::kRequestDeclined);
  ASSERT_EQ(declined.size(), 1u);
  const Json& detail = declined[0].event.detail;
  EXPECT_EQ(detail["code"], "onbekend");
  EXPECT_EQ(detail["request"], request);
  EXPECT_FALSE(detail.contains("reason"));
  EXPECT_EQ(detail["reason_mac"], Macs().TextMac(audit::kReasonMac, request, reason));
  EXPECT_NE(detail["reason_mac"], Macs().TextMac(audit::kReasonMac, request, reason + "."));
  EXPECT_NE(detail["reason_mac"], Macs().TextMac(audit::kReasonMac, "r-other", reason));
  EXPECT_NE(detail["reason_mac"], Macs().TextMac(audit::kFieldNameMac, request, reason));

  // The store: the text and its code while the meeting lives, sealed under
  // the meeting's key (not even the decrypted database holds it in clear).
  auto stored = cases_->GetRequest(request);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->note, reason);
  EXPECT_EQ(stored->note_code, "onbekend");
  EXPECT_EQ(CasesText().find("Kanariepiet"), std::string::npos) << "not sealed";
  const std::string box = CasesCell("SELECT note FROM requests WHERE id = ?1;", request);
  ASSERT_GT(box.size(), reason.size());
  // The house's coordinator reads it on the board.
  auto board = service_->RequestBoard(Coordinator(), meeting);
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  int shown = 0;
  for (const auto& row : *board) {
    if (row.id != request) continue;
    ++shown;
    EXPECT_EQ(row.status, RequestState::kDeclined);
    EXPECT_EQ(row.reason_code, "onbekend");
    EXPECT_EQ(row.reason, reason);
  }
  EXPECT_EQ(shown, 1);

  // Shredded with the meeting: the sealed box is gone from the (decrypted)
  // store with the key that opened it; the log still verifies and still
  // holds only the code and the MAC.
  CloseAndShred(meeting);
  EXPECT_EQ(cases_->GetRequest(request).status().code(), Code::kNotFound);
  const std::string after = CasesText();
  EXPECT_EQ(after.find(box), std::string::npos) << "the sealed reason survived the shredding";
  EXPECT_EQ(after.find(request), std::string::npos);
  EXPECT_TRUE(CasesCell("SELECT wrapped_key FROM meetings WHERE id = ?1;", meeting).empty());
  EXPECT_EQ(AuditText().find("Kanariepiet"), std::string::npos);
  auto verified = audit_->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_F(FreeTextTest, DeclineCodeDefaultsToAndersAndAnUnknownCodeIs422) {
  MeetingWithRequests();
  const std::string request = RequestOf("om");
  auto bad = service_->Decline(Supplier("om"), request, {"niet bekend", "Kanariepiet"});
  EXPECT_EQ(bad.status().code(), Code::kUnprocessable);
  EXPECT_EQ(bad.status().reason(), "invalid_code");
  EXPECT_NE(bad.status().message().find("/code"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("Kanariepiet"), std::string::npos) << "code echoed";
  EXPECT_TRUE(AllEvents(audit::kRequestDeclined).empty());
  for (std::string_view code : kDeclineCodes) {
    EXPECT_TRUE(IsReasonCode(kDeclineCodes, code));
  }

  ASSERT_TRUE(service_->Decline(Supplier("om"), request, {"niet bekend"}).ok());
  auto declined = AllEvents(audit::kRequestDeclined);
  ASSERT_EQ(declined.size(), 1u);
  EXPECT_EQ(declined[0].event.detail["code"], "anders");
  EXPECT_EQ(cases_->GetRequest(request)->note_code, "anders");
}

TEST_F(FreeTextTest, RetentionReasonIsSealedAndTheCoordinatorReadsItFromTheStore) {
  const std::string meeting = MeetingWithRequests();
  ASSERT_TRUE(service_->Close(Coordinator(), meeting, {}).ok());
  const std::string reason = "bezwaar van " + std::string(kName) + ", BSN " + kBsn;
  ExtendRetention extend{*ParseUtc("2028-01-01T00:00:00Z"), reason, "verzoek_betrokkene"};
  EXPECT_EQ(service_->ExtendRetention(Coordinator(), meeting, {extend.until, reason, "later"})
                .status()
                .reason(),
            "invalid_code");
  ASSERT_TRUE(service_->ExtendRetention(Coordinator(), meeting, extend).ok());

  const std::string log = AuditText();
  EXPECT_EQ(log.find("Kanariepiet"), std::string::npos) << "the name is in the audit log";
  EXPECT_EQ(log.find(kBsn), std::string::npos) << "the BSN is in the audit log";
  auto extended = AllEvents(audit::kRetentionExtended);
  ASSERT_EQ(extended.size(), 1u);
  const Json& detail = extended[0].event.detail;
  EXPECT_EQ(detail["code"], "verzoek_betrokkene");
  EXPECT_FALSE(detail.contains("reason"));
  EXPECT_EQ(detail["reason_mac"], Macs().TextMac(audit::kReasonMac, meeting, reason));
  EXPECT_EQ(detail["until"], "2028-01-01T00:00:00.000Z");

  // GET /v1/meetings/{id}: the coordinator reads reason and code from the store.
  auto m = service_->GetMeeting(Coordinator(), meeting);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->extension_reason, reason);
  EXPECT_EQ(m->extension_code, "verzoek_betrokkene");
  const std::string box =
      CasesCell("SELECT extension_reason FROM meetings WHERE id = ?1;", meeting);
  ASSERT_FALSE(box.empty());

  clock_.Set(*ParseUtc("2028-01-02T00:00:00Z"));
  auto run = service_->RunRetention(System());
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->shredded.size(), 1u);
  const std::string after = CasesText();
  EXPECT_EQ(after.find(box), std::string::npos) << "the sealed reason survived the shredding";
  EXPECT_EQ(after.find("verzoek_betrokkene"), std::string::npos);
  auto tomb = service_->GetMeeting(Coordinator(), meeting);
  ASSERT_TRUE(tomb.ok());
  EXPECT_EQ(tomb->state, MeetingState::kShredded);
  EXPECT_FALSE(tomb->extension_reason.has_value());
}

TEST_F(FreeTextTest, AnUnknownFieldNameLeavesACountAndAMacNotTheName) {
  MeetingWithRequests();
  const std::string request = RequestOf("politie");
  const std::string canary = "kanariepiet_" + kBsn;
  auto a = service_->Answer(Supplier("politie"), request,
                            {{{"casus.bekend_bij_partner", true},
                              {"zorg.diagnose", "mag politie niet leveren"},
                              {canary, "x"}}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  // The supplier is told, by name.
  ASSERT_EQ(a->withheld.size(), 2u);
  EXPECT_TRUE(a->withheld[0].field == canary || a->withheld[1].field == canary);

  const std::string log = AuditText();
  EXPECT_EQ(log.find("anariepiet"), std::string::npos) << "the unknown field name is logged";
  EXPECT_EQ(log.find(kBsn), std::string::npos);
  auto withheld = AllEvents(audit::kFieldWithheld);
  ASSERT_EQ(withheld.size(), 1u);
  const audit::Event& e = withheld[0].event;
  // A field the covenant knows is named with its reason; the unknown one is
  // a count and a MAC a privacy officer holding the name can check.
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].field, "zorg.diagnose");
  EXPECT_EQ(e.fields[0].reason, "not_allowed_for_supplier");
  EXPECT_EQ(e.detail["unknown_fields"], 1);
  ASSERT_EQ(e.detail["unknown_field_macs"].size(), 1u);
  EXPECT_EQ(e.detail["unknown_field_macs"][0],
            Macs().TextMac(audit::kFieldNameMac, request, canary));

  // Only unknown names: refused (nothing to accept), with a message that
  // counts them and does not repeat them, and still a field_withheld event,
  // with no field in it.
  const std::string other = RequestOf("om");
  auto none = service_->Answer(Supplier("om"), other, {{{canary, 1}, {canary + "2", 2}}});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().reason(), "nothing_accepted");
  EXPECT_EQ(none.status().message().find("anariepiet"), std::string::npos);
  EXPECT_NE(none.status().message().find("2 names the covenant does not have"), std::string::npos)
      << none.status().message();
  withheld = AllEvents(audit::kFieldWithheld);
  ASSERT_EQ(withheld.size(), 2u);
  EXPECT_TRUE(withheld[1].event.fields.empty());
  EXPECT_EQ(withheld[1].event.detail["unknown_fields"], 2);
  EXPECT_EQ(AuditText().find("anariepiet"), std::string::npos);
}

TEST_F(FreeTextTest, ASupplierFailureThatIsNotACodeIsSealedLikeADecline) {
  const std::string meeting = MeetingWithRequests();
  const std::string politie = RequestOf("politie");
  const std::string om = RequestOf("om");
  ASSERT_TRUE(service_->RecordSupplierFailure(Supplier("politie"), politie, "timeout").ok());
  const std::string output = "fout: geen dossier voor " + std::string(kName) + " " + kBsn;
  ASSERT_TRUE(service_->RecordSupplierFailure(Supplier("om"), om, output).ok());

  auto failed = AllEvents(audit::kSupplierFailed);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].event.detail["reason"], "timeout");
  EXPECT_FALSE(failed[0].event.detail.contains("reason_mac"));
  EXPECT_EQ(failed[1].event.detail["reason"], "anders");
  EXPECT_EQ(failed[1].event.detail["reason_mac"], Macs().TextMac(audit::kReasonMac, om, output));
  const std::string log = AuditText();
  EXPECT_EQ(log.find("Kanariepiet"), std::string::npos);
  EXPECT_EQ(log.find(kBsn), std::string::npos);

  auto board = service_->RequestBoard(Coordinator(), meeting);
  ASSERT_TRUE(board.ok());
  for (const auto& row : *board) {
    if (row.id == politie) {
      EXPECT_EQ(row.reason_code, "timeout");
      EXPECT_FALSE(row.reason.has_value());
    } else if (row.id == om) {
      EXPECT_EQ(row.reason_code, "anders");
      EXPECT_EQ(row.reason, output);
    }
  }
  // An answer clears the failure's note.
  ASSERT_TRUE(service_->Answer(Supplier("om"), om, {{{"casus.bekend_bij_partner", true}}}).ok());
  auto answered = cases_->GetRequest(om);
  ASSERT_TRUE(answered.ok());
  EXPECT_TRUE(answered->note.empty());
  EXPECT_TRUE(answered->note_code.empty());
}

// Events written before this change hold their reasons as text: their stored
// bytes are not touched, they still verify and read as they were, next to
// the new ones.
TEST_F(FreeTextTest, EventsOfTheOldFormatStillVerify) {
  const std::string meeting = MeetingWithRequests();
  const std::string request = RequestOf("om");
  audit::Event old;
  old.type = audit::kRequestDeclined;
  old.actor = Supplier("om");
  old.meeting = meeting;
  old.supplier = "om";
  old.recipient = "veiligheidshuis-hm";
  old.outcome = "ok";
  old.detail = Json{{"request", request}, {"reason", "oude reden (synthetisch)"}};
  audit::Event old_withheld = old;
  old_withheld.type = audit::kFieldWithheld;
  old_withheld.fields.push_back({"persoon.schoenmaat", "withheld", "", "", "not_in_covenant", ""});
  old_withheld.detail = Json{{"request", request}};
  audit::Event old_extended = old;
  old_extended.type = audit::kRetentionExtended;
  old_extended.detail = Json{{"until", "2028-01-01T00:00:00.000Z"},
                             {"previous_until", "2027-01-01T00:00:00.000Z"},
                             {"reason", "oude verlenging"}};
  auto seq = audit_->Append(audit::AppendRequest({old, old_withheld, old_extended}));
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  const std::string bodies_before = AuditText();

  ASSERT_TRUE(service_->Decline(Supplier("om"), request, {"nieuwe reden", "geen_grondslag"}).ok());
  auto verified = audit_->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
  auto declined = AllEvents(audit::kRequestDeclined);
  ASSERT_EQ(declined.size(), 2u);
  EXPECT_EQ(declined[0].event.detail["reason"], "oude reden (synthetisch)");
  EXPECT_EQ(declined[1].event.detail["code"], "geen_grondslag");
  EXPECT_EQ(AllEvents(audit::kFieldWithheld)[0].event.fields[0].field, "persoon.schoenmaat");
  EXPECT_EQ(AllEvents(audit::kRetentionExtended)[0].event.detail["reason"], "oude verlenging");
  // The old event's stored body (with the trace the log stamped on it), as written then.
  const std::string body = audit::EventBody(declined[0].event);
  EXPECT_NE(bodies_before.find(body), std::string::npos);
  EXPECT_NE(AuditText().find(body), std::string::npos);
}

}  // namespace
}  // namespace vh::exchange
