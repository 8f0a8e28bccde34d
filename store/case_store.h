#pragma once
// CaseStore: meetings, subjects, information requests, answers,
// declarations, phases, outcomes and retention of the information exchange.
//
// Storage: its own SQLCipher database (data_dir/cases.db) opened with its own
// key (keys_dir/case-store.key, crypto/keyring.h; created by `vhgate keys init`).
// On top of the page encryption, everything that could identify a person or
// holds a supplied value (title, subject refs, identities, reasons, answer
// values, decline and failure reasons, retention reasons) is sealed with XChaCha20-Poly1305 under a
// random per-meeting data key. The data key is stored only wrapped (sealed) by a wrapping key
// derived from the store key; shredding a meeting deletes the wrapped key and the meeting's rows,
// so copies of old pages or backups can no longer be opened (crypto-shredding). A tombstone row
// (id, overlegvorm, state "shredded", shredded_at) remains so that the id is not reused and the
// sweep can report what it did.
//
// Need-to-know rows (store/need_to_know.cc: a subject's municipality and the
// partners to ask about it, the house CNs a meeting names) are sealed the same
// way and shredded with the meeting.
//
// Identity fields (the overlegvorm's request_identity) are kept only while a
// request of that subject still awaits an answer: they are dropped when the
// last open request of the subject is answered, declined or the meeting
// closes (SubjectRecord::identity becomes null).
//
// The store holds records, not policy: the exchange service decides what is
// allowed. Mutating calls take an optional `before_commit` hook that runs
// inside the transaction after the writes; a non-ok Status from it rolls
// everything back and is returned. The exchange uses it to append the audit
// event before the change becomes visible.
//
// Errors: NotFound (unknown id), Conflict (state does not allow it),
// Unavailable (the database failed; message names the file, never a value),
// Internal (a sealed value does not open: tampering or a wrong key).
// Thread-safety: every method is thread-safe (one connection behind a mutex).

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "crypto/secret_bytes.h"
#include "store/case_records.h"

namespace vh {
struct Config;
namespace db {
class Database;
class Statement;
}  // namespace db
}  // namespace vh

