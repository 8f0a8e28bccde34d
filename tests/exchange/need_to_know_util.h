#pragma once
// Helpers of the need-to-know end-to-end tests: meeting bodies
// with synthetic subjects, requests, events as the house's privacy officer
// reads them. Everything goes through the real gateway (GatewayHarness).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/gateway_harness.h"

namespace vh::testing {

inline constexpr const char* kNtkCoordinator = "veiligheidshuis-hm.coordinator";
inline constexpr const char* kNtkHouseOfficer = "veiligheidshuis-hm.privacy-officer";

// A subject: ref, a synthetic name and date of birth, the BSN of `seed`
// (none when seed < 0), and a municipality when given.
inline Json NtkSubject(const std::string& ref, int seed, const std::string& municipality = "") {
  Json identity = {{"persoon.naam", "Synthetische Persoon " + ref},
                   {"persoon.geboortedatum", "1990-03-14"}};
  if (seed >= 0) identity["persoon.bsn"] = SyntheticBsn(seed);
  Json s = {{"ref", ref}, {"identity", identity}, {"reason", "melding (synthetisch)"}};
  if (!municipality.empty()) s["municipality"] = municipality;
  return s;
}

inline Json NtkMeeting(const std::string& overlegvorm, Json subjects, bool ad_hoc = false,
                       const std::string& starts_at = "2026-01-01T09:00:00Z",
                       const std::string& ends_at = "2099-01-01T12:00:00Z") {
  Json m = {{"overlegvorm", overlegvorm},
            {"title", "Overleg (synthetisch)"},
            {"starts_at", starts_at},
            {"ends_at", ends_at},
            {"subjects", std::move(subjects)}};
  if (ad_hoc) m["ad_hoc"] = {"woningcorporatie"};
  return m;
}

inline std::string NtkCreate(GatewayHarness& gw, const Json& body,
                             const std::string& who = kNtkCoordinator) {
  HttpResult r = gw.Post(who, "/v1/meetings", body);
  EXPECT_EQ(r.status, 201) << r.body;
  const Json j = r.json();
  return j.is_object() ? j.value("id", "") : "";
}

// POST .../requests; the requests created.
inline Json NtkSendRequests(GatewayHarness& gw, const std::string& meeting,
                            Json body = {{"deadline", "2099-01-01T08:00:00Z"}}) {
  HttpResult r = gw.Post(kNtkCoordinator, "/v1/meetings/" + meeting + "/requests", body);
  EXPECT_EQ(r.status, 201) << r.body;
  const Json j = r.json();
  return j.is_object() ? j["requests"] : Json::array();
}

// Supplier -> the refs it was asked about, from a requests list.
inline std::map<std::string, std::vector<std::string>> NtkAskedAbout(const Json& requests) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& q : requests) out[q["supplier"]].push_back(q["subject"]);
  return out;
}

// The open requests of `supplier_identity` in `meeting`: ref -> request id.
inline std::map<std::string, std::string> NtkOpenRequests(GatewayHarness& gw,
                                                          const std::string& supplier_identity,
                                                          const std::string& meeting) {
  HttpResult r = gw.Get(supplier_identity, "/v1/requests?status=open");
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> out;
  const Json j = r.json();
  for (const auto& q : j["requests"]) {
    if (q["meeting"] == meeting) out[q["subject"]] = q["id"];
  }
  return out;
}

inline void NtkExpectError(const HttpResult& r, int status, const std::string& code,
                           const std::string& in_message = "") {
  EXPECT_EQ(r.status, status) << r.body;
  const Json j = r.json();
  ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  if (!in_message.empty()) {
    EXPECT_NE(j["error"]["message"].get<std::string>().find(in_message), std::string::npos)
        << r.body;
  }
}

// The events `officer` reads with query `query` (all pages of up to 1000).
inline Json NtkEvents(GatewayHarness& gw, const std::string& officer, const std::string& query) {
  HttpResult r = gw.Get(officer, "/v1/audit/events?limit=1000&" + query);
  EXPECT_EQ(r.status, 200) << r.body;
  const Json j = r.json();
  return j.is_object() ? j["events"] : Json::array();
}

// How many access_refused events name `cn` as actor and `reason`.
inline int NtkRefusals(GatewayHarness& gw, const std::string& cn, const std::string& reason) {
  int n = 0;
  for (const auto& e : NtkEvents(gw, kNtkHouseOfficer, "type=access_refused")) {
    if (e["actor"]["cn"] == cn && e["detail"].value("reason", "") == reason) ++n;
  }
  return n;
}

// The refs of a dossier or meeting body's subjects.
inline std::vector<std::string> NtkRefs(const Json& body) {
  std::vector<std::string> out;
  if (!body.is_object() || !body.contains("subjects")) return out;
  for (const auto& s : body["subjects"]) out.push_back(s["ref"]);
  return out;
}

}  // namespace vh::testing
