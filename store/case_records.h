#pragma once
// The records of notifications (meldingen) and cases (casussen) as the case
// store keeps them (store/notification_rows.cc, store/case_rows.cc).
// Included by store/case_store.h; plain values.
//
// What is sealed at rest (XChaCha20-Poly1305 under the row's own data key,
// wrapped by the store's wrapping key, as a meeting's): a notification's
// identity, reason, municipality and release date; a case's identity,
// municipality, release date and close reason; a follow-up item's outcome.
// What stays in clear inside the encrypted file: ids, partner ids, category
// ids, states, times, the urgent and restricted flags, the audit log's keyed
// pseudonyms (the BSN's, and the keyed key of a name and date of birth that
// candidate matches compare), the links between cases, notifications and
// meetings, and meeting outcome ids.
// Thread-safety: plain values.

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace vh::store {

inline constexpr const char* kNotificationNew = "new";
inline constexpr const char* kNotificationTriaged = "triaged";
inline constexpr const char* kNotificationClosed = "closed";
inline constexpr const char* kNotificationShredded = "shredded";

inline constexpr const char* kCaseOpen = "open";
inline constexpr const char* kCaseClosed = "closed";
inline constexpr const char* kCaseShredded = "shredded";

struct NotificationRecord {
  std::string id;
  std::string partner;      // the notifying partner
  std::string notifier_cn;  // the certificate CN that notified
  std::string category;
  bool urgent = false;
  bool restricted = false;  // its category is restricted (never counted)
  std::string status;       // kNotification*
  std::string received_at;  // RFC 3339 UTC
  std::string pseudonym;    // the audit log's pseudonym of the BSN; "" without one
  std::string name_key;     // keyed key of name and date of birth; "" without both
  std::string subject;      // the audit subject: the BSN's pseudonym or one of its own
  std::string case_id;      // "" when not (yet) in a case
  std::string decision;     // the triage decision; "" before
  std::string triaged_at, triaged_by;
  std::string closed_at, retention_until, shredded_at;
  // Sealed; empty when read without opening (ListNotifications(false)) or
  // from a tombstone.
  Json identity;             // {field: value}
  std::string reason;        // the reason for notification
  std::string municipality;  // of residence; "" unknown
  std::string release_date;  // YYYY-MM-DD; "" none
};

struct CaseRecord {
  std::string id;
  std::string kind;    // "casus" or "nazorg"
  std::string status;  // kCase*
  std::string created_at, created_by;
  std::string overlegvorm;                   // where it is handled; "" not yet
  bool restricted = false;                   // a restricted overlegvorm or category: never counted
  std::string pseudonym, name_key, subject;  // as its first notification's
  std::string routed_to;                     // a nazorg case's gemeente partner; "" none
  std::string case_holder;                   // a partner id; "" none named
  std::string closed_at, retention_until, shredded_at;
  // Sealed (see NotificationRecord).
  Json identity;
  std::string municipality;
  std::string release_date;
  std::string close_reason;
};

// A meeting subject that names a case (POST /v1/meetings subjects[].case).
struct CaseMeetingLink {
  std::string case_id;
  std::string meeting;
  int subject = 0;          // agenda position in the meeting
  bool restricted = false;  // the meeting's overlegvorm is restricted
};

// A meeting's decision about a subject that names a case, recorded on the
// case when the meeting closes.
struct CaseOutcomeRecord {
  std::string case_id;
  std::string meeting;
  std::string overlegvorm;
  int subject = 0;
  std::string decision;  // a covenant outcome id, or "geen-besluit"
  std::string decided_at;
};

// A follow-up moment of a case that was closed with an outcome.
struct FollowUpRecord {
  std::string case_id;
  std::string due;   // YYYY-MM-DD
  std::string kind;  // "1-week", "1-month", "3-months", "6-months", "before-release"
  std::string done_at, done_by;
  std::string outcome;  // sealed
};

// What a notification's arrival or triage does to a case: nothing, a new
// case, or joining an open one (Conflict "case_closed" when it is not open).
struct CaseChange {
  enum class Kind { kNone, kCreate, kJoin };
  Kind kind = Kind::kNone;
  CaseRecord created;                       // kCreate
  std::string case_id;                      // kJoin
  std::optional<std::string> release_date;  // kJoin: the case's new release date
};

}  // namespace vh::store