namespace vh::store {

inline constexpr const char* kStoreDbFile = "cases.db";

inline constexpr const char* kMeetingOpen = "open";
inline constexpr const char* kMeetingClosed = "closed";
inline constexpr const char* kMeetingShredded = "shredded";

inline constexpr const char* kRequestOpen = "open";
inline constexpr const char* kRequestAnswered = "answered";
inline constexpr const char* kRequestDeclined = "declined";
inline constexpr const char* kRequestFailed = "failed";
// "overdue" is never stored: it is open (or failed) past its deadline.
inline constexpr const char* kRequestOverdue = "overdue";

struct Participant {
  std::string partner;
  bool ad_hoc = false;
};

struct SubjectRecord {
  int index = 0;          // position in the meeting's agenda, from 0
  std::string ref;        // the coordinator's reference (sealed at rest)
  Json identity;          // {field: value}; null once dropped
  std::string reason;     // reason for notification (sealed at rest)
  std::string pseudonym;  // the audit log's keyed pseudonym (not secret)
  std::string outcome;    // decision at close, "" before
};

struct MeetingRecord {
  std::string id;
  std::string overlegvorm;
  std::string title;
  std::string starts_at, ends_at;  // RFC 3339 UTC
  std::string created_at, created_by;
  std::string covenant_id, covenant_version, covenant_sha256;
  std::string state;  // kMeetingOpen / kMeetingClosed / kMeetingShredded
  bool client_present = false;
  std::string closed_at;
  std::string retention_until;   // closed_at + retention_days, set at close
  std::string extended_until;    // "" unless extended
  std::string extension_reason;  // sealed at rest
  std::string extension_code;    // its code (exchange/types.h kRetentionCodes); "" before codes
  std::string shredded_at;
};

// Need-to-know of one subject (store/need_to_know.cc), sealed at rest: the
// municipality it lives in ("" unknown) and, when the coordinator narrowed
// them, the partners to ask about it.
struct SubjectScope {
  int index = 0;  // the subject's agenda position
  std::string municipality;
  std::optional<std::vector<std::string>> suppliers;
  bool operator==(const SubjectScope&) const = default;
};

struct NewMeeting {
  MeetingRecord meeting;  // id, overlegvorm, title, times, creator, covenant
  std::vector<Participant> participants;
  std::vector<SubjectRecord> subjects;
  // Need-to-know (store/need_to_know.cc): per subject (only those with a
  // municipality or suppliers), and the house CNs taking part (nullopt: the
  // meeting names none).
  std::vector<SubjectScope> scopes;
  std::optional<std::vector<std::string>> staff;
  // Subjects that name a case (store/case_rows.cc): linked in the same
  // transaction; each case must be open (Conflict "case_closed").
  std::vector<CaseMeetingLink> case_links;
};

struct RequestRecord {
  std::string id;
  std::string meeting;
  int subject = 0;
  std::string supplier;
  std::vector<std::string> fields;
  std::string deadline;
  std::string status;  // stored status (never "overdue")
  std::string created_at;
  std::string answered_at;  // last answer or decline
  std::string note;         // decline reason / failure text (sealed at rest); see Reason
  std::string note_code;    // its code (exchange/types.h); "" before codes
  int answers = 0;          // how many answers were stored (2+ = replaced)
};

struct AnswerRecord {
  int subject = 0;
  std::string supplier;
  std::string field;
  Json value;
  std::string request_id;  // "" for identity entered by the house
  std::string received_at;
};

// A meeting as the meeting index lists it: only what is stored in the clear
// (no title, no subjects), enough to filter by state and time before a
// meeting is opened.
struct MeetingListing {
  std::string id;
  std::string overlegvorm;
  std::string state;               // kMeetingOpen / kMeetingClosed (never shredded)
  std::string starts_at, ends_at;  // RFC 3339 UTC
};

// A confidentiality declaration signed by one person: it binds the partner,
// the certificate's CN and fingerprint, and the hash of the text signed.
// Rows written before fingerprints were recorded read with fingerprint "".
struct DeclarationRecord {
  std::string partner;
  std::string cn;
  std::string text_sha256;
  std::string signed_at;
  std::string fingerprint;  // SHA-256 of the signer's certificate, hex
};

// A reason as the store keeps it: its code, in clear (a word of a fixed
// vocabulary, exchange/types.h), and the text given, sealed under the
// meeting's data key ("" stores none). Both go when the meeting is shredded.
struct Reason {
  std::string_view code;
  std::string_view text;
};

using BeforeCommit = std::function<Status()>;

class CaseStore {
 public:
  // Opens (creating when missing) the database at `path` with `store_key`
  // (32 bytes). Fails with Unavailable naming the file on a wrong key.
  static Result<std::unique_ptr<CaseStore>> Open(const std::string& path,
                                                 const crypto::SecretBytes& store_key);
  // data_dir/cases.db with keys_dir/case-store.key. A missing or badly
  // protected key file fails naming the file (run `vhgate keys init`).
  static Result<std::unique_ptr<CaseStore>> OpenFromConfig(const Config& config);
  ~CaseStore();
  CaseStore(const CaseStore&) = delete;
  CaseStore& operator=(const CaseStore&) = delete;

  // Meeting with participants and subjects; creates the data key. `answers`
  // are values entered by the house (identity fields the covenant lets the
  // house supply). Conflict when the id exists.
  Status CreateMeeting(const NewMeeting& m, const std::vector<AnswerRecord>& house_answers,
                       const BeforeCommit& before_commit = nullptr);
  // NotFound for unknown ids. A shredded meeting is returned as its tombstone.
  Result<MeetingRecord> GetMeeting(std::string_view id);
  Result<std::vector<Participant>> Participants(std::string_view meeting);
  Result<std::vector<SubjectRecord>> Subjects(std::string_view meeting);

