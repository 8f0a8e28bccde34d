// Before the meeting end to end: the real `vhgate serve` over
// mutual TLS with the example certificates and covenant. A notification is
// matched to what the house already knows, the notifier hears the decision
// and nothing more, a check answers known or not and nothing else (its BSN
// in no log line or metric), code rood goes first and may start at once,
// bad input gets a precise 4xx, and the access report tells it in Dutch.

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/clock.h"
#include "tests/exchange/case_util.h"

namespace vh::testing {
namespace {

class NotificationsE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    gw_ = std::make_unique<GatewayHarness>();
    ASSERT_TRUE(gw_->Running()) << gw_->Log();
  }
  std::unique_ptr<GatewayHarness> gw_;
};

std::set<std::string> Keys(const Json& j) {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

TEST_F(NotificationsE2ETest, ANotificationIsMatchedToTheOpenCaseAndEarlierNotifications) {
  const std::string first = Notify(*gw_, CaseNotification(201));
  const std::string case_id = Triage(*gw_, first, {{"decision", "agenderen"}});
  ASSERT_FALSE(case_id.empty());
  // The same person again, from another partner: known by BSN.
  const std::string second = Notify(*gw_, CaseNotification(201), "om.supplier");
  Json row = ListedNotification(*gw_, second, "new");
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row["partner"], "om");
  EXPECT_EQ(row["identity"]["persoon.bsn"], SyntheticBsn(201));
  std::set<std::string> matched;
  for (const auto& m : row["matches"]) {
    EXPECT_EQ(m["by"], "bsn");
    EXPECT_FALSE(m["candidate"].get<bool>());
    matched.insert(m["kind"].get<std::string>() + ":" + m["id"].get<std::string>());
  }
  EXPECT_EQ(matched, (std::set<std::string>{"case:" + case_id, "notification:" + first}));
  // Without a BSN, by name and date of birth: a candidate, never merged.
  const std::string by_name = Notify(
      *gw_,
      {{"identity",
        {{"persoon.naam", "Synthetische Persoon 201"}, {"persoon.geboortedatum", "1991-05-17"}}},
       {"category", "zorgmelding"},
       {"reason", "Synthetisch: zorgen"}});
  row = ListedNotification(*gw_, by_name);
  ASSERT_TRUE(row.is_object());
  ASSERT_FALSE(row["matches"].empty());
  for (const auto& m : row["matches"]) {
    EXPECT_EQ(m["by"], "name_and_birth_date");
    EXPECT_TRUE(m["candidate"].get<bool>());
  }
  EXPECT_FALSE(row.contains("case"));
  // Another person with another BSN but the same name: not a match.
  const std::string other = Notify(*gw_, CaseNotification(202));
  EXPECT_TRUE(ListedNotification(*gw_, other)["matches"].empty());
  // The coordinator puts the second notification in the case.
  EXPECT_EQ(Triage(*gw_, second, {{"decision", "agenderen"}, {"case", case_id}}), case_id);
  HttpResult c = gw_->Get(kNtkCoordinator, "/v1/cases/" + case_id);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["notifications"].size(), 2u);
  // Triaged once only; the refusal is audited.
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/notifications/" + second + "/triage",
                           {{"decision", "niet-agenderen"}}),
                 409, "already_triaged");
  EXPECT_EQ(NtkRefusals(*gw_, "Informatiecoordinator-E", "already_triaged"), 1);
}

