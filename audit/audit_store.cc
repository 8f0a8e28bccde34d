#include "audit/audit_store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "audit/checkpoint.h"
#include "audit/event_index.h"
#include "crypto/hex.h"

namespace vh::audit {

bool HashFromBlob(const std::string& blob, crypto::Hash* out) {
  if (blob.size() != out->size()) return false;
  std::copy(blob.begin(), blob.end(), out->begin());
  return true;
}

Result<ChainHead> ReadHead(db::Database& db) {
  auto q = db.PrepareCached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1;");
  if (!q.ok()) return q.status();
  db::Statement& st = **q;
  auto row = st.Step();
  if (!row.ok()) return row.status();
  ChainHead h;
  if (*row) {
    h.seq = st.Int(0);
    if (!HashFromBlob(st.Blob(1), &h.hash)) {
      return Status::Unavailable("audit_corrupt", db.path() + ": event " + std::to_string(h.seq) +
                                                      ": stored hash malformed");
    }
  }
  return h;
}

Result<int64_t> ReadLastCheckpointSeq(db::Database& db) {
  auto q = db.PrepareCached("SELECT seq FROM checkpoints ORDER BY seq DESC LIMIT 1;");
  if (!q.ok()) return q.status();
  auto row = (*q)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*q)->Int(0) : int64_t{0};
}

Status StoreByDigest(db::Database& db, const char* table, const crypto::Hash& digest,
                     std::string_view body) {
  auto st =
      db.Prepare(std::string("INSERT OR IGNORE INTO ") + table + "(digest, body) VALUES (?1, ?2);");
  if (!st.ok()) return st.status();
  st->BindBlob(1, HashBytes(digest)).Bind(2, body);
  return st->Run();
}

Status CheckTail(db::Database& db, const std::vector<uint8_t>& sign_public,
                 const std::string& checkpoint_path) {
  auto file = ReadCheckpointFile(checkpoint_path);
  if (!file.ok()) return file.status();
  auto st = db.Prepare("SELECT seq, hash, time, sig FROM checkpoints ORDER BY seq DESC LIMIT 1;");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  Checkpoint last;
  if (*row) {
    last.seq = st->Int(0);
    HashFromBlob(st->Blob(1), &last.hash);
    last.time = st->Text(2);
    std::string sig = st->Blob(3);
    last.signature.assign(sig.begin(), sig.end());
    if (!CheckpointSignatureValid(sign_public, last)) {
      return Status::Unavailable("audit_corrupt",
                                 db.path() + ": checkpoint at event " + std::to_string(last.seq) +
                                     " has an invalid signature; run `vhgate audit verify`");
    }
  }
  for (const auto& cp : file->checkpoints) {
    if (cp.seq > last.seq) {
      return Status::Unavailable("audit_corrupt",
                                 checkpoint_path + " remembers a checkpoint at event " +
                                     std::to_string(cp.seq) + " that " + db.path() +
                                     " does not have (truncated or rolled back); run `vhgate audit "
                                     "verify`");
    }
  }
  // Events after the last checkpoint must chain onto it.
  auto ev = db.Prepare(
      "SELECT seq, time, type, actor_partner, meeting, subject, supplier, recipient, body, "
      "prev_hash, hash FROM events WHERE seq >= ?1 ORDER BY seq;");
  if (!ev.ok()) return ev.status();
  ev->Bind(1, last.seq);
  crypto::Hash running = last.hash;
  int64_t expect = last.seq;
  bool first = last.seq > 0;
  for (;;) {
    auto r = ev->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    int64_t seq = ev->Int(0);
    crypto::Hash stored{}, prev{};
    HashFromBlob(ev->Blob(10), &stored);
    HashFromBlob(ev->Blob(9), &prev);
    auto corrupt = [&](const std::string& why) {
      return Status::Unavailable("audit_corrupt", db.path() + ": event " + std::to_string(seq) +
                                                      ": " + why + "; run `vhgate audit verify`");
    };
    if (first) {
      first = false;
      if (seq != last.seq || stored != last.hash) return corrupt("does not match its checkpoint");
      continue;
    }
    if (seq != expect + 1) return corrupt("sequence gap");
    if (prev != running) return corrupt("previous hash does not match");
    crypto::Hash h =
        ChainHash(prev, CanonicalEvent(seq, ev->Text(1), ev->Text(2), ev->Text(3), ev->Text(4),
                                       ev->Text(5), ev->Text(6), ev->Text(7), ev->Text(8)));
    if (h != stored) return corrupt("hash does not match its content");
    running = h;
    expect = seq;
  }
  if (first) {
    return Status::Unavailable("audit_corrupt", db.path() + ": checkpoint at event " +
                                                    std::to_string(last.seq) +
                                                    " but the event is missing (truncated)");
  }
  return Status::Ok();
}