  // Requests (Conflict when a request for the same meeting, subject and
  // supplier exists).
  Status AddRequests(const std::vector<RequestRecord>& requests,
                     const BeforeCommit& before_commit = nullptr);
  // With its note opened.
  Result<RequestRecord> GetRequest(std::string_view id);
  // With their notes opened (the coordinator's board shows them).
  Result<std::vector<RequestRecord>> RequestsOfMeeting(std::string_view meeting);
  // The supplier's requests in meetings that are still open, oldest first;
  // their notes are not opened (`note` is "").
  Result<std::vector<RequestRecord>> RequestsOfSupplier(std::string_view supplier);
  // How many requests of open meetings await an answer (metrics): open with
  // no deadline or one at or after `now` (RFC 3339 UTC as FormatUtc writes
  // it), overdue (open past its deadline) and failed. One counting query;
  // reads no sealed column.
  struct AwaitingCounts {
    int64_t open = 0, overdue = 0, failed = 0;
  };
  Result<AwaitingCounts> CountAwaitingRequests(std::string_view now);

  // Stores `accepted` as the answer of request `id` (replacing the answers of
  // any earlier answer to it), sets its status to answered, and drops the
  // subject's identity when no request of the subject still awaits an answer.
  Status StoreAnswer(std::string_view request_id, const std::vector<AnswerRecord>& accepted,
                     std::string_view answered_at, const BeforeCommit& before_commit = nullptr);
  // Sets status declined/failed with its reason (the note: code and sealed
  // text; an answer later clears both). Declined drops the identity as
  // StoreAnswer does.
  Status SetRequestStatus(std::string_view request_id, std::string_view status, const Reason& note,
                          std::string_view at, const BeforeCommit& before_commit = nullptr);

  Result<std::vector<AnswerRecord>> Answers(std::string_view meeting);

  Status AddDeclaration(std::string_view meeting, const DeclarationRecord& d,
                        const BeforeCommit& before_commit = nullptr);
  Result<std::vector<DeclarationRecord>> Declarations(std::string_view meeting);

  Status SetPhase(std::string_view meeting, bool client_present,
                  const BeforeCommit& before_commit = nullptr);
  // Closes an open meeting (Conflict otherwise): records outcomes (subject
  // index -> decision), closed_at and retention_until; drops identities.
  Status Close(std::string_view meeting, const std::map<int, std::string>& outcomes,
               std::string_view closed_at, std::string_view retention_until,
               const BeforeCommit& before_commit = nullptr);
  // Only for closed meetings (Conflict otherwise). The reason replaces an
  // earlier extension's.
  Status ExtendRetention(std::string_view meeting, std::string_view until, const Reason& reason,
                         const BeforeCommit& before_commit = nullptr);
  // Every meeting that is not shredded, by starts_at then id (the console's
  // meeting list; case_store_queries.cc). Unavailable when the database fails.
  Result<std::vector<MeetingListing>> ListMeetings();
  // Closed meetings whose retention (or extension) ends at or before `now`
  // (RFC 3339 UTC as FormatUtc writes it).
  Result<std::vector<MeetingRecord>> DueForShredding(std::string_view now);
  // Destroys the data key and removes the meeting's rows; keeps the tombstone.
  Status Shred(std::string_view meeting, std::string_view at,
               const BeforeCommit& before_commit = nullptr);

  // --- need-to-know (store/need_to_know.cc) ---
  // The scopes CreateMeeting stored, in agenda order (subjects without one
  // have no entry). Sealed under the meeting's data key.
  Result<std::vector<SubjectScope>> SubjectScopes(std::string_view meeting);
  // The house CNs the meeting names (nullopt: none named). Sealed.
  Result<std::optional<std::vector<std::string>>> Staff(std::string_view meeting);
  // Open meetings whose ends_at is at or before `cutoff` (FormatUtc text):
  // those nobody closed, for the retention sweep.
  Result<std::vector<MeetingRecord>> UnclosedEndedBy(std::string_view cutoff);

