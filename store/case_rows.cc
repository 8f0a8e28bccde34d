// CaseStore: cases (casussen): the case rows with their own data
// key, the meetings that name a case and the outcomes those meetings record
// on it, follow-up items, closing and crypto-shredding. A case's identity,
// municipality, release date and close reason are one sealed box under its
// key; a follow-up item's outcome is sealed under the same key.

#include "db/database.h"
#include "store/case_rows_internal.h"
#include "store/case_store.h"
#include "store/case_store_internal.h"

namespace vh::store {
namespace {

using internal::BoxString;
using internal::Col;

constexpr const char* kCaseColumns =
    "id, kind, status, created_at, created_by, overlegvorm, restricted, pseudonym, name_key, "
    "subject, routed_to, case_holder, closed_at, retention_until, shredded_at, box";
constexpr int kCaseBoxColumn = 15;

CaseRecord ReadCase(const db::Statement& st) {
  CaseRecord c;
  c.id = Col(st, 0);
  c.kind = Col(st, 1);
  c.status = Col(st, 2);
  c.created_at = Col(st, 3);
  c.created_by = Col(st, 4);
  c.overlegvorm = Col(st, 5);
  c.restricted = st.Int(6) != 0;
  c.pseudonym = Col(st, 7);
  c.name_key = Col(st, 8);
  c.subject = Col(st, 9);
  c.routed_to = Col(st, 10);
  c.case_holder = Col(st, 11);
  c.closed_at = Col(st, 12);
  c.retention_until = Col(st, 13);
  c.shredded_at = Col(st, 14);
  return c;
}

Json CaseBox(const CaseRecord& c) {
  return Json{{"identity", c.identity.is_null() ? Json::object() : c.identity},
              {"municipality", c.municipality},
              {"release_date", c.release_date},
              {"close_reason", c.close_reason}};
}

// The ids a query selects (first column).
Result<std::vector<std::string>> Ids(db::Statement& st) {
  std::vector<std::string> ids;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back(Col(st, 0));
  }
  return ids;
}

Result<std::vector<CaseMeetingLink>> Links(db::Statement& st) {
  std::vector<CaseMeetingLink> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({Col(st, 0), Col(st, 1), static_cast<int>(st.Int(2)), false});
  }
  return out;
}

}  // namespace

Result<CaseRecord> CaseStore::GetCaseLocked(std::string_view id, bool open_sealed) {
  auto st = db_->Prepare("SELECT " + std::string(kCaseColumns) + " FROM cases WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such case");
  CaseRecord c = ReadCase(*st);
  if (!open_sealed || st->IsNull(kCaseBoxColumn)) return c;
  const std::string box = st->Blob(kCaseBoxColumn);
  auto key = RowKeyLocked("cases", id);
  if (!key.ok()) return key.status();
  auto text = OpenFor(**key, id, "case", box);
  if (!text.ok()) return text.status();
  auto j = ParseJson(*text);
  if (!j.ok() || !j->is_object()) return Status::Internal("stored case is not JSON");
  c.identity = j->value("identity", Json::object());
  c.municipality = BoxString(*j, "municipality");
  c.release_date = BoxString(*j, "release_date");
  c.close_reason = BoxString(*j, "close_reason");
  return c;
}

Status CaseStore::InsertCaseRowLocked(const CaseRecord& c) {
  crypto::SecretBytes key;
  const std::string wrapped = internal::WrapNewKey(wrap_key_, c.id, &key);
  auto st = db_->Prepare(
      "INSERT INTO cases (id, kind, status, created_at, created_by, overlegvorm, restricted, "
      "pseudonym, name_key, subject, routed_to, case_holder, box, wrapped_key) VALUES (?1, ?2, "
      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14);");
  if (!st.ok()) return st.status();
  st->Bind(1, c.id).Bind(2, c.kind).Bind(3, kCaseOpen).Bind(4, c.created_at);
  st->Bind(5, c.created_by).Bind(6, c.overlegvorm).Bind(7, int64_t{c.restricted ? 1 : 0});
  st->Bind(8, c.pseudonym).Bind(9, c.name_key).Bind(10, c.subject).Bind(11, c.routed_to);
  st->Bind(12, c.case_holder);
  st->BindBlob(13, SealFor(key, c.id, "case", DumpJson(CaseBox(c))));
  st->BindBlob(14, wrapped);
  return st->Run();
}

