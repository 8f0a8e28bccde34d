// CovenantBuilder, the covenant-wide lists used around meetings:
// notification_categories, outcomes and case_retention_days
// (policy/covenant_builder.h). Each has a default when absent.

#include <set>

#include "policy/covenant_builder.h"

namespace vh::policy {

using loader_detail::Join;
using loader_detail::Q;

void CovenantBuilder::ParseNotificationCategories(const Json& root) {
  const std::string path = "/notification_categories";
  const Json* arr = GetArray(root, "notification_categories", "", false);
  if (!arr) {
    if (!root.contains("notification_categories")) {
      c_->notification_categories_ = Covenant::DefaultNotificationCategories();
    }
    return;
  }
  if (arr->empty()) Problem(path, "no categories (leave the key out for the default list)");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = Join(path, i);
    const Json& j = (*arr)[i];
    if (!IsObject(j, p)) continue;
    CheckKeys(j, p, {"id", "label", "release_date", "restricted"});
    NotificationCategory n;
    const bool ok = GetId(j, "id", p, &n.id);
    GetString(j, "label", p, true, &n.label);
    GetBool(j, "release_date", p, false, &n.release_date);
    GetBool(j, "restricted", p, false, &n.restricted);
    if (!ok) continue;
    if (!ids.insert(n.id).second) {
      Problem(p + "/id", "duplicate category id " + Q(n.id));
      continue;
    }
    c_->notification_categories_.push_back(std::move(n));
  }
}

void CovenantBuilder::ParseOutcomes(const Json& root) {
  const std::string path = "/outcomes";
  const Json* arr = GetArray(root, "outcomes", "", false);
  if (!arr) {
    if (!root.contains("outcomes")) c_->outcomes_ = Covenant::DefaultOutcomes();
    return;
  }
  if (arr->empty()) Problem(path, "no outcomes (leave the key out for the default list)");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = Join(path, i);
    const Json& j = (*arr)[i];
    if (!IsObject(j, p)) continue;
    CheckKeys(j, p, {"id", "label"});
    Outcome o;
    const bool ok = GetId(j, "id", p, &o.id);
    GetString(j, "label", p, true, &o.label);
    if (!ok) continue;
    if (o.id == Covenant::kReservedOutcome) {
      Problem(p + "/id", Q(o.id) + " is reserved for meetings the retention sweep closes");
      continue;
    }
    if (!ids.insert(o.id).second) {
      Problem(p + "/id", "duplicate outcome id " + Q(o.id));
      continue;
    }
    c_->outcomes_.push_back(std::move(o));
  }
}

void CovenantBuilder::ParseCaseRetention(const Json& root) {
  GetDays(root, "case_retention_days", "", false, &c_->case_retention_days_);
}

}  // namespace vh::policy