  // --- notifications and cases (store/case_records.h) -------------
  // store/notification_rows.cc. A new notification with its own data key,
  // and what it does to a case (a detention notice creates or joins one).
  Status AddNotification(const NotificationRecord& n, const CaseChange& change,
                         const BeforeCommit& before_commit = nullptr);
  // NotFound for unknown ids; a shredded one is its tombstone (no sealed part).
  Result<NotificationRecord> GetNotification(std::string_view id);
  // Every notification that is not shredded, by received_at then id; with
  // `open_sealed` false the sealed part is left empty (no decryption).
  Result<std::vector<NotificationRecord>> ListNotifications(bool open_sealed);
  // The notifications of a case (not shredded), by received_at, opened.
  Result<std::vector<NotificationRecord>> NotificationsOfCase(std::string_view case_id);
  // Records the triage of a new notification (Conflict "already_triaged"
  // otherwise): its decision, status, times and the case change.
  Status TriageNotification(std::string_view id, std::string_view decision, std::string_view status,
                            std::string_view at, std::string_view by,
                            std::string_view retention_until, const CaseChange& change,
                            const BeforeCommit& before_commit = nullptr);
  // Urgent notifications not closed (metrics); reads no sealed column.
  Result<int64_t> CountOpenUrgentNotifications();
  // Closed notifications outside any case whose retention has passed.
  Result<std::vector<NotificationRecord>> NotificationsDueForShredding(std::string_view now);
  // Destroys the notification's data key and sealed part; keeps a tombstone.
  Status ShredNotification(std::string_view id, std::string_view at,
                           const BeforeCommit& before_commit = nullptr);

  // store/case_rows.cc.
  Result<CaseRecord> GetCase(std::string_view id);
  // Every case that is not shredded, by created_at then id (see
  // ListNotifications for `open_sealed`).
  Result<std::vector<CaseRecord>> ListCases(bool open_sealed);
  Result<std::vector<CaseMeetingLink>> CaseMeetings(std::string_view case_id);
  Result<std::vector<CaseMeetingLink>> MeetingCases(std::string_view meeting);
  Result<std::vector<CaseOutcomeRecord>> CaseOutcomes(std::string_view case_id);
  // The follow-up items closed so far, by due date.
  Result<std::vector<FollowUpRecord>> FollowUpsDone(std::string_view case_id);
  // Conflict "case_closed" unless open.
  Status SetCaseHolder(std::string_view case_id, std::string_view partner,
                       const BeforeCommit& before_commit = nullptr);
  // Conflict "case_closed" unless open, "follow_up_done" when that item was
  // closed before.
  Status CompleteFollowUp(const FollowUpRecord& item, const BeforeCommit& before_commit = nullptr);
  // Closes an open case (Conflict "case_closed" otherwise) and its
  // notifications; the reason is sealed.
  Status CloseCase(std::string_view case_id, std::string_view closed_at,
                   std::string_view retention_until, std::string_view reason,
                   const BeforeCommit& before_commit = nullptr);
  // Closed cases whose retention has passed.
  Result<std::vector<CaseRecord>> CasesDueForShredding(std::string_view now);
  // Destroys the data keys of the case and of its notifications, removes
  // their sealed parts, follow-ups, links and outcomes; keeps tombstones.
  Status ShredCase(std::string_view case_id, std::string_view at,
                   const BeforeCommit& before_commit = nullptr);
  // Each subject's decision of a meeting (agenda position -> outcome id, ""
  // before the close). Reads no sealed column.
  Result<std::map<int, std::string>> SubjectOutcomes(std::string_view meeting);

