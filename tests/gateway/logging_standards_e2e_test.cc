// The logging standards, end to end through the real `vhgate serve` over
// mutual TLS:
// X-Request-Id on every response (the caller's when sane), in error bodies
// and in the log lines of the request, the deferred dossier's included;
// W3C traceparent kept and answered; a demo-like round exported as Logboek
// Dataverwerkingen records and NEN 7513 rows, checked field by field, with
// the trace ids of the traceparent the test sent; `vhgate audit prove` true
// for the value shown and false for another.

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;
using vh::testing::HttpResult;
using vh::testing::SyntheticBsn;

constexpr const char* kTrace = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kCoordinator = "veiligheidshuis-hm.coordinator";
constexpr const char* kBriefingActivity = "https://register.example-vh.nl/verwerkingen/briefing";

// The caller's span of step n: 16 hex.
std::string Span(int n) {
  std::string s = "b7ad6b71692033" + std::to_string(10 + n);
  return s.substr(0, 16);
}
std::string Traceparent(int n) { return std::string("00-") + kTrace + "-" + Span(n) + "-01"; }

// A response header's value ("" when absent); names compared case-blind.
std::string Header(const HttpResult& r, const std::string& name) {
  std::istringstream in(r.headers);
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key != name) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "";
}

// The gateway's log lines (JSON) holding `request_id`.
std::vector<Json> LinesOf(const GatewayHarness& gw, const std::string& request_id) {
  std::vector<Json> out;
  std::istringstream in(gw.Log());
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object() && j.value("request_id", "") == request_id) out.push_back(j);
  }
  return out;
}

std::vector<Json> JsonLines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

// A CSV line's cells (RFC 4180 quoting).
std::vector<std::string> CsvCells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

class LoggingStandardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions o;
    o.config_patch = {{"log", {{"level", "debug"}}}};
    gw_ = std::make_unique<GatewayHarness>(o);
    ASSERT_GT(gw_->port(), 0) << gw_->Log();
  }
  HttpResult Call(const std::string& who, const std::string& method, const std::string& path,
                  const Json& body, std::vector<std::string> headers) {
    std::vector<std::string> args;
    for (const auto& h : headers) args.insert(args.end(), {"-H", h});
    return gw_->Call(who, method, path, body.is_null() ? "" : DumpJson(body), args);
  }
  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(LoggingStandardsTest, RequestIdsTieResponsesErrorsAndLogLinesTogether) {
  // The caller's id, when sane, comes back; the trace is the caller's.
  HttpResult r = Call("politie.supplier", "GET", "/v1/health", nullptr,
                      {"X-Request-Id: it-req-1", "traceparent: " + Traceparent(1)});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "x-request-id"), "it-req-1");
  const std::string tp = Header(r, "traceparent");
  ASSERT_EQ(tp.size(), 55u) << r.headers;
  EXPECT_EQ(tp.substr(0, 36), std::string("00-") + kTrace + "-");
  EXPECT_NE(tp.substr(36, 16), Span(1)) << "the gateway's own span";
  // Without one, or with one that could be a BSN, the gateway makes one.
  for (const std::vector<std::string>& h :
       {std::vector<std::string>{}, std::vector<std::string>{"X-Request-Id: " + SyntheticBsn(3)},
        std::vector<std::string>{"X-Request-Id: has space"}}) {
    r = Call("politie.supplier", "GET", "/v1/health", nullptr, h);
    EXPECT_EQ(Header(r, "x-request-id").size(), 32u) << r.headers;
    EXPECT_EQ(Header(r, "traceparent").size(), 55u);
  }
  EXPECT_EQ(gw_->Log().find(SyntheticBsn(3)), std::string::npos);

  // An error: its body and its log lines carry the id.
  r = Call("politie.supplier", "POST", "/v1/meetings", Json::object(), {"X-Request-Id: it-req-2"});
  ASSERT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.json()["error"]["request_id"], "it-req-2");
  EXPECT_EQ(Header(r, "x-request-id"), "it-req-2");
  auto lines = LinesOf(*gw_, "it-req-2");
  std::set<std::string> events;
  for (const Json& l : lines) events.insert(l.value("event", ""));
  EXPECT_TRUE(events.count("access_refused")) << gw_->Log();
  EXPECT_TRUE(events.count("request_error"));
  for (const Json& l : lines) {
    if (l["event"] == "request_error") {
      EXPECT_EQ(l["status"], 403);
      EXPECT_EQ(l["code"], "forbidden");
      EXPECT_EQ(l["route"], "/v1/meetings");
    }
  }
  // A request the server cannot parse still gets an id, in its body too.
  r = gw_->Call("politie.supplier", "POST", "/v1/meetings", std::string(1 << 21, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Header(r, "x-request-id").size(), 32u);
  EXPECT_EQ(r.json()["error"]["request_id"], Header(r, "x-request-id"));
}

