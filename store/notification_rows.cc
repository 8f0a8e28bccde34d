// CaseStore: notifications (meldingen). Each notification has its
// own data key, wrapped like a meeting's; its identity, reason, municipality
// and release date are one sealed box under that key. Shredding destroys the
// key and the box and keeps a tombstone (id, partner, category, times,
// state), so the id is never reused and the notifier still hears that its
// notification is gone.

#include "db/database.h"
#include "store/case_rows_internal.h"
#include "store/case_store.h"
#include "store/case_store_internal.h"

namespace vh::store {
namespace {

using internal::BoxString;
using internal::Col;

constexpr const char* kNotificationColumns =
    "id, partner, notifier_cn, category, urgent, restricted, status, received_at, pseudonym, "
    "name_key, subject, case_id, decision, triaged_at, triaged_by, closed_at, retention_until, "
    "shredded_at, box";
constexpr int kNotificationBoxColumn = 18;

NotificationRecord ReadNotification(const db::Statement& st) {
  NotificationRecord n;
  n.id = Col(st, 0);
  n.partner = Col(st, 1);
  n.notifier_cn = Col(st, 2);
  n.category = Col(st, 3);
  n.urgent = st.Int(4) != 0;
  n.restricted = st.Int(5) != 0;
  n.status = Col(st, 6);
  n.received_at = Col(st, 7);
  n.pseudonym = Col(st, 8);
  n.name_key = Col(st, 9);
  n.subject = Col(st, 10);
  n.case_id = Col(st, 11);
  n.decision = Col(st, 12);
  n.triaged_at = Col(st, 13);
  n.triaged_by = Col(st, 14);
  n.closed_at = Col(st, 15);
  n.retention_until = Col(st, 16);
  n.shredded_at = Col(st, 17);
  return n;
}

Json NotificationBox(const NotificationRecord& n) {
  return Json{{"identity", n.identity.is_null() ? Json::object() : n.identity},
              {"reason", n.reason},
              {"municipality", n.municipality},
              {"release_date", n.release_date}};
}

}  // namespace

Status CaseStore::MigrateCases() { return db_->Exec(internal::kCasesSchema); }

Result<const crypto::SecretBytes*> CaseStore::RowKeyLocked(std::string_view table,
                                                           std::string_view id) {
  auto it = keys_.find(std::string(id));
  if (it != keys_.end()) return &it->second;
  // `table` is one of this file's and case_rows.cc's constants, never input.
  auto st = db_->Prepare("SELECT wrapped_key FROM " + std::string(table) + " WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such record");
  if (st->IsNull(0)) return Status::NotFound("the record's data has been shredded");
  std::string aad = "vh.store.v1.key|";
  aad.append(id);
  auto k = crypto::OpenKey(wrap_key_, st->Blob(0), aad);
  if (!k || k->size() != crypto::kKeyBytes) {
    return Status::Internal(db_->path() + ": the data key of " + std::string(id) +
                            " does not open");
  }
  auto [ins, _] = keys_.emplace(std::string(id), std::move(*k));
  return &ins->second;
}

Result<NotificationRecord> CaseStore::GetNotificationLocked(std::string_view id, bool open_sealed) {
  auto st = db_->Prepare("SELECT " + std::string(kNotificationColumns) +
                         " FROM notifications WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such notification");
  NotificationRecord n = ReadNotification(*st);
  if (!open_sealed || st->IsNull(kNotificationBoxColumn)) return n;
  const std::string box = st->Blob(kNotificationBoxColumn);
  auto key = RowKeyLocked("notifications", id);
  if (!key.ok()) return key.status();
  auto text = OpenFor(**key, id, "notification", box);
  if (!text.ok()) return text.status();
  auto j = ParseJson(*text);
  if (!j.ok() || !j->is_object()) return Status::Internal("stored notification is not JSON");
  n.identity = j->value("identity", Json::object());
  n.reason = BoxString(*j, "reason");
  n.municipality = BoxString(*j, "municipality");
  n.release_date = BoxString(*j, "release_date");
  return n;
}

Status CaseStore::AddNotification(const NotificationRecord& n, const CaseChange& change,
                                  const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  crypto::SecretBytes key;
  const std::string wrapped = internal::WrapNewKey(wrap_key_, n.id, &key);
  const std::string case_id = change.kind == CaseChange::Kind::kCreate ? change.created.id
                              : change.kind == CaseChange::Kind::kJoin ? change.case_id
                                                                       : n.case_id;
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "INSERT INTO notifications (id, partner, notifier_cn, category, urgent, restricted, "
            "status, received_at, pseudonym, name_key, subject, case_id, decision, triaged_at, "
            "triaged_by, box, wrapped_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
            "?12, ?13, ?14, ?15, ?16, ?17);");
        if (!st.ok()) return st.status();
        st->Bind(1, n.id).Bind(2, n.partner).Bind(3, n.notifier_cn).Bind(4, n.category);
        st->Bind(5, int64_t{n.urgent ? 1 : 0}).Bind(6, int64_t{n.restricted ? 1 : 0});
        st->Bind(7, n.status).Bind(8, n.received_at).Bind(9, n.pseudonym).Bind(10, n.name_key);
        st->Bind(11, n.subject).Bind(12, case_id).Bind(13, n.decision).Bind(14, n.triaged_at);
        st->Bind(15, n.triaged_by);
        st->BindBlob(16, SealFor(key, n.id, "notification", DumpJson(NotificationBox(n))));
        st->BindBlob(17, wrapped);
        VH_RETURN_IF_ERROR(st->Run());
        return ApplyCaseChangeLocked(change, n.id);
      },
      before_commit);
}