void ScopeView(const std::string& scope, Event* e) {
  if (e->recipient == scope) {
    // Which other partner holds a value withheld from the recipient is not
    // the recipient's to know.
    for (SubjectPart& part : e->parts) {
      for (std::size_t i = 0; i < part.fields.size() && i < part.from.size(); ++i) {
        if (part.fields[i].decision != "disclosed") part.from[i].clear();
      }
    }
    return;
  }
  std::vector<SubjectPart> kept;
  for (SubjectPart& part : e->parts) {
    SubjectPart own;
    own.subject = part.subject;
    own.set = part.set;
    for (std::size_t i = 0; i < part.fields.size() && i < part.from.size(); ++i) {
      if (part.from[i] != scope) continue;
      (part.fields[i].decision == "disclosed" ? own.shown : own.withheld) += 1;
      own.fields.push_back(std::move(part.fields[i]));
      own.from.push_back(scope);
    }
    if (!own.fields.empty()) kept.push_back(std::move(own));
  }
  e->parts = std::move(kept);
  e->supplier = scope;
  e->suppliers = {scope};
}

Status ResolveParts(db::Database& db, const std::string& subject, const std::string& scope,
                    std::vector<StoredEvent>* events) {
  std::optional<db::Statement> get, get_list;
  std::map<std::string, std::pair<std::vector<FieldDecision>, std::vector<std::string>>> sets;
  std::map<std::string, std::vector<SubjectPart>> lists;
  for (StoredEvent& se : *events) {
    Event& e = se.event;
    if (e.parts.empty() && !e.parts_list.empty()) {
      auto it = lists.find(e.parts_list);
      if (it == lists.end()) {
        auto parts = ReadPartList(db, e.parts_list, &get_list);
        if (!parts.ok()) return parts.status();
        if (!*parts) {
          return Status::Unavailable("audit_corrupt",
                                     "event " + std::to_string(se.seq) +
                                         ": its part list is missing or unreadable; run "
                                         "`vhgate audit verify`");
        }
        it = lists.emplace(e.parts_list, std::move(**parts)).first;
      }
      e.parts = it->second;
    }
    for (SubjectPart& part : e.parts) {
      if (!subject.empty() && part.subject != subject) continue;
      auto it = sets.find(part.set);
      if (it == sets.end()) {
        auto digest = crypto::FromHex(part.set);
        if (!get) {
          auto st = db.Prepare("SELECT body FROM decision_sets WHERE digest = ?1;");
          if (!st.ok()) return st.status();
          get.emplace(std::move(*st));
        }
        get->Reset();
        get->BindBlob(1, digest ? std::string_view(reinterpret_cast<const char*>(digest->data()),
                                                   digest->size())
                                : std::string_view());
        auto row = get->Step();
        if (!row.ok()) return row.status();
        std::pair<std::vector<FieldDecision>, std::vector<std::string>> decoded;
        if (!*row || !ParseDecisionSet(get->Text(0), &decoded.first, &decoded.second).ok()) {
          return Status::Unavailable("audit_corrupt",
                                     "event " + std::to_string(se.seq) +
                                         ": its decision set is missing or unreadable; run "
                                         "`vhgate audit verify`");
        }
        it = sets.emplace(part.set, std::move(decoded)).first;
      }
      part.fields = it->second.first;
      part.from = it->second.second;
    }
    const bool view = e.type == kDossierDisclosed;
    if (view && !scope.empty()) ScopeView(scope, &e);
    if (subject.empty() || (e.parts.empty() && !view)) continue;
    bool found = false;
    for (SubjectPart& part : e.parts) {
      if (part.subject != subject) continue;
      e.subject = part.subject;
      e.fields = std::move(part.fields);
      if (!e.detail.is_object()) e.detail = Json::object();
      e.detail["from"] = std::move(part.from);
      e.detail["shown"] = part.shown;
      found = true;
      break;
    }
    e.parts.clear();
    // A view the scope may read nothing of about this subject.
    if (view && !found && !scope.empty()) se.seq = 0;
  }
  if (!scope.empty()) {
    std::erase_if(*events, [](const StoredEvent& se) { return se.seq == 0; });
  }
  return Status::Ok();
}

}  // namespace vh::audit
