// Events: the body as stored must keep its bytes (existing logs must verify),
// and parse back.

#include "audit/event.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
using testing::SampleEvent;

// EventBody writes JSON directly; it must give the bytes the Json-tree form
// gave (stored events keep their form), also for text that needs escaping,
// non-ASCII and invalid UTF-8.
std::string EventBodyThroughJson(const Event& e) {
  Json j = Json::object();
  j["actor"] = {{"partner", e.actor.partner},
                {"role", e.actor.role},
                {"cn", e.actor.cn},
                {"fingerprint", e.actor.fingerprint},
                {"remote", e.actor.remote}};
  j["meeting"] = e.meeting;
  j["overlegvorm"] = e.overlegvorm;
  j["purpose"] = e.purpose;
  j["covenant"] = {
      {"id", e.covenant.id}, {"version", e.covenant.version}, {"sha256", e.covenant.sha256}};
  j["subject"] = e.subject;
  j["supplier"] = e.supplier;
  j["recipient"] = e.recipient;
  Json fields = Json::array();
  for (const auto& f : e.fields) {
    fields.push_back({{"field", f.field},
                      {"decision", f.decision},
                      {"rule", f.rule},
                      {"transform", f.transform},
                      {"reason", f.reason},
                      {"value_mac", f.value_mac}});
  }
  j["fields"] = std::move(fields);
  j["outcome"] = e.outcome;
  j["detail"] = e.detail.is_null() ? Json::object() : e.detail;
  if (!e.parts_list.empty()) {
    j["parts_list"] = e.parts_list;
  } else if (!e.parts.empty()) {
    Json parts = Json::array();
    for (const auto& p : e.parts) {
      parts.push_back(
          {{"subject", p.subject}, {"set", p.set}, {"shown", p.shown}, {"withheld", p.withheld}});
    }
    j["parts"] = std::move(parts);
  }
  return DumpJson(j);
}

TEST(EventBodyTest, SameBytesAsTheJsonTreeAndParsesBack) {
  std::vector<Event> events;
  events.push_back(SampleEvent(1));
  Event odd = SampleEvent(2);
  odd.actor.cn = "Jan \"de\" Vries\\ \t\n\x01\x7f";
  odd.purpose = "Weging — één casus";
  odd.fields.push_back({"leefgebied.wonen", "withheld", "", "", "niet \"nodig\"\r\n", ""});
  odd.fields.push_back({"casus.reden_melding", "disclosed", "R7", "full", "", "ab\xff\xfe"});
  odd.detail = {{"reason", "tekst met \"quotes\" en ü"}, {"n", 3}, {"list", {1, "b", nullptr}}};
  events.push_back(odd);
  Event empty;
  empty.type = kAuditQuery;
  events.push_back(empty);
  events.push_back(testing::SampleView(3).event);  // parts inline, the earlier form
  Event named = testing::SampleView(4).event;      // as the log writes a view
  named.parts_list = MakePartList(named.parts)->hex;
  named.parts.clear();
  events.push_back(named);
  for (const Event& e : events) {
    std::string body = EventBody(e);
    EXPECT_EQ(body, EventBodyThroughJson(e));
    Event back;
    ASSERT_TRUE(ParseEventBody(body, &back).ok());
    EXPECT_EQ(back.fields.size(), e.fields.size());
    ASSERT_EQ(back.parts.size(), e.parts.size());
    for (std::size_t i = 0; i < e.parts.size(); ++i) {
      EXPECT_EQ(back.parts[i].subject, e.parts[i].subject);
      EXPECT_EQ(back.parts[i].set, e.parts[i].set);
      EXPECT_EQ(back.parts[i].shown, e.parts[i].shown);
    }
    EXPECT_EQ(back.parts_list, e.parts_list);
    EXPECT_EQ(back.purpose, e.purpose);
    EXPECT_EQ(EventBody(back), body) << "a parsed body writes the same bytes again";
  }
}

}  // namespace
}  // namespace vh::audit