// Writes `c`'s sealed box again (after a change of one of its members).
static Status RewriteCaseBox(db::Database& db, const std::string& id, const std::string& box) {
  auto st = db.Prepare("UPDATE cases SET box = ?2 WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id).BindBlob(2, box);
  return st->Run();
}

Status CaseStore::ApplyCaseChangeLocked(const CaseChange& change, std::string_view notification) {
  (void)notification;  // the notification row names its case itself
  if (change.kind == CaseChange::Kind::kNone) return Status::Ok();
  if (change.kind == CaseChange::Kind::kCreate) return InsertCaseRowLocked(change.created);
  auto c = GetCaseLocked(change.case_id, change.release_date.has_value());
  if (!c.ok()) return c.status();
  if (c->status != kCaseOpen) return Status::Conflict("case_closed", "the case is closed");
  if (!change.release_date) return Status::Ok();
  c->release_date = *change.release_date;
  auto key = RowKeyLocked("cases", c->id);
  if (!key.ok()) return key.status();
  return RewriteCaseBox(*db_, c->id, SealFor(**key, c->id, "case", DumpJson(CaseBox(*c))));
}

Result<CaseRecord> CaseStore::GetCase(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetCaseLocked(id, true);
}

Result<std::vector<CaseRecord>> CaseStore::ListCases(bool open_sealed) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st =
      db_->Prepare("SELECT id FROM cases WHERE status != 'shredded' ORDER BY created_at, id;");
  if (!st.ok()) return st.status();
  auto ids = Ids(*st);
  if (!ids.ok()) return ids.status();
  std::vector<CaseRecord> out;
  for (const auto& id : *ids) {
    auto c = GetCaseLocked(id, open_sealed);
    if (!c.ok()) return c.status();
    out.push_back(std::move(*c));
  }
  return out;
}

Result<std::vector<CaseMeetingLink>> CaseStore::CaseMeetings(std::string_view case_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT case_id, meeting, idx FROM case_meetings WHERE case_id = ?1 ORDER BY rowid;");
  if (!st.ok()) return st.status();
  st->Bind(1, case_id);
  return Links(*st);
}

Result<std::vector<CaseMeetingLink>> CaseStore::MeetingCases(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT case_id, meeting, idx FROM case_meetings WHERE meeting = ?1 ORDER BY idx;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  return Links(*st);
}

Result<std::vector<CaseOutcomeRecord>> CaseStore::CaseOutcomes(std::string_view case_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT case_id, meeting, overlegvorm, idx, decision, decided_at FROM case_outcomes "
      "WHERE case_id = ?1 ORDER BY decided_at, meeting, idx;");
  if (!st.ok()) return st.status();
  st->Bind(1, case_id);
  std::vector<CaseOutcomeRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({Col(*st, 0), Col(*st, 1), Col(*st, 2), static_cast<int>(st->Int(3)), Col(*st, 4),
                   Col(*st, 5)});
  }
  return out;
}

Result<std::vector<FollowUpRecord>> CaseStore::FollowUpsDone(std::string_view case_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT case_id, due, kind, done_at, done_by, box FROM follow_ups WHERE case_id = ?1 "
      "ORDER BY due, kind;");
  if (!st.ok()) return st.status();
  st->Bind(1, case_id);
  std::vector<FollowUpRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    FollowUpRecord f{Col(*st, 0), Col(*st, 1), Col(*st, 2), Col(*st, 3), Col(*st, 4), ""};
    if (!st->IsNull(5)) {
      auto key = RowKeyLocked("cases", case_id);
      if (!key.ok()) return key.status();
      auto text = OpenFor(**key, case_id, "follow_up|" + f.due + "|" + f.kind, st->Blob(5));
      if (!text.ok()) return text.status();
      f.outcome = std::move(*text);
    }
    out.push_back(std::move(f));
  }
  return out;
}

Status CaseStore::SetCaseHolder(std::string_view case_id, std::string_view partner,
                                const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto c = GetCaseLocked(case_id, false);
  if (!c.ok()) return c.status();
  if (c->status != kCaseOpen) return Status::Conflict("case_closed", "the case is closed");
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare("UPDATE cases SET case_holder = ?2 WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, case_id).Bind(2, partner);
        return st->Run();
      },
      before_commit);
}

