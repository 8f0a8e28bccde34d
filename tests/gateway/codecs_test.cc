// The JSON codecs of the exchange's resources (gateway/codecs/): structural
// checks with the exact codes, paths and messages of the API, round trips of
// the commands, and the response bodies byte for byte.
#include <gtest/gtest.h>

#include "gateway/codecs/declaration_codec.h"
#include "gateway/codecs/meeting_codec.h"
#include "gateway/codecs/request_codec.h"
#include "gateway/codecs/retention_codec.h"

namespace vh::gw::codecs {
namespace {

using exchange::MeetingState;
using exchange::Phase;
using exchange::RequestState;

TimePoint T(const char* text) { return *ParseUtc(text); }

void ExpectError(const Status& s, const std::string& reason, const std::string& message) {
  EXPECT_EQ(s.code(), Code::kUnprocessable) << s.ToString();
  EXPECT_EQ(s.reason(), reason) << s.ToString();
  EXPECT_EQ(s.message(), message) << s.ToString();
}

Json MeetingBody() {
  auto subject = [](const std::string& ref, const std::string& bsn) {
    return Json{{"ref", ref},
                {"identity", {{"persoon.naam", "Synthetisch Persoon"}, {"persoon.bsn", bsn}}},
                {"reason", "melding politie (synthetisch)"}};
  };
  return {{"overlegvorm", "briefing"},
          {"title", "Briefing week 48"},
          {"starts_at", "2026-11-24T09:00:00Z"},
          {"ends_at", "2026-11-24T12:00:00Z"},
          {"ad_hoc", {"woningcorporatie"}},
          {"subjects", {subject("S1", "100007922"), subject("S2", "100015839")}}};
}

TEST(MeetingCodecTest, DecodesACreateMeetingBody) {
  auto m = DecodeCreateMeeting(MeetingBody());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->overlegvorm, "briefing");
  EXPECT_EQ(m->starts_at, T("2026-11-24T09:00:00Z"));
  EXPECT_FALSE(m->participants.has_value()) << "absent: all members";
  EXPECT_EQ(m->ad_hoc, std::vector<std::string>{"woningcorporatie"});
  ASSERT_EQ(m->subjects.size(), 2u);
  EXPECT_EQ(m->subjects[1].ref, "S2");
  EXPECT_EQ(m->subjects[1].identity.at("persoon.bsn"), "100015839");
  Json b = MeetingBody();
  b["participants"] = Json::array();
  b["subjects"][0].erase("reason");
  m = DecodeCreateMeeting(b);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->participants, std::vector<std::string>{}) << "present and empty";
  EXPECT_EQ(m->subjects[0].reason, "");
}