TEST_F(NotificationsE2ETest, TheNotifierHearsTheDecisionAndNothingMore) {
  const std::string id = Notify(*gw_, CaseNotification(211));
  HttpResult before = gw_->Get("politie.supplier", "/v1/notifications/" + id);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.json()["status"], "new");
  EXPECT_TRUE(before.json()["decision"].is_null());
  // On the briefing's agenda; the briefing decides "focus".
  const std::string case_id = Triage(*gw_, id, {{"decision", "agenderen"}});
  const std::string meeting = MeetingForCase(*gw_, case_id, 211);
  ASSERT_FALSE(meeting.empty());
  // An outcome the covenant does not know is 422.
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings/" + meeting + "/close",
                           {{"outcomes", {{{"subject", "S1"}, {"decision", "opsluiten"}}}}}),
                 422, "invalid_decision", "/outcomes/0/decision");
  ASSERT_EQ(gw_->Post(kNtkCoordinator, "/v1/meetings/" + meeting + "/close",
                      {{"outcomes", {{{"subject", "S1"}, {"decision", "vrijwillig-traject"}}}}})
                .status,
            200);
  HttpResult after = gw_->Get("politie.participant", "/v1/notifications/" + id);
  ASSERT_EQ(after.status, 200) << after.body;
  const Json f = after.json();
  EXPECT_EQ(Keys(f), (std::set<std::string>{"id", "status", "received_at", "decision",
                                            "decision_label", "decided_at"}));
  EXPECT_EQ(f["status"], "triaged");
  EXPECT_EQ(f["decision"], "vrijwillig-traject");
  EXPECT_EQ(f["decision_label"], "Vrijwillig hulpverleningstraject");
  EXPECT_EQ(after.body.find("Synthetisch"), std::string::npos) << after.body;
  EXPECT_EQ(after.body.find(SyntheticBsn(211)), std::string::npos) << after.body;
  // The decision is on the case, with the meeting.
  const Json c = gw_->Get(kNtkCoordinator, "/v1/cases/" + case_id).json();
  ASSERT_EQ(c["outcomes"].size(), 1u);
  EXPECT_EQ(c["outcomes"][0]["meeting"], meeting);
  EXPECT_EQ(c["outcomes"][0]["decision"], "vrijwillig-traject");
  // Another partner's certificate: 403, audited; nothing of the notification.
  HttpResult other = gw_->Get("om.supplier", "/v1/notifications/" + id);
  NtkExpectError(other, 403, "not_notifier");
  EXPECT_EQ(other.body.find("vrijwillig"), std::string::npos);
  EXPECT_EQ(NtkRefusals(*gw_, "OM-Compas", "not_notifier"), 1);
  // Every answer to the notifier is an event naming it as recipient.
  int disclosed = 0;
  for (const auto& e : NtkEvents(*gw_, kNtkHouseOfficer, "type=notification_disclosed")) {
    EXPECT_EQ(e["recipient"], "politie");
    ++disclosed;
  }
  EXPECT_EQ(disclosed, 2);
  // A notification not put on an agenda: the triage decision is the feedback.
  const std::string declined = Notify(*gw_, CaseNotification(212));
  EXPECT_EQ(Triage(*gw_, declined, {{"decision", "doorverwijzen"}}), "");
  const Json d = gw_->Get("politie.participant", "/v1/notifications/" + declined).json();
  EXPECT_EQ(d["status"], "closed");
  EXPECT_EQ(d["decision"], "doorverwijzen");
}