Status CaseStore::CompleteFollowUp(const FollowUpRecord& item, const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto c = GetCaseLocked(item.case_id, false);
  if (!c.ok()) return c.status();
  if (c->status != kCaseOpen) return Status::Conflict("case_closed", "the case is closed");
  auto exists = db_->Prepare(
      "SELECT 1 FROM follow_ups WHERE case_id = ?1 AND due = ?2 AND "
      "kind = ?3;");
  if (!exists.ok()) return exists.status();
  exists->Bind(1, item.case_id).Bind(2, item.due).Bind(3, item.kind);
  auto row = exists->Step();
  if (!row.ok()) return row.status();
  if (*row) return Status::Conflict("follow_up_done", "this follow-up item is closed already");
  exists->Reset();
  auto key = RowKeyLocked("cases", item.case_id);
  if (!key.ok()) return key.status();
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "INSERT INTO follow_ups (case_id, due, kind, done_at, done_by, box) VALUES (?1, ?2, "
            "?3, ?4, ?5, ?6);");
        if (!st.ok()) return st.status();
        st->Bind(1, item.case_id).Bind(2, item.due).Bind(3, item.kind).Bind(4, item.done_at);
        st->Bind(5, item.done_by);
        st->BindBlob(6, SealFor(**key, item.case_id, "follow_up|" + item.due + "|" + item.kind,
                                item.outcome));
        return st->Run();
      },
      before_commit);
}

Status CaseStore::CloseCase(std::string_view case_id, std::string_view closed_at,
                            std::string_view retention_until, std::string_view reason,
                            const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto c = GetCaseLocked(case_id, true);
  if (!c.ok()) return c.status();
  if (c->status != kCaseOpen) return Status::Conflict("case_closed", "the case is closed already");
  c->close_reason = std::string(reason);
  auto key = RowKeyLocked("cases", case_id);
  if (!key.ok()) return key.status();
  const std::string box = SealFor(**key, case_id, "case", DumpJson(CaseBox(*c)));
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "UPDATE cases SET status = 'closed', closed_at = ?2, retention_until = ?3, box = ?4 "
            "WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, case_id).Bind(2, closed_at).Bind(3, retention_until).BindBlob(4, box);
        VH_RETURN_IF_ERROR(st->Run());
        auto n = db_->Prepare(
            "UPDATE notifications SET status = 'closed', closed_at = ?2 WHERE case_id = ?1 AND "
            "status IN ('new', 'triaged');");
        if (!n.ok()) return n.status();
        n->Bind(1, case_id).Bind(2, closed_at);
        return n->Run();
      },
      before_commit);
}

Result<std::vector<CaseRecord>> CaseStore::CasesDueForShredding(std::string_view now) {
  std::lock_guard<std::mutex> lock(mu_);
  // FormatUtc text: string order is time order.
  auto st = db_->Prepare(
      "SELECT id FROM cases WHERE status = 'closed' AND retention_until IS NOT NULL AND "
      "retention_until <> '' AND retention_until <= ?1 ORDER BY retention_until, id;");
  if (!st.ok()) return st.status();
  st->Bind(1, now);
  auto ids = Ids(*st);
  if (!ids.ok()) return ids.status();
  std::vector<CaseRecord> out;
  for (const auto& id : *ids) {
    auto c = GetCaseLocked(id, false);
    if (!c.ok()) return c.status();
    out.push_back(std::move(*c));
  }
  return out;
}