Result<NotificationRecord> CaseStore::GetNotification(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetNotificationLocked(id, true);
}

Result<std::vector<NotificationRecord>> CaseStore::NotificationsWhereLocked(
    const char* select_ids, std::optional<std::string_view> arg, bool open_sealed) {
  auto st = db_->Prepare(select_ids);
  if (!st.ok()) return st.status();
  if (arg) st->Bind(1, *arg);
  std::vector<std::string> ids;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back(Col(*st, 0));
  }
  std::vector<NotificationRecord> out;
  for (const auto& id : ids) {
    auto n = GetNotificationLocked(id, open_sealed);
    if (!n.ok()) return n.status();
    out.push_back(std::move(*n));
  }
  return out;
}

Result<std::vector<NotificationRecord>> CaseStore::ListNotifications(bool open_sealed) {
  std::lock_guard<std::mutex> lock(mu_);
  return NotificationsWhereLocked(
      "SELECT id FROM notifications WHERE status != 'shredded' ORDER BY received_at, id;", {},
      open_sealed);
}

Result<std::vector<NotificationRecord>> CaseStore::NotificationsOfCase(std::string_view case_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return NotificationsWhereLocked(
      "SELECT id FROM notifications WHERE case_id = ?1 AND status != 'shredded' "
      "ORDER BY received_at, id;",
      case_id, true);
}

Status CaseStore::TriageNotification(std::string_view id, std::string_view decision,
                                     std::string_view status, std::string_view at,
                                     std::string_view by, std::string_view retention_until,
                                     const CaseChange& change, const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto n = GetNotificationLocked(id, false);
  if (!n.ok()) return n.status();
  if (n->status != kNotificationNew) {
    return Status::Conflict("already_triaged", "the notification has been triaged already");
  }
  const std::string case_id = change.kind == CaseChange::Kind::kCreate ? change.created.id
                              : change.kind == CaseChange::Kind::kJoin ? change.case_id
                                                                       : std::string();
  const bool closed = status == kNotificationClosed;
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "UPDATE notifications SET decision = ?2, status = ?3, triaged_at = ?4, "
            "triaged_by = ?5, case_id = ?6, closed_at = ?7, retention_until = ?8 WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, id).Bind(2, decision).Bind(3, status).Bind(4, at).Bind(5, by);
        st->Bind(6, case_id).Bind(7, closed ? at : std::string_view());
        st->Bind(8, retention_until);
        VH_RETURN_IF_ERROR(st->Run());
        return ApplyCaseChangeLocked(change, id);
      },
      before_commit);
}

Result<int64_t> CaseStore::CountOpenUrgentNotifications() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT COUNT(*) FROM notifications WHERE urgent = 1 AND status IN ('new', 'triaged');");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->Int(0) : int64_t{0};
}

Result<std::vector<NotificationRecord>> CaseStore::NotificationsDueForShredding(
    std::string_view now) {
  std::lock_guard<std::mutex> lock(mu_);
  // FormatUtc text: string order is time order.
  return NotificationsWhereLocked(
      "SELECT id FROM notifications WHERE status = 'closed' AND (case_id IS NULL OR case_id = "
      "'') AND retention_until IS NOT NULL AND retention_until <> '' AND retention_until <= ?1 "
      "ORDER BY retention_until, id;",
      now, false);
}

Status CaseStore::ShredNotification(std::string_view id, std::string_view at,
                                    const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "UPDATE notifications SET status = 'shredded', shredded_at = ?2, box = NULL, "
            "wrapped_key = NULL, pseudonym = '', name_key = '', subject = '', decision = '' "
            "WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, id).Bind(2, at);
        return st->Run();
      },
      before_commit);
  if (s.ok()) keys_.erase(std::string(id));
  return s;
}

}  // namespace vh::store