TEST_F(NotificationsE2ETest, CheckAnswersKnownOrNotAndNothingElse) {
  const std::string id = Notify(*gw_, CaseNotification(221));
  const std::string case_id = Triage(*gw_, id, {{"decision", "agenderen"}});
  HttpResult known = gw_->Post("politie.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}});
  ASSERT_EQ(known.status, 200) << known.body;
  EXPECT_EQ(known.json(), Json({{"known", true}}));
  HttpResult unknown = gw_->Post("politie.participant", "/v1/check", {{"bsn", SyntheticBsn(222)}});
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_EQ(unknown.json(), Json({{"known", false}}));
  // The GET the contract names: the same answer.
  HttpResult by_get = gw_->Get("politie.supplier", "/v1/check?bsn=" + SyntheticBsn(221));
  ASSERT_EQ(by_get.status, 200) << by_get.body;
  EXPECT_EQ(by_get.json(), Json({{"known", true}}));
  // om may hear the case holder, once named.
  ASSERT_EQ(gw_->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/holder",
                      {{"case_holder", "reclassering"}})
                .status,
            200);
  EXPECT_EQ(gw_->Post("om.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}}).json(),
            Json({{"known", true}, {"case_holder", "reclassering"}}));
  EXPECT_EQ(gw_->Post("politie.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}}).json(),
            Json({{"known", true}}));
  // A partner without check: true; a BSN failing the 11-proef (never echoed).
  NtkExpectError(gw_->Post("reclassering.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}}), 403,
                 "check_not_allowed");
  // Anything but the BSN is refused, saying what is known (the member's
  // name is not echoed: it could be a number).
  HttpResult extra =
      gw_->Post("politie.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}, {"naam", "x"}});
  NtkExpectError(extra, 422, "unknown_field");
  EXPECT_EQ(extra.json()["error"]["message"], "/: only bsn is known");
  // A query parameter the route does not take: the router refuses it.
  HttpResult extra_query =
      gw_->Get("politie.supplier", "/v1/check?bsn=" + SyntheticBsn(221) + "&naam=x");
  NtkExpectError(extra_query, 400, "bad_query");
  EXPECT_EQ(extra_query.json()["error"]["message"], "unknown query parameter: /v1/check takes bsn");
  HttpResult bad = gw_->Get("politie.supplier", "/v1/check?bsn=123456789");
  NtkExpectError(bad, 422, "invalid_bsn", "/bsn");
  EXPECT_EQ(bad.body.find("123456789"), std::string::npos);
  // Closed: no longer known.
  ASSERT_EQ(
      gw_->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/close", {{"reason", "klaar"}}).status,
      200);
  EXPECT_EQ(gw_->Post("politie.supplier", "/v1/check", {{"bsn", SyntheticBsn(221)}}).json(),
            Json({{"known", false}}));
  // Every answer is a check_performed event about the person.
  const Json events = NtkEvents(*gw_, kNtkHouseOfficer, "type=check_performed");
  EXPECT_EQ(events.size(), 6u);
  // The BSN is in no log line and no metric, whichever route carried it.
  gw_->Stop();
  for (int seed : {221, 222}) {
    EXPECT_EQ(gw_->Log().find(SyntheticBsn(seed)), std::string::npos) << seed;
  }
}

TEST_F(NotificationsE2ETest, TheBsnOfACheckIsInNoMetric) {
  ASSERT_EQ(gw_->Get("politie.supplier", "/v1/check?bsn=" + SyntheticBsn(231)).status, 200);
  const std::string metrics = gw_->Metrics();
  EXPECT_NE(metrics.find("route=\"/v1/check\""), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find(SyntheticBsn(231)), std::string::npos);
}

TEST_F(NotificationsE2ETest, CodeRoodGoesFirstAndItsMeetingMayStartAtOnce) {
  const std::string normal = Notify(*gw_, CaseNotification(241));
  Json urgent_body = CaseNotification(242, "huiselijk-geweld");
  urgent_body["urgent"] = true;
  const std::string urgent = Notify(*gw_, urgent_body);
  HttpResult list = gw_->Get(kNtkCoordinator, "/v1/notifications?status=new");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["notifications"].size(), 2u);
  EXPECT_EQ(list.json()["notifications"][0]["id"], urgent);
  EXPECT_EQ(list.json()["notifications"][1]["id"], normal);
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_urgent_notifications_open"), 1);
  EXPECT_EQ(NtkEvents(*gw_, kNtkHouseOfficer, "type=urgent_notification").size(), 1u);
  // A focusoverleg (urgent: true) about the urgent case: requests within the
  // hour. Any other meeting's requests need an hour's notice.
  const std::string case_id = Triage(*gw_, urgent, {{"decision", "agenderen"}});
  const std::string now_plus_20m =
      FormatUtc(std::chrono::system_clock::now() + std::chrono::minutes(20));
  const std::string focus = MeetingForCase(*gw_, case_id, 242, "focusoverleg");
  HttpResult fast = gw_->Post(kNtkCoordinator, "/v1/meetings/" + focus + "/requests",
                              {{"deadline", now_plus_20m}});
  EXPECT_EQ(fast.status, 201) << fast.body;
  const std::string briefing = NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 241)}));
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings/" + briefing + "/requests",
                           {{"deadline", now_plus_20m}}),
                 422, "deadline_too_soon", "/deadline");
  // Closed with its case: no longer open code rood.
  ASSERT_EQ(
      gw_->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/close", {{"reason", "klaar"}}).status,
      200);
  std::this_thread::sleep_for(std::chrono::seconds(6));  // the gauge's cache
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_urgent_notifications_open"), 0);
}