// The structural checks that exchange_service_test made before the codecs
// took them over, and the e2e test's, with the same bodies.
TEST(MeetingCodecTest, RefusesBadStructureNamingThePath) {
  auto bad = [](const Json& body) { return DecodeCreateMeeting(body).status(); };
  Json b = MeetingBody();
  b["colour"] = "red";
  ExpectError(bad(b), "unknown_field", "/colour: unknown field");
  b = MeetingBody();
  b["title"] = 42;
  ExpectError(bad(b), "wrong_type", "/title: expected a string");
  b = MeetingBody();
  b.erase("subjects");
  ExpectError(bad(b), "missing_field", "/subjects: missing");
  b = MeetingBody();
  b["subjects"][0]["extra"] = 1;
  ExpectError(bad(b), "unknown_field", "/subjects/0/extra: unknown field");
  b = MeetingBody();
  b["starts_at"] = 20260101;
  ExpectError(bad(b), "wrong_type", "/starts_at: expected a string");
  b = MeetingBody();
  b["starts_at"] = "gisteren";
  ExpectError(bad(b), "invalid_time", "/starts_at: not an RFC 3339 time");
  b = MeetingBody();
  b["subjects"] = "S1";
  ExpectError(bad(b), "wrong_type", "/subjects: expected an array");
  b = MeetingBody();
  b["overlegvorm"] = std::string(200, 'x');
  ExpectError(bad(b), "too_long", "/overlegvorm: longer than allowed");
  b = MeetingBody();
  b["title"] = std::string(201, 't');
  ExpectError(bad(b), "too_long", "/title: longer than allowed");
  b = MeetingBody();
  b["participants"] = {"politie", 3};
  ExpectError(bad(b), "wrong_type", "/participants/1: expected a string");
  b = MeetingBody();
  b["ad_hoc"] = 5;
  ExpectError(bad(b), "wrong_type", "/ad_hoc: expected an array of partner ids");
  b = MeetingBody();
  b["subjects"][1] = 1;
  ExpectError(bad(b), "wrong_type", "/subjects/1: expected an object");
  b = MeetingBody();
  b["subjects"][1].erase("ref");
  ExpectError(bad(b), "missing_field", "/subjects/1/ref: missing");
  b = MeetingBody();
  b["subjects"][1]["ref"] = std::string(129, 'r');
  ExpectError(bad(b), "too_long", "/subjects/1/ref: longer than allowed");
  b = MeetingBody();
  b["subjects"][0]["identity"] = "x";
  ExpectError(bad(b), "wrong_type", "/subjects/0/identity: expected an object");
  b = MeetingBody();
  b["subjects"][0].erase("identity");
  ExpectError(bad(b), "missing_field", "/subjects/0/identity: missing");
  b = MeetingBody();
  b["subjects"] = Json::array();
  for (int i = 0; i < 501; ++i) b["subjects"].push_back(MeetingBody()["subjects"][0]);
  ExpectError(bad(b), "too_many", "/subjects: too many subjects");
  ExpectError(bad(Json::array()), "wrong_type", "/: expected an object");
}

TEST(MeetingCodecTest, PhaseAndCloseBodies) {
  ExpectError(DecodeSetPhase({{"client_present", "ja"}}).status(), "wrong_type",
              "/client_present: expected a boolean");
  ExpectError(DecodeSetPhase({{"client_present", 1}}).status(), "wrong_type",
              "/client_present: expected a boolean");
  ExpectError(DecodeSetPhase(Json::object()).status(), "missing_field", "/client_present: missing");
  ExpectError(
      DecodeCloseMeeting({{"outcomes", {{{"subject", "S1"}, {"decision", "focus"}, {"x", 1}}}}})
          .status(),
      "unknown_field", "/outcomes/0/x: unknown field");
  ExpectError(DecodeCloseMeeting({{"outcomes", {{{"subject", "S1"}}}}}).status(), "missing_field",
              "/outcomes/0/decision: missing");
  ExpectError(DecodeCloseMeeting({{"outcomes", "x"}}).status(), "wrong_type",
              "/outcomes: expected an array");
  auto c = DecodeCloseMeeting({{"outcomes", {{{"subject", "S1"}, {"decision", "opsluiten"}}}}});
  ASSERT_TRUE(c.ok()) << "the decision's vocabulary is the exchange's";
  EXPECT_EQ(c->outcomes[0].decision, "opsluiten");
}

