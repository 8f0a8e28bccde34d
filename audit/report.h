#pragma once
// The access report for one person (AVG art. 15): which
// partner received or supplied which fields about them, when, in which
// meeting and overlegvorm, under which rule and purpose, in plain Dutch.
//
// The audit module does not depend on the covenant engine: the caller passes
// the display data (labels, names, purposes, which overlegvormen are
// restricted) as a ReportContext, built from the covenant in force
// (gateway/audit_routes.h ReportContextFromCovenant, for the routes and the
// CLI). Anything the context does not know is shown by its id.
//
// Notifications, checks and cases about the person (see
// audit/report_cases.cc) are entries too, in plain Dutch: who notified the
// house, how it was weighed, who heard the decision, who asked whether the
// person is known, the case, its holder, follow-up and close, its shredding.
// Restricted overlegvormen (radicalisering) are marked. In the copy for the
// person concerned (ReportOptions::subject_copy) their entries are left out,
// while the covenant marks them restricted, and the report says that some
// entries were withheld and on which ground, without counting them.
//
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <vector>

#include "audit/event.h"
#include "core/clock.h"
#include "core/json.h"

namespace vh::audit {

// What the audit module knows of the covenant in force, as values: the
// house, the stamp its own events carry (audit_query events, AuditService)
// and the report's display data.
struct ReportContext {
  std::string house;       // house id
  std::string house_name;  // e.g. "Zorg- en Veiligheidshuis Hollands Midden"; defaults to house
  CovenantRef covenant;    // id, version, sha256 ("" when unknown)
  std::string covenant_title;
  std::map<std::string, std::string> field_labels;   // field id -> label
  std::map<std::string, std::string> partner_names;  // partner id -> name
  struct Overlegvorm {
    std::string name, purpose;
    bool restricted = false;
    std::string processing_activity;  // URI of its processing activity; "" when none
  };
  std::map<std::string, Overlegvorm> overlegvormen;
  std::map<std::string, std::string> category_labels;  // notification category id -> label
  std::map<std::string, std::string> outcome_labels;   // meeting outcome id -> label
};

struct ReportOptions {
  bool subject_copy = false;  // the person's own copy: restricted entries withheld
};

// `events`: the person's events in ascending seq (a Query by pseudonym).
// JSON: {subject, generated_at, covenant, intro, entries: [{time, time_local,
// kind, partner, partner_name, meeting, overlegvorm, overlegvorm_name, purpose,
// restricted, fields: [{field, label, rule, transform, transform_text}], text}],
// withheld_note?}
Json BuildAccessReport(const std::vector<StoredEvent>& events, const ReportContext& ctx,
                       const ReportOptions& options, TimePoint now);
// A printable, self-contained HTML page of the same report (all text escaped).
std::string RenderAccessReportHtml(const Json& report);

// "23 november 2026 om 09:15" in Dutch civil time (CET/CEST) from a UTC time.
std::string DutchDateTime(TimePoint t);

// Internal to the report (audit/report_cases.cc): whether `e` concerns a
// notification, check or case, and its entry (null when it adds nothing to
// the report, e.g. the urgent flag of a notification already listed);
// *restricted set when the copy for the person leaves it out.
bool IsCaseEvent(const Event& e);
Json CaseReportEntry(const StoredEvent& se, const ReportContext& ctx, const std::string& house_name,
                     const ReportOptions& options, bool* restricted);

}  // namespace vh::audit
