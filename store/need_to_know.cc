// CaseStore: the rows of need-to-know, kept apart from the
// meeting's own tables: per subject its municipality and the partners to ask
// about it, the house CNs a meeting names, the fingerprint a declaration
// binds, and the open meetings past their end for the retention sweep.
//
// Everything here that could identify a person (a subject's municipality,
// which partners are asked about the subject, staff names) is sealed under
// the meeting's data key like the rest of its content, and goes with the key
// when the meeting is shredded.

#include "core/json.h"
#include "db/database.h"
#include "store/case_store.h"

namespace vh::store {
namespace {

constexpr const char* kNeedToKnowSchema = R"sql(
CREATE TABLE IF NOT EXISTS subject_scopes(
  meeting TEXT NOT NULL, idx INTEGER NOT NULL, box BLOB NOT NULL, PRIMARY KEY(meeting, idx));
CREATE TABLE IF NOT EXISTS meeting_staff(meeting TEXT PRIMARY KEY, box BLOB NOT NULL);
)sql";

std::string Text(const db::Statement& s, int c) { return s.IsNull(c) ? "" : s.Text(c); }

Json StringList(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

// A list of strings from stored JSON; false when it is not one.
bool ReadStringList(const Json& j, std::vector<std::string>* out) {
  if (!j.is_array()) return false;
  out->clear();
  for (const auto& x : j) {
    if (!x.is_string()) return false;
    out->push_back(x.get<std::string>());
  }
  return true;
}

}  // namespace

Status CaseStore::MigrateNeedToKnow() {
  VH_RETURN_IF_ERROR(db_->Exec(kNeedToKnowSchema));
  // Declarations bind the signer's certificate by its fingerprint. Rows
  // written before the column existed have none: they match no certificate,
  // so their signers sign again.
  auto cols = db_->Prepare("PRAGMA table_info(declarations);");
  if (!cols.ok()) return cols.status();
  for (;;) {
    auto row = cols->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (Text(*cols, 1) == "fingerprint") return Status::Ok();
  }
  return db_->Exec("ALTER TABLE declarations ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';");
}

Status CaseStore::InsertNeedToKnowLocked(const crypto::SecretBytes& key, const NewMeeting& m) {
  const std::string& id = m.meeting.id;
  auto st = db_->Prepare("INSERT INTO subject_scopes (meeting, idx, box) VALUES (?1, ?2, ?3);");
  if (!st.ok()) return st.status();
  for (const SubjectScope& scope : m.scopes) {
    Json body = {{"municipality", scope.municipality}};
    if (scope.suppliers) body["suppliers"] = StringList(*scope.suppliers);
    st->Reset();
    st->Bind(1, id).Bind(2, int64_t{scope.index});
    st->BindBlob(3,
                 SealFor(key, id, "subject.scope|" + std::to_string(scope.index), DumpJson(body)));
    VH_RETURN_IF_ERROR(st->Run());
  }
  if (!m.staff) return Status::Ok();
  auto sst = db_->Prepare("INSERT INTO meeting_staff (meeting, box) VALUES (?1, ?2);");
  if (!sst.ok()) return sst.status();
  sst->Bind(1, id).BindBlob(2, SealFor(key, id, "staff", DumpJson(StringList(*m.staff))));
  return sst->Run();
}

Status CaseStore::ShredNeedToKnowLocked(std::string_view meeting) {
  for (const char* sql : {"DELETE FROM subject_scopes WHERE meeting = ?1;",
                          "DELETE FROM meeting_staff WHERE meeting = ?1;"}) {
    auto st = db_->Prepare(sql);
    if (!st.ok()) return st.status();
    st->Bind(1, meeting);
    VH_RETURN_IF_ERROR(st->Run());
  }
  return Status::Ok();
}

Result<std::vector<SubjectScope>> CaseStore::SubjectScopes(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SubjectScope> out;
  VH_RETURN_IF_ERROR(ForEachSealedRowLocked(
      "SELECT idx, box FROM subject_scopes WHERE meeting = ?1 ORDER BY idx;", meeting,
      [&](const db::Statement& st, const crypto::SecretBytes& key) -> Status {
        SubjectScope scope;
        scope.index = static_cast<int>(st.Int(0));
        auto text =
            OpenFor(key, meeting, "subject.scope|" + std::to_string(scope.index), st.Blob(1));
        if (!text.ok()) return text.status();
        auto j = ParseJson(*text);
        if (!j.ok() || !j->is_object()) return Status::Internal("stored subject scope is not JSON");
        if (auto m = j->find("municipality"); m != j->end() && m->is_string()) {
          scope.municipality = m->get<std::string>();
        }
        if (auto s = j->find("suppliers"); s != j->end()) {
          std::vector<std::string> ids;
          if (!ReadStringList(*s, &ids)) return Status::Internal("stored suppliers are not a list");
          scope.suppliers = std::move(ids);
        }
        out.push_back(std::move(scope));
        return Status::Ok();
      }));
  return out;
}

Result<std::optional<std::vector<std::string>>> CaseStore::Staff(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare("SELECT box FROM meeting_staff WHERE meeting = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::vector<std::string>>();
  const std::string box = st->Blob(0);
  auto key = MeetingKeyLocked(meeting);
  if (!key.ok()) return key.status();
  auto text = OpenFor(**key, meeting, "staff", box);
  if (!text.ok()) return text.status();
  auto j = ParseJson(*text);
  std::vector<std::string> cns;
  if (!j.ok() || !ReadStringList(*j, &cns)) return Status::Internal("stored staff is not a list");
  return std::optional<std::vector<std::string>>(std::move(cns));
}

Result<std::vector<MeetingRecord>> CaseStore::UnclosedEndedBy(std::string_view cutoff) {
  std::lock_guard<std::mutex> lock(mu_);
  // Times are FormatUtc text (fixed width, UTC): string order is time order.
  auto st = db_->Prepare(
      "SELECT id FROM meetings WHERE state = 'open' AND ends_at IS NOT NULL AND ends_at <> '' "
      "AND ends_at <= ?1 ORDER BY ends_at, id;");
  if (!st.ok()) return st.status();
  st->Bind(1, cutoff);
  std::vector<std::string> ids;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back(Text(*st, 0));
  }
  std::vector<MeetingRecord> out;
  for (const auto& id : ids) {
    auto m = GetMeetingLocked(id);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace vh::store