TEST(MeetingCodecTest, CommandsRoundTrip) {
  exchange::CreateMeeting m;
  m.overlegvorm = "briefing";
  m.title = "Briefing";
  m.starts_at = T("2026-11-24T09:00:00.250Z");
  m.ends_at = T("2026-11-24T12:00:00Z");
  m.participants = std::vector<std::string>{"politie", "om"};
  m.ad_hoc = {"woningcorporatie"};
  m.subjects = {{"S1",
                 {{"persoon.bsn", "100007922"},
                  {"persoon.adres", {{"straat", "Teststraat 1"}, {"gemeente", "Leiden"}}}},
                 "reden"},
                {"S2", {}, ""}};
  auto back = DecodeCreateMeeting(EncodeCreateMeeting(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  m.participants.reset();
  EXPECT_EQ(*DecodeCreateMeeting(EncodeCreateMeeting(m)), m);
  for (bool present : {false, true}) {
    EXPECT_EQ(*DecodeSetPhase(EncodeSetPhase({present})), exchange::SetPhase{present});
  }
  exchange::CloseMeeting close{{{"S1", "focus"}, {"S2", "geen-vervolg"}}};
  EXPECT_EQ(*DecodeCloseMeeting(EncodeCloseMeeting(close)), close);
  EXPECT_EQ(*DecodeCloseMeeting(EncodeCloseMeeting({})), exchange::CloseMeeting{});
}

// Need-to-know: a subject's municipality and suppliers, the meeting's staff;
// a limited meeting for an ad hoc participant.
TEST(MeetingCodecTest, NeedToKnowKeys) {
  Json body = MeetingBody();
  body["staff"] = {"Procesregisseur-F"};
  body["subjects"][0]["municipality"] = "Leiden";
  body["subjects"][0]["suppliers"] = {"politie", "gemeente-leiden"};
  auto m = DecodeCreateMeeting(body);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->staff, std::vector<std::string>{"Procesregisseur-F"});
  EXPECT_EQ(m->subjects[0].municipality, "Leiden");
  EXPECT_EQ(m->subjects[0].suppliers, (std::vector<std::string>{"politie", "gemeente-leiden"}));
  EXPECT_FALSE(m->subjects[1].municipality.has_value());
  EXPECT_FALSE(m->subjects[1].suppliers.has_value());
  EXPECT_EQ(*DecodeCreateMeeting(EncodeCreateMeeting(*m)), *m);
  Json bad = body;
  bad["staff"] = "Procesregisseur-F";
  ExpectError(DecodeCreateMeeting(bad).status(), "wrong_type",
              "/staff: expected an array of certificate CNs");
  bad["staff"] = {std::string(65, 'x')};
  ExpectError(DecodeCreateMeeting(bad).status(), "too_long", "/staff/0: longer than allowed");
  bad = body;
  bad["subjects"][1]["municipality"] = std::string(129, 'x');
  ExpectError(DecodeCreateMeeting(bad).status(), "too_long",
              "/subjects/1/municipality: longer than allowed");
  bad = body;
  bad["subjects"][1]["suppliers"] = {"politie", 3};
  ExpectError(DecodeCreateMeeting(bad).status(), "wrong_type",
              "/subjects/1/suppliers/1: expected a string");

  exchange::Meeting limited;
  limited.id = "m-1";
  limited.overlegvorm = "briefing";
  limited.limited = true;
  limited.declaration = exchange::DeclarationState::kOutdated;
  limited.title = "never shown";
  limited.starts_at = T("2026-11-24T09:00:00Z");
  limited.ends_at = T("2026-11-24T12:00:00Z");
  EXPECT_EQ(DumpJson(EncodeMeeting(limited)),
            R"({"declaration":"outdated","ends_at":"2026-11-24T12:00:00.000Z","id":"m-1",)"
            R"("overlegvorm":"briefing","starts_at":"2026-11-24T09:00:00.000Z"})");
}

exchange::Meeting ClosedMeeting(bool coordinator) {
  exchange::Meeting m;
  m.id = "m-1";
  m.overlegvorm = "briefing";
  m.state = MeetingState::kClosed;
  m.covenant = {"vh", "2016.2", "ab"};
  m.purpose = "Doel";
  m.title = "Briefing";
  m.starts_at = T("2026-11-24T09:00:00Z");
  m.ends_at = T("2026-11-24T12:00:00Z");
  m.created_at = T("2026-11-23T08:00:00.123Z");
  m.phase = Phase::kClientPresent;
  m.participants = {"politie", "om"};
  m.ad_hoc = {{"woningcorporatie", true}};
  m.subjects = {{"S1", std::nullopt, "focus"}, {"S2", std::nullopt, std::nullopt}};
  m.closed_at = T("2026-11-24T12:00:01Z");
  m.retention_until = T("2027-02-22T12:00:01Z");
  m.extended_until = T("2027-12-01T00:00:00Z");
  if (coordinator) {
    m.subjects[0].reason = "melding";
    m.subjects[1].reason = "";
    m.extension_reason = "bezwaar";
    m.requests =
        std::map<RequestState, int>{{RequestState::kOverdue, 2}, {RequestState::kAnswered, 3}};
  }
  return m;
}

TEST(MeetingCodecTest, ResponseBodiesAsTheApiWritesThem) {
  EXPECT_EQ(
      DumpJson(EncodeMeeting(ClosedMeeting(false))),
      R"({"ad_hoc":[{"declaration_signed":true,"partner":"woningcorporatie"}],"client_present":true,)"
      R"("closed_at":"2026-11-24T12:00:01.000Z","covenant":{"id":"vh","sha256":"ab","version":"2016.2"},)"
      R"("created_at":"2026-11-23T08:00:00.123Z","ends_at":"2026-11-24T12:00:00.000Z",)"
      R"("extended_until":"2027-12-01T00:00:00.000Z","id":"m-1","overlegvorm":"briefing",)"
      R"("participants":["politie","om"],"phase":"client_present","purpose":"Doel",)"
      R"("retention_until":"2027-02-22T12:00:01.000Z","starts_at":"2026-11-24T09:00:00.000Z",)"
      R"("state":"closed","subjects":[{"outcome":"focus","ref":"S1"},{"ref":"S2"}],"title":"Briefing"})");
  const Json coordinator = EncodeMeeting(ClosedMeeting(true));
  EXPECT_EQ(coordinator["extension_reason"], "bezwaar");
  EXPECT_EQ(DumpJson(coordinator["requests"]), R"({"answered":3,"overdue":2})");
  EXPECT_EQ(DumpJson(coordinator["subjects"]),
            R"([{"outcome":"focus","reason":"melding","ref":"S1"},{"reason":"","ref":"S2"}])");
  exchange::Meeting shredded;
  shredded.id = "m-2";
  shredded.overlegvorm = "briefing";
  shredded.state = MeetingState::kShredded;
  shredded.covenant = {"vh", "1", "cd"};
  shredded.shredded_at = T("2027-12-01T00:00:00Z");
  EXPECT_EQ(
      DumpJson(EncodeMeeting(shredded)),
      R"({"covenant":{"id":"vh","sha256":"cd","version":"1"},"id":"m-2",)"
      R"("overlegvorm":"briefing","shredded_at":"2027-12-01T00:00:00.000Z","state":"shredded"})");
  EXPECT_EQ(DumpJson(EncodePhaseChange({"m-1", Phase::kClientAbsent})),
            R"({"client_present":false,"meeting":"m-1","phase":"client_absent"})");
  exchange::ClosedMeeting closed{
      "m-1", T("2026-11-24T12:00:01Z"), T("2027-02-22T12:00:01Z"), {{"S1", "geen-vervolg"}}};
  EXPECT_EQ(DumpJson(EncodeClosedMeeting(closed)),
            R"({"closed_at":"2026-11-24T12:00:01.000Z","id":"m-1",)"
            R"("outcomes":[{"decision":"geen-vervolg","subject":"S1"}],)"
            R"("retention_until":"2027-02-22T12:00:01.000Z","state":"closed"})");
  closed.outcomes.clear();
  EXPECT_EQ(EncodeClosedMeeting(closed)["outcomes"], Json::array());
}

TEST(RequestCodecTest, CreateRequestsAndTheStatusFilter) {
  ExpectError(DecodeCreateRequests({{"deadline", "x"}}).status(), "invalid_time",
              "/deadline: not an RFC 3339 time");
  ExpectError(DecodeCreateRequests(Json::object()).status(), "missing_field", "/deadline: missing");
  ExpectError(DecodeCreateRequests({{"deadline", "2026-11-24"}, {"suppliers", "politie"}}).status(),
              "wrong_type", "/suppliers: expected an array of partner ids");
  exchange::CreateRequests c{T("2026-11-24T08:00:00Z"), std::vector<std::string>{"politie"}};
  EXPECT_EQ(*DecodeCreateRequests(EncodeCreateRequests(c)), c);
  c.suppliers.reset();
  EXPECT_EQ(*DecodeCreateRequests(EncodeCreateRequests(c)), c);

  // What exchange_service_test asked of ListRequests before the codec took it.
  ExpectError(DecodeRequestFilter("bogus").status(), "invalid_status",
              "/status: one of open, answered, declined, overdue, failed");
  EXPECT_EQ(*DecodeRequestFilter(""), exchange::RequestFilter());
  EXPECT_EQ(*DecodeRequestFilter("open"), exchange::RequestFilter(RequestState::kOpen));
  EXPECT_EQ(*DecodeRequestFilter("overdue"), exchange::RequestFilter(RequestState::kOverdue));
  EXPECT_EQ(*DecodeRequestFilter("failed"), exchange::RequestFilter(RequestState::kFailed));
}

TEST(RequestCodecTest, AnswersAndDeclines) {
  // What exchange_service_test asked of Answer and the e2e test of the route.
  ExpectError(DecodeAnswer({{"fields", Json::object()}, {"extra", 1}}).status(), "unknown_field",
              "/extra: unknown field");
  ExpectError(DecodeAnswer({{"fields", "x"}}).status(), "wrong_type",
              "/fields: expected an object");
  ExpectError(DecodeAnswer(Json::object()).status(), "missing_field", "/fields: missing");
  auto a = DecodeAnswer({{"fields", {{"casus.bekend_bij_partner", "misschien"}, {"x", nullptr}}}});
  ASSERT_TRUE(a.ok()) << "value types are the covenant's, checked by the exchange";
  EXPECT_EQ(a->fields.at("casus.bekend_bij_partner"), "misschien");
  EXPECT_TRUE(a->fields.at("x").is_null());
  EXPECT_EQ(*DecodeAnswer(EncodeAnswer(*a)), *a);

  ExpectError(DecodeDecline({{"reason", 1}}).status(), "wrong_type", "/reason: expected a string");
  ExpectError(DecodeDecline({{"reason", std::string(2001, 'x')}}).status(), "too_long",
              "/reason: longer than allowed");
  auto d = DecodeDecline({{"reason", ""}});
  ASSERT_TRUE(d.ok()) << "an empty reason is the exchange's 422";
  exchange::DeclineRequest decline{"geen grondslag"};
  EXPECT_EQ(*DecodeDecline(EncodeDecline(decline)), decline);
}

TEST(RequestCodecTest, ResponseBodiesAsTheApiWritesThem) {
  exchange::CreatedRequests created{"m-1",
                                    {{"r-1",
                                      "politie",
                                      "S1",
                                      {"casus.bekend_bij_partner"},
                                      T("2026-11-24T08:00:00Z"),
                                      RequestState::kOpen}}};
  EXPECT_EQ(DumpJson(EncodeCreatedRequests(created)),
            R"({"meeting":"m-1","requests":[{"deadline":"2026-11-24T08:00:00.000Z",)"
            R"("fields":["casus.bekend_bij_partner"],"id":"r-1","status":"open","subject":"S1",)"
            R"("supplier":"politie"}]})");
  exchange::SupplierRequest row;
  row.id = "r-1";
  row.meeting = "m-1";
  row.overlegvorm = "briefing";
  row.subject = "S1";
  row.identity = {{"persoon.naam", "Synthetisch"}, {"persoon.bsn", "100007922"}};
  row.fields = {"a", "b"};
  row.deadline = T("2026-11-24T08:00:00Z");
  row.status = RequestState::kOverdue;
  exchange::SupplierRequest dropped = row;
  dropped.identity.clear();
  EXPECT_EQ(DumpJson(EncodeRequestList({row, dropped})),
            R"({"requests":[{"deadline":"2026-11-24T08:00:00.000Z","fields":["a","b"],"id":"r-1",)"
            R"("identity":{"persoon.bsn":"100007922","persoon.naam":"Synthetisch"},)"
            R"("meeting":"m-1","overlegvorm":"briefing","status":"overdue","subject":"S1"},)"
            R"({"deadline":"2026-11-24T08:00:00.000Z","fields":["a","b"],"id":"r-1","identity":{},)"
            R"("meeting":"m-1","overlegvorm":"briefing","status":"overdue","subject":"S1"}]})");
  EXPECT_EQ(DumpJson(EncodeRequestList({})), R"({"requests":[]})");
  exchange::AnswerReceipt receipt{
      "r-1",
      {"casus.bekend_bij_partner"},
      {{"zorg.diagnose", "not_allowed_for_supplier"}, {"persoon.schoenmaat", "not_in_covenant"}},
      true};
  EXPECT_EQ(DumpJson(EncodeAnswerReceipt(receipt)),
            R"({"accepted":["casus.bekend_bij_partner"],"replaced":true,"request":"r-1",)"
            R"("withheld":["zorg.diagnose","persoon.schoenmaat"],"withheld_reasons":[)"
            R"({"field":"zorg.diagnose","reason":"not_allowed_for_supplier"},)"
            R"({"field":"persoon.schoenmaat","reason":"not_in_covenant"}]})");
  EXPECT_EQ(
      DumpJson(EncodeAnswerReceipt({"r-2", {}, {}, false})),
      R"({"accepted":[],"replaced":false,"request":"r-2","withheld":[],"withheld_reasons":[]})");
  EXPECT_EQ(DumpJson(EncodeDeclinedRequest({"r-1"})), R"({"request":"r-1","status":"declined"})");
}

TEST(DeclarationCodecTest, SignAndShow) {
  ExpectError(DecodeSignDeclaration({{"text_sha256", 1}}).status(), "wrong_type",
              "/text_sha256: expected a string");
  ExpectError(DecodeSignDeclaration({{"text_sha256", std::string(129, 'a')}}).status(), "too_long",
              "/text_sha256: longer than allowed");
  ExpectError(DecodeSignDeclaration({{"text_sha256", "a"}, {"x", 1}}).status(), "unknown_field",
              "/x: unknown field");
  exchange::SignDeclaration sign{std::string(64, 'a')};
  EXPECT_EQ(*DecodeSignDeclaration(EncodeSignDeclaration(sign)), sign);
  // The caller's own state: "declaration" beside "signed".
  EXPECT_EQ(
      DumpJson(EncodeDeclaration({"m-1", "Tekst", "ab", exchange::DeclarationState::kUnsigned})),
      R"({"declaration":"unsigned","meeting":"m-1","signed":false,"text":"Tekst",)"
      R"("text_sha256":"ab"})");
  EXPECT_EQ(
      DumpJson(EncodeDeclaration({"m-1", "Tekst", "ab", exchange::DeclarationState::kOutdated})),
      R"({"declaration":"outdated","meeting":"m-1","signed":false,"text":"Tekst",)"
      R"("text_sha256":"ab"})");
  EXPECT_EQ(
      DumpJson(EncodeDeclarationSignature(
          {"m-1", "woningcorporatie", "Iemand", T("2026-11-23T08:00:00Z"), "ab"})),
      R"({"meeting":"m-1","partner":"woningcorporatie","signed_at":"2026-11-23T08:00:00.000Z",)"
      R"("signed_by":"Iemand","text_sha256":"ab"})");
}

// Free text: a reason may come with a code; its vocabulary is the
// exchange's to check (tests/exchange/free_text_test.cc), the codec reads a
// short string and gives it back.
TEST(RequestCodecTest, ReasonsMayCarryACode) {
  auto d = DecodeDecline({{"reason", "niet bekend"}, {"code", "onbekend"}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->code, "onbekend");
  EXPECT_FALSE(DecodeDecline({{"reason", "x"}})->code.has_value())
      << "no code: the exchange's anders";
  ExpectError(DecodeDecline({{"reason", "x"}, {"code", 3}}).status(), "wrong_type",
              "/code: expected a string");
  ExpectError(DecodeDecline({{"reason", "x"}, {"code", std::string(65, 'a')}}).status(), "too_long",
              "/code: longer than allowed");
  ExpectError(DecodeDecline({{"reason", "x"}, {"kode", "onbekend"}}).status(), "unknown_field",
              "/kode: unknown field");
  exchange::DeclineRequest decline{"geen grondslag", "geen_grondslag"};
  EXPECT_EQ(DumpJson(EncodeDecline(decline)),
            R"({"code":"geen_grondslag","reason":"geen grondslag"})");
  EXPECT_EQ(*DecodeDecline(EncodeDecline(decline)), decline);

  auto e = DecodeExtendRetention({{"until", "2027-12-01"}, {"reason", "x"}, {"code", "bezwaar"}});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->code, "bezwaar");
  ExpectError(
      DecodeExtendRetention({{"until", "2027-12-01"}, {"reason", "x"}, {"code", nullptr}}).status(),
      "wrong_type", "/code: expected a string");
  exchange::ExtendRetention extend{T("2027-12-01"), "bezwaarprocedure", "bezwaar"};
  EXPECT_EQ(*DecodeExtendRetention(EncodeExtendRetention(extend)), extend);

  // A coordinator's meeting shows the extension's code next to its reason.
  exchange::Meeting m;
  m.id = "m-1";
  m.state = exchange::MeetingState::kClosed;
  m.extension_reason = "bezwaar";
  m.extension_code = "bezwaar";
  EXPECT_EQ(EncodeMeeting(m)["extension_code"], "bezwaar");
  m.extension_code.reset();
  EXPECT_FALSE(EncodeMeeting(m).contains("extension_code"));
}

TEST(RetentionCodecTest, ExtensionAndRun) {
  // What exchange_service_test asked of ExtendRetention before the codec took it.
  ExpectError(DecodeExtendRetention({{"until", "2027-12-01"}}).status(), "missing_field",
              "/reason: missing");
  ExpectError(DecodeExtendRetention({{"until", "nope"}, {"reason", "x"}}).status(), "invalid_time",
              "/until: not an RFC 3339 time");
  exchange::ExtendRetention e{T("2027-12-01"), "bezwaarprocedure"};
  EXPECT_EQ(*DecodeExtendRetention(EncodeExtendRetention(e)), e);
  EXPECT_EQ(DumpJson(EncodeRetentionExtension(
                {"m-1", T("2027-02-22T12:00:01Z"), T("2027-12-01T00:00:00Z")})),
            R"({"extended_until":"2027-12-01T00:00:00.000Z","id":"m-1",)"
            R"("retention_until":"2027-02-22T12:00:01.000Z"})");
  exchange::RetentionRun run{
      {{"m-1", "briefing", T("2026-11-24T12:00:01Z"), T("2027-02-22T12:00:01Z")}},
      T("2027-03-01T00:00:00Z")};
  EXPECT_EQ(
      DumpJson(EncodeRetentionRun(run)),
      R"({"at":"2027-03-01T00:00:00.000Z","shredded":[{"closed_at":"2026-11-24T12:00:01.000Z",)"
      R"("id":"m-1","overlegvorm":"briefing","retention_until":"2027-02-22T12:00:01.000Z"}]})");
  EXPECT_EQ(DumpJson(EncodeRetentionRun({{}, T("2027-03-01T00:00:00Z")})),
            R"({"at":"2027-03-01T00:00:00.000Z","shredded":[]})");
}

}  // namespace
}  // namespace vh::gw::codecs
