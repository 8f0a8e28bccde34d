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
  if (!e.trace.empty()) {
    Json t = {{"trace_id", e.trace.trace_id}, {"span_id", e.trace.span_id}};
    if (!e.trace.parent_span_id.empty()) t["parent_span_id"] = e.trace.parent_span_id;
    if (!e.trace.start_time.empty()) t["start_time"] = e.trace.start_time;
    if (!e.trace.foreign_span_id.empty()) {
      t["foreign_operation"] = {{"trace_id", e.trace.foreign_trace_id},
                                {"span_id", e.trace.foreign_span_id},
                                {"entity", e.trace.foreign_entity}};
    }
    j["trace"] = std::move(t);
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
  Event traced = SampleEvent(5);
  traced.trace = {"4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331", "00f067aa0ba902b7",
                  "2026-12-01T10:00:00.000Z"};
  events.push_back(traced);
  traced.trace.foreign_trace_id = traced.trace.trace_id;
  traced.trace.foreign_span_id = traced.trace.parent_span_id;
  traced.trace.foreign_entity = "urn:vhgate:partner:politie";
  events.push_back(traced);
  Event started_here = SampleEvent(6);
  started_here.trace = {"0af7651916cd43dd8448eb211c80319c", "b9c7c989f97918e1", "", ""};
  events.push_back(started_here);
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
    EXPECT_EQ(back.trace.trace_id, e.trace.trace_id);
    EXPECT_EQ(back.trace.span_id, e.trace.span_id);
    EXPECT_EQ(back.trace.parent_span_id, e.trace.parent_span_id);
    EXPECT_EQ(back.trace.foreign_entity, e.trace.foreign_entity);
    EXPECT_EQ(EventBody(back), body) << "a parsed body writes the same bytes again";
  }
}

// An event written before events carried their trace keeps its bytes (and
// so its hash): no "trace" key is written for an event without one, and the
// body of such an event parses back without one.
TEST(EventBodyTest, EventsWithoutATraceKeepTheirEarlierForm) {
  Event e;
  e.type = kAuditQuery;
  e.actor = {"veiligheidshuis-hm", "privacy-officer", "FG", "ab", "127.0.0.1:1"};
  e.outcome = "ok";
  const std::string earlier =
      R"({"actor":{"cn":"FG","fingerprint":"ab","partner":"veiligheidshuis-hm",)"
      R"("remote":"127.0.0.1:1","role":"privacy-officer"},"covenant":{"id":"","sha256":"",)"
      R"("version":""},"detail":{},"fields":[],"meeting":"","outcome":"ok","overlegvorm":"",)"
      R"("purpose":"","recipient":"","subject":"","supplier":""})";
  EXPECT_EQ(EventBody(e), earlier);
  Event back;
  ASSERT_TRUE(ParseEventBody(earlier, &back).ok());
  EXPECT_TRUE(back.trace.empty());
  EXPECT_EQ(EventBody(back), earlier);
  EXPECT_FALSE(
      EventToJson(StoredEvent{1, "2026-01-01T00:00:00.000Z", back, {}, {}}).contains("trace"));
}

}  // namespace
}  // namespace vh::audit