TEST_F(NotificationsE2ETest, BadInputGetsAPrecise4xx) {
  auto post = [&](const Json& body) {
    return gw_->Post("politie.supplier", "/v1/notifications", body);
  };
  Json b = CaseNotification(251);
  b["category"] = "inbraak";
  NtkExpectError(post(b), 422, "unknown_category", "/category");
  b = CaseNotification(251);
  b.erase("identity");
  NtkExpectError(post(b), 422, "missing_field", "/identity");
  b["identity"] = Json::object();
  NtkExpectError(post(b), 422, "missing_identity", "/identity");
  b["identity"] = {{"persoon.naam", "Alleen Een Naam"}};
  NtkExpectError(post(b), 422, "missing_identity", "/identity");
  b["identity"] = {{"persoon.bsn", "123456789"}};
  HttpResult r = post(b);
  NtkExpectError(r, 422, "invalid_bsn", "/identity/persoon.bsn");
  EXPECT_EQ(r.body.find("123456789"), std::string::npos);
  b["identity"] = {{"casus.reden_melding", "x"}};
  NtkExpectError(post(b), 422, "not_identity_field", "/identity/casus.reden_melding");
  b = CaseNotification(251);
  b["release_date"] = "2027-01-01";
  NtkExpectError(post(b), 422, "release_date_not_allowed", "/release_date");
  b = CaseNotification(251, "detentie");
  NtkExpectError(post(b), 422, "missing_field", "/release_date");
  b["release_date"] = "2027-02-30";
  NtkExpectError(post(b), 422, "invalid_date", "/release_date");
  b = CaseNotification(251);
  b["reason"] = "";
  NtkExpectError(post(b), 422, "empty", "/reason");
  b = CaseNotification(251);
  b["kleur"] = "rood";
  NtkExpectError(post(b), 422, "unknown_field");
  // Nothing was stored.
  EXPECT_TRUE(gw_->Get(kNtkCoordinator, "/v1/notifications").json()["notifications"].empty());
  // A non-signatory partner may not notify (audited).
  NtkExpectError(
      gw_->Post("woningcorporatie.participant", "/v1/notifications", CaseNotification(251)), 403,
      "not_signatory");
  EXPECT_EQ(NtkRefusals(*gw_, "Wijkconsulent-D", "not_signatory"), 1);
  // Triage: a decision that is not one; a case with niet-agenderen; an unknown case.
  const std::string id = Notify(*gw_, CaseNotification(252));
  const std::string triage = "/v1/notifications/" + id + "/triage";
  NtkExpectError(gw_->Post(kNtkCoordinator, triage, {{"decision", "weggooien"}}), 422,
                 "invalid_decision", "/decision");
  NtkExpectError(
      gw_->Post(kNtkCoordinator, triage, {{"decision", "niet-agenderen"}, {"case", "c-onbekend"}}),
      422, "case_not_allowed", "/case");
  NtkExpectError(
      gw_->Post(kNtkCoordinator, triage, {{"decision", "agenderen"}, {"case", "c-onbekend"}}), 422,
      "unknown_case", "/case");
  NtkExpectError(gw_->Get(kNtkCoordinator, "/v1/notifications?status=open"), 422, "invalid_status");
}

TEST_F(NotificationsE2ETest, TheAccessReportTellsNotificationsAndCasesInDutch) {
  const std::string id = Notify(*gw_, CaseNotification(261));
  const std::string case_id = Triage(*gw_, id, {{"decision", "agenderen"}});
  ASSERT_EQ(gw_->Post("om.supplier", "/v1/check", {{"bsn", SyntheticBsn(261)}}).status, 200);
  ASSERT_EQ(
      gw_->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/close", {{"reason", "klaar"}}).status,
      200);
  HttpResult r = gw_->Post(kNtkHouseOfficer, "/v1/audit/report", {{"bsn", SyntheticBsn(261)}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json report = r.json();
  std::string texts;
  for (const auto& e : report["entries"]) texts += e["text"].get<std::string>() + "\n";
  ASSERT_GE(report["entries"].size(), 5u) << r.body;
  EXPECT_NE(texts.find("meldde Politie, basisteams in de regio u bij"), std::string::npos) << texts;
  EXPECT_NE(texts.find("de melding over u gewogen en op de agenda van een overleg gezet"),
            std::string::npos)
      << texts;
  EXPECT_NE(texts.find("opende"), std::string::npos) << texts;
  EXPECT_NE(texts.find("vroeg Openbaar Ministerie, arrondissementsparket na of u bekend bent"),
            std::string::npos)
      << texts;
  EXPECT_NE(texts.find("sloot"), std::string::npos) << texts;
  EXPECT_EQ(texts.find("Synthetisch"), std::string::npos) << "no reasons in the report";
}

}  // namespace
}  // namespace vh::testing