Status CaseStore::ShredCase(std::string_view case_id, std::string_view at,
                            const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto notes = db_->Prepare("SELECT id FROM notifications WHERE case_id = ?1;");
  if (!notes.ok()) return notes.status();
  notes->Bind(1, case_id);
  auto note_ids = Ids(*notes);
  if (!note_ids.ok()) return note_ids.status();
  notes->Reset();
  Status s = InTransaction(
      [&]() -> Status {
        for (const char* sql : {"DELETE FROM follow_ups WHERE case_id = ?1;",
                                "DELETE FROM case_outcomes WHERE case_id = ?1;",
                                "DELETE FROM case_meetings WHERE case_id = ?1;",
                                "UPDATE notifications SET status = 'shredded', shredded_at = ?2, "
                                "box = NULL, wrapped_key = NULL, pseudonym = '', name_key = '', "
                                "subject = '', decision = '' WHERE case_id = ?1;",
                                "UPDATE cases SET status = 'shredded', shredded_at = ?2, box = "
                                "NULL, wrapped_key = NULL, pseudonym = '', name_key = '', "
                                "subject = '' WHERE id = ?1;"}) {
          auto st = db_->Prepare(sql);
          if (!st.ok()) return st.status();
          st->Bind(1, case_id);
          if (std::string_view(sql).find("?2") != std::string_view::npos) st->Bind(2, at);
          VH_RETURN_IF_ERROR(st->Run());
        }
        return Status::Ok();
      },
      before_commit);
  if (s.ok()) {
    keys_.erase(std::string(case_id));  // SecretBytes wipes itself
    for (const auto& id : *note_ids) keys_.erase(id);
  }
  return s;
}

Result<std::map<int, std::string>> CaseStore::SubjectOutcomes(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare("SELECT idx, outcome FROM subjects WHERE meeting = ?1 ORDER BY idx;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::map<int, std::string> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.emplace(static_cast<int>(st->Int(0)), Col(*st, 1));
  }
  return out;
}

Status CaseStore::InsertCaseLinksLocked(const NewMeeting& m) {
  for (const CaseMeetingLink& link : m.case_links) {
    auto c = GetCaseLocked(link.case_id, false);
    if (!c.ok()) return c.status();
    if (c->status != kCaseOpen) return Status::Conflict("case_closed", "the case is closed");
    auto st =
        db_->Prepare("INSERT INTO case_meetings (case_id, meeting, idx) VALUES (?1, ?2, ?3);");
    if (!st.ok()) return st.status();
    st->Bind(1, link.case_id).Bind(2, m.meeting.id).Bind(3, int64_t{link.subject});
    VH_RETURN_IF_ERROR(st->Run());
    // The case is handled where it is first discussed; a restricted
    // overlegvorm makes it restricted for good.
    auto up = db_->Prepare(
        "UPDATE cases SET overlegvorm = CASE WHEN overlegvorm IS NULL OR overlegvorm = '' THEN "
        "?2 ELSE overlegvorm END, restricted = MAX(restricted, ?3) WHERE id = ?1;");
    if (!up.ok()) return up.status();
    up->Bind(1, link.case_id).Bind(2, m.meeting.overlegvorm);
    up->Bind(3, int64_t{link.restricted ? 1 : 0});
    VH_RETURN_IF_ERROR(up->Run());
  }
  return Status::Ok();
}

Status CaseStore::RecordCaseOutcomesLocked(std::string_view meeting,
                                           const std::map<int, std::string>& outcomes,
                                           std::string_view decided_at) {
  auto links = db_->Prepare("SELECT case_id, idx FROM case_meetings WHERE meeting = ?1;");
  if (!links.ok()) return links.status();
  links->Bind(1, meeting);
  std::map<int, std::string> case_of;  // agenda position -> case
  for (;;) {
    auto row = links->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    case_of.emplace(static_cast<int>(links->Int(1)), Col(*links, 0));
  }
  links->Reset();
  if (case_of.empty()) return Status::Ok();
  auto m = db_->Prepare("SELECT overlegvorm FROM meetings WHERE id = ?1;");
  if (!m.ok()) return m.status();
  m->Bind(1, meeting);
  auto mrow = m->Step();
  if (!mrow.ok()) return mrow.status();
  const std::string overlegvorm = *mrow ? Col(*m, 0) : std::string();
  m->Reset();
  auto st = db_->Prepare(
      "INSERT OR REPLACE INTO case_outcomes (case_id, meeting, idx, overlegvorm, decision, "
      "decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6);");
  if (!st.ok()) return st.status();
  for (const auto& [idx, decision] : outcomes) {
    auto it = case_of.find(idx);
    if (it == case_of.end()) continue;
    st->Reset();
    st->Bind(1, it->second).Bind(2, meeting).Bind(3, int64_t{idx}).Bind(4, overlegvorm);
    st->Bind(5, decision).Bind(6, decided_at);
    VH_RETURN_IF_ERROR(st->Run());
  }
  return Status::Ok();
}

}  // namespace vh::store