  // A counter bumped by every change of any meeting's content, for callers
  // that cache views. Lock-free.
  uint64_t generation() const;

  const std::string& path() const;

 private:
  CaseStore(std::unique_ptr<db::Database> db, crypto::SecretBytes wrap_key);
  Status Migrate();
  // The reasons' code columns (requests.note_code, meetings.extension_code),
  // added to a store made before them.
  Status MigrateReasonCodes();
  // Need-to-know (store/need_to_know.cc): its tables and the declarations'
  // fingerprint column; its rows of a new meeting (inside CreateMeeting's
  // transaction) and their removal when the meeting is shredded.
  Status MigrateNeedToKnow();
  Status InsertNeedToKnowLocked(const crypto::SecretBytes& key, const NewMeeting& m);
  Status ShredNeedToKnowLocked(std::string_view meeting);
  // Notifications and cases (store/notification_rows.cc, case_rows.cc): their
  // tables, the data key of a row of `table` ("notifications" or "cases"),
  // sealing of their boxes, the case change of a notification, the links of
  // a new meeting and the outcomes a meeting's close records on cases.
  Status MigrateCases();
  Result<const crypto::SecretBytes*> RowKeyLocked(std::string_view table, std::string_view id);
  Status ApplyCaseChangeLocked(const CaseChange& change, std::string_view notification);
  Status InsertCaseRowLocked(const CaseRecord& c);
  Status InsertCaseLinksLocked(const NewMeeting& m);
  Status RecordCaseOutcomesLocked(std::string_view meeting,
                                  const std::map<int, std::string>& outcomes,
                                  std::string_view decided_at);
  Result<CaseRecord> GetCaseLocked(std::string_view id, bool open_sealed);
  Result<NotificationRecord> GetNotificationLocked(std::string_view id, bool open_sealed);
  // The notifications whose ids `select_ids` selects (with `arg` bound to
  // ?1 when given), each read whole.
  Result<std::vector<NotificationRecord>> NotificationsWhereLocked(
      const char* select_ids, std::optional<std::string_view> arg, bool open_sealed);
  Result<const crypto::SecretBytes*> MeetingKeyLocked(std::string_view meeting);
  // Calls `row` for every row that `sql` selects with `meeting` bound to ?1,
  // with the meeting's data key (unwrapped at the first row: a meeting with
  // no such rows needs none). Stops at the first error.
  Status ForEachSealedRowLocked(
      const std::string& sql, std::string_view meeting,
      const std::function<Status(const db::Statement&, const crypto::SecretBytes&)>& row);
  std::string SealFor(const crypto::SecretBytes& key, std::string_view meeting,
                      std::string_view what, std::string_view plaintext);
  Result<std::string> OpenFor(const crypto::SecretBytes& key, std::string_view meeting,
                              std::string_view what, std::string_view box);
  Status InTransaction(const std::function<Status()>& body, const BeforeCommit& before_commit);
  Status DropIdentityIfDoneLocked(std::string_view meeting, int subject);
  Result<RequestRecord> GetRequestLocked(std::string_view id);
  // Opens the sealed note (column 9 of a request row) into r->note.
  Status OpenNoteLocked(const db::Statement& row, RequestRecord* r);
  Result<MeetingRecord> GetMeetingLocked(std::string_view id);

  mutable std::mutex mu_;
  std::unique_ptr<db::Database> db_;
  crypto::SecretBytes wrap_key_;
  std::unordered_map<std::string, crypto::SecretBytes> keys_;  // unwrapped, by meeting
  // Read without mu_: a dossier view on an I/O thread checks its cache
  // while a handler holds mu_ waiting for an audit commit.
  std::atomic<uint64_t> generation_{0};
};

// A fresh random id with a prefix, e.g. NewId("m") -> "m-3f9a...".
std::string NewId(std::string_view prefix);

}  // namespace vh::store
