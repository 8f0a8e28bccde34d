#pragma once
// Helpers of the notification and case end-to-end tests:
// notification bodies with synthetic persons, triage, a meeting that names a
// case. Everything goes through the real gateway (GatewayHarness).

#include <gtest/gtest.h>

#include <string>

#include "tests/exchange/need_to_know_util.h"

namespace vh::testing {

// A notification about the person of BSN seed `seed` (none when < 0), with
// a synthetic name and date of birth.
inline Json CaseNotification(int seed, const std::string& category = "aanhouding",
                             const std::string& reason = "Synthetisch: aanhouding na overlast") {
  Json identity = {
      {"persoon.naam", "Synthetische Persoon " + std::to_string(seed < 0 ? -seed : seed)},
      {"persoon.geboortedatum", "1991-05-17"}};
  if (seed >= 0) identity["persoon.bsn"] = SyntheticBsn(seed);
  return Json{{"identity", identity}, {"category", category}, {"reason", reason}};
}

// POST /v1/notifications as `who`; the id.
inline std::string Notify(GatewayHarness& gw, const Json& body,
                          const std::string& who = "politie.participant") {
  HttpResult r = gw.Post(who, "/v1/notifications", body);
  EXPECT_EQ(r.status, 201) << r.body;
  const Json j = r.json();
  return j.is_object() ? j.value("id", "") : "";
}

// POST /v1/notifications/{id}/triage; the case (or "").
inline std::string Triage(GatewayHarness& gw, const std::string& notification, const Json& body) {
  HttpResult r = gw.Post(kNtkCoordinator, "/v1/notifications/" + notification + "/triage", body);
  EXPECT_EQ(r.status, 200) << r.body;
  const Json j = r.json();
  return j.is_object() ? j.value("case", "") : "";
}

// The coordinator's list row of notification `id` (null when not listed).
inline Json ListedNotification(GatewayHarness& gw, const std::string& id,
                               const std::string& status = "") {
  HttpResult r =
      gw.Get(kNtkCoordinator, "/v1/notifications" + (status.empty() ? "" : "?status=" + status));
  EXPECT_EQ(r.status, 200) << r.body;
  const Json list = r.json();
  for (const auto& n : list["notifications"]) {
    if (n["id"] == id) return n;
  }
  return nullptr;
}

// A briefing whose subject S1 names `case_id`; its id.
inline std::string MeetingForCase(GatewayHarness& gw, const std::string& case_id, int seed,
                                  const std::string& overlegvorm = "briefing") {
  Json subject = NtkSubject("S1", seed, "Leiden");
  subject["case"] = case_id;
  return NtkCreate(gw, NtkMeeting(overlegvorm, Json::array({subject})));
}

}  // namespace vh::testing