// The demo's round in small: the coordinator schedules a briefing and sends
// the requests, politie answers, politie's participant reads the dossier;
// each step sends its own span of one trace.
TEST_F(LoggingStandardsTest, ARoundExportsAsLdvAndNen7513WithTheCallersTrace) {
  const std::string bsn = SyntheticBsn(20);
  Json meeting = {{"overlegvorm", "briefing"},
                  {"title", "Briefing (synthetisch)"},
                  {"starts_at", "2026-01-05T09:00:00Z"},
                  {"ends_at", "2099-01-05T11:00:00Z"},
                  {"subjects",
                   {{{"ref", "S1"},
                     {"identity",
                      {{"persoon.naam", "Test Een"},
                       {"persoon.geboortedatum", "1990-01-01"},
                       {"persoon.bsn", bsn}}},
                     {"reason", "synthetisch"},
                     {"municipality", "Leiden"}},
                    {{"ref", "S2"},
                     {"identity", {{"persoon.naam", "Test Twee"}}},
                     {"reason", "synthetisch"},
                     {"municipality", "Gouda"}}}}};
  HttpResult r = Call(kCoordinator, "POST", "/v1/meetings", meeting,
                      {"traceparent: " + Traceparent(1), "X-Request-Id: round-1"});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["id"];
  r = Call(kCoordinator, "POST", "/v1/meetings/" + id + "/requests",
           {{"deadline", "2098-12-31T12:00:00Z"}}, {"traceparent: " + Traceparent(2)});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string request;
  const Json created = r.json();
  for (const Json& q : created["requests"]) {
    if (q["supplier"] == "politie" && q["subject"] == "S1") request = q["id"];
  }
  ASSERT_FALSE(request.empty()) << r.body;
  r = Call(
      "politie.supplier", "PUT", "/v1/requests/" + request + "/answer",
      {{"fields",
        {{"casus.reden_melding", "Synthetisch: overlast"}, {"casus.bekend_bij_partner", true}}}},
      {"traceparent: " + Traceparent(3)});
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("politie.participant", "GET", "/v1/meetings/" + id + "/dossier", nullptr,
           {"traceparent: " + Traceparent(4), "X-Request-Id: dossier-1"});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_NE(r.body.find("Synthetisch: overlast"), std::string::npos) << r.body;
  EXPECT_EQ(Header(r, "x-request-id"), "dossier-1");
  EXPECT_EQ(Header(r, "traceparent").substr(0, 36), std::string("00-") + kTrace + "-");
  // The deferred response completed on the audit writer's thread: its log
  // line (debug: one per request) still carries the request's id.
  bool logged = false;
  for (const Json& l : LinesOf(*gw_, "dossier-1")) {
    logged = logged || (l["event"] == "request" && l["route"] == "/v1/meetings/{id}/dossier" &&
                        l["trace_id"] == kTrace);
  }
  EXPECT_TRUE(logged) << gw_->Log();

  // --- Logboek Dataverwerkingen ---
  std::string out, err;
  ASSERT_EQ(gw_->RunCli({"audit", "export", "--format", "ldv"}, &out, &err), 0) << err;
  EXPECT_NE(err.find("exported "), std::string::npos) << err;
  std::vector<Json> records = JsonLines(out);
  std::map<std::string, std::vector<Json>> by_name;
  for (const Json& rec : records) by_name[rec["name"]].push_back(rec);
  // Every record has the standard's fields.
  for (const Json& rec : records) {
    for (const char* key : {"trace_id", "span_id", "status_code", "name", "start_time", "end_time",
                            "attributes", "resource"}) {
      EXPECT_TRUE(rec.contains(key)) << key << " in " << rec;
    }
    EXPECT_EQ(rec["trace_id"].get<std::string>().size(), 32u);
    EXPECT_EQ(rec["span_id"].get<std::string>().size(), 16u);
    EXPECT_LE(rec["start_time"].get<std::string>(), rec["end_time"].get<std::string>());
    EXPECT_EQ(rec["resource"]["attributes"]["service.name"], "vhgate");
  }
  // meeting_created: one record per person, the coordinator's trace.
  ASSERT_EQ(by_name["meeting_created"].size(), 2u);
  std::set<std::string> subjects;
  for (const Json& rec : by_name["meeting_created"]) {
    EXPECT_EQ(rec["trace_id"], kTrace);
    EXPECT_EQ(rec["parent_span_id"], Span(1));
    EXPECT_EQ(rec["foreign_operation"],
              (Json{{"trace_id", kTrace},
                    {"span_id", Span(1)},
                    {"entity", "urn:vhgate:partner:veiligheidshuis-hm"}}));
    EXPECT_EQ(rec["status_code"], "STATUS_CODE_OK");
    const Json& a = rec["attributes"];
    EXPECT_EQ(a["dpl.core.processing_activity_id"], kBriefingActivity);
    EXPECT_EQ(a["dpl.core.data_subject_id_type"], "vhgate-pseudonym");
    EXPECT_EQ(a["dpl.core.data_subject_id"].get<std::string>().size(), 64u);
    EXPECT_EQ(a["dpl.core.foreign_operation.span_id"], Span(1));
    EXPECT_EQ(a["vhgate.meeting"], id);
    subjects.insert(a["dpl.core.data_subject_id"]);
  }
  EXPECT_EQ(subjects.size(), 2u);
  // request_sent: the coordinator's second span.
  ASSERT_FALSE(by_name["request_sent"].empty());
  for (const Json& rec : by_name["request_sent"]) {
    EXPECT_EQ(rec["trace_id"], kTrace);
    EXPECT_EQ(rec["parent_span_id"], Span(2));
    EXPECT_TRUE(subjects.count(rec["attributes"]["dpl.core.data_subject_id"]));
  }
  // answer_received: politie's span, politie as the foreign operation.
  ASSERT_EQ(by_name["answer_received"].size(), 1u);
  const Json& answer = by_name["answer_received"][0];
  EXPECT_EQ(answer["trace_id"], kTrace);
  EXPECT_EQ(answer["parent_span_id"], Span(3));
  EXPECT_EQ(answer["foreign_operation"]["entity"], "urn:vhgate:partner:politie");
  // dossier_disclosed: one record per person politie may see (residents only
  // does not apply to politie: both), the viewer's span.
  ASSERT_EQ(by_name["dossier_disclosed"].size(), 2u);
  for (const Json& rec : by_name["dossier_disclosed"]) {
    EXPECT_EQ(rec["trace_id"], kTrace);
    EXPECT_EQ(rec["parent_span_id"], Span(4));
    EXPECT_EQ(rec["attributes"]["dpl.core.processing_activity_id"], kBriefingActivity);
  }
  // The export itself and the log's opening: traces of their own, no parent.
  ASSERT_FALSE(by_name["audit_query"].empty());
  EXPECT_NE(by_name["audit_query"].back()["trace_id"], kTrace);
  EXPECT_FALSE(by_name["audit_query"].back().contains("parent_span_id"));
  EXPECT_FALSE(by_name["audit_query"].back()["attributes"].contains("dpl.core.data_subject_id"));

  // --from/--to: a window after everything holds nothing.
  ASSERT_EQ(gw_->RunCli({"audit", "export", "--format", "ldv", "--from", "2099-06-01"}, &out, &err),
            0)
      << err;
  EXPECT_EQ(out, "");
  EXPECT_EQ(gw_->RunCli({"audit", "export", "--format", "ldv", "--to", "morgen"}, &out, &err), 2);
  EXPECT_NE(err.find("--to"), std::string::npos) << err;

  // --- NEN 7513 ---
  ASSERT_EQ(gw_->RunCli({"audit", "export", "--format", "nen7513"}, &out, &err), 0) << err;
  std::istringstream csv(out);
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  const std::vector<std::string> header = CsvCells(line);
  auto col = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<std::size_t>(it - header.begin());
  };
  int dossier_rows = 0;
  std::string dossier_seq;
  while (std::getline(csv, line)) {
    auto cells = CsvCells(line);
    ASSERT_EQ(cells.size(), header.size()) << line;
    if (cells[col("action")] != "dossier_disclosed") continue;
    ++dossier_rows;
    dossier_seq = cells[col("seq")];
    EXPECT_EQ(cells[col("action_code")], "R");
    EXPECT_EQ(cells[col("user_organisation")], "politie");  // who
    EXPECT_EQ(cells[col("user_role")], "participant");
    EXPECT_FALSE(cells[col("user_id")].empty());
    EXPECT_EQ(cells[col("user_certificate")].size(), 64u);
    EXPECT_TRUE(subjects.count(cells[col("data_subject")]));  // whose data
    EXPECT_FALSE(cells[col("time")].empty());                 // when
    EXPECT_EQ(cells[col("meeting")], id);
    EXPECT_EQ(cells[col("overlegvorm")], "briefing");
    EXPECT_EQ(cells[col("covenant")].rfind("vh-hollands-midden 2016.2", 0), 0u);  // authority
    EXPECT_FALSE(cells[col("purpose")].empty());                                  // purpose
    EXPECT_EQ(cells[col("processing_activity")], kBriefingActivity);
    EXPECT_EQ(cells[col("trace_id")], kTrace);
    if (cells[col("data")].find("casus.reden_melding:disclosed") != std::string::npos) {
      EXPECT_NE(cells[col("data")].find(":politie"), std::string::npos) << cells[col("data")];
      EXPECT_FALSE(cells[col("rules")].empty());
    }
  }
  EXPECT_EQ(dossier_rows, 2);
  EXPECT_EQ(out.find(bsn), std::string::npos) << "no BSN in an export";
  EXPECT_EQ(out.find("Synthetisch: overlast"), std::string::npos) << "no value in an export";

  // --- audit prove ---
  ASSERT_FALSE(dossier_seq.empty());
  auto prove = [&](const std::string& value, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit",     "prove",   "--event",
                                     dossier_seq, "--field", "casus.reden_melding",
                                     "--value",   value};
    args.insert(args.end(), extra.begin(), extra.end());
    return gw_->RunCli(args, &out, &err);
  };
  EXPECT_EQ(prove("Synthetisch: overlast"), 0) << out << err;
  EXPECT_NE(out.find("subject "), std::string::npos) << out;
  EXPECT_NE(out.find("from politie"), std::string::npos) << out;
  EXPECT_EQ(prove("\"Synthetisch: overlast\""), 0) << "the same value as JSON text";
  EXPECT_EQ(prove("Synthetisch: iets anders"), 1) << out << err;
  EXPECT_EQ(out.find("iets anders"), std::string::npos) << "the value is never printed";
  EXPECT_EQ(gw_->RunCli({"audit", "prove", "--event", dossier_seq, "--field",
                         "casus.bekend_bij_partner", "--value", "true"},
                        &out, &err),
            0)
      << out << err;
  EXPECT_EQ(gw_->RunCli({"audit", "prove", "--event", dossier_seq, "--field",
                         "casus.bekend_bij_partner", "--value", "true", "--string"},
                        &out, &err),
            1)
      << "the string \"true\" is not the boolean that was shown";
  EXPECT_EQ(gw_->RunCli({"audit", "prove", "--event", "999999", "--field", "x", "--value", "1"},
                        &out, &err),
            2);
  EXPECT_NE(err.find("--event"), std::string::npos) << err;
  EXPECT_EQ(
      gw_->RunCli({"audit", "prove", "--event", "0", "--field", "x", "--value", "1"}, &out, &err),
      2);
  EXPECT_EQ(gw_->RunCli({"audit", "prove", "--event", dossier_seq, "--field", "x"}, &out, &err), 2);
  // Each question is an audit_query event naming event and field, not the value.
  ASSERT_EQ(gw_->RunCli({"audit", "query", "--type", "audit_query"}, &out, &err), 0) << err;
  int proofs = 0;
  for (const Json& e : JsonLines(out)) {
    if (!e["detail"].contains("prove")) continue;
    ++proofs;
    EXPECT_EQ(e["detail"]["prove"]["field"].get<std::string>().empty(), false);
    EXPECT_EQ(e.dump().find("overlast"), std::string::npos);
  }
  EXPECT_EQ(proofs, 5);
  EXPECT_EQ(gw_->Stop(), 0);
}

}  // namespace
}  // namespace vh::gw
