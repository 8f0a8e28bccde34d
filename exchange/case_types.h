#pragma once
// Before and after the meeting: the commands and results of
// exchange::CaseService (exchange/case_service.h) as C++ types, like
// exchange/types.h for the meeting round. The JSON codecs of
// gateway/codecs/case_codec.h build the commands from request bodies (object
// shape, unknown keys, types, sizes, dates YYYY-MM-DD); the service does the
// semantic checks (covenant categories and fields, 11-proef, states) and
// names the JSON path in its errors.
//
// Dates (release dates, follow-up moments, the figures' period) are calendar
// dates as text "YYYY-MM-DD" (core/clock.h FormatDate); times are TimePoint.
// Header only (the adapters use it). Thread-safety: plain values.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "exchange/types.h"

namespace vh::exchange {

inline constexpr std::size_t kMaxCategoryBytes = 64;
inline constexpr std::size_t kMaxFollowUpOutcomeBytes = 500;

// --- states and their names (as the API spells them) --------------------------

enum class NotificationState { kNew, kTriaged, kClosed, kShredded };
enum class TriageDecision { kAgenderen, kNietAgenderen, kDoorverwijzen };
enum class CaseState { kOpen, kClosed, kShredded };
// kNazorg: a case a detention notice opened, routed to the gemeente of
// residence; kCasus: every other.
enum class CaseKind { kCasus, kNazorg };
enum class FollowUpKind { kOneWeek, kOneMonth, kThreeMonths, kSixMonths, kBeforeRelease };
// kPlanned: its day has not come; kDue: it has, and it is not done.
enum class FollowUpState { kPlanned, kDue, kDone };

inline std::string_view NotificationStateName(NotificationState s) {
  switch (s) {
    case NotificationState::kNew:
      return "new";
    case NotificationState::kTriaged:
      return "triaged";
    case NotificationState::kClosed:
      return "closed";
    case NotificationState::kShredded:
      return "shredded";
  }
  return "new";
}
inline std::string_view TriageDecisionName(TriageDecision d) {
  switch (d) {
    case TriageDecision::kAgenderen:
      return "agenderen";
    case TriageDecision::kNietAgenderen:
      return "niet-agenderen";
    case TriageDecision::kDoorverwijzen:
      return "doorverwijzen";
  }
  return "agenderen";
}
inline std::string_view CaseStateName(CaseState s) {
  switch (s) {
    case CaseState::kOpen:
      return "open";
    case CaseState::kClosed:
      return "closed";
    case CaseState::kShredded:
      return "shredded";
  }
  return "open";
}
inline std::string_view CaseKindName(CaseKind k) {
  return k == CaseKind::kNazorg ? "nazorg" : "casus";
}
inline std::string_view FollowUpKindName(FollowUpKind k) {
  switch (k) {
    case FollowUpKind::kOneWeek:
      return "1-week";
    case FollowUpKind::kOneMonth:
      return "1-month";
    case FollowUpKind::kThreeMonths:
      return "3-months";
    case FollowUpKind::kSixMonths:
      return "6-months";
    case FollowUpKind::kBeforeRelease:
      return "before-release";
  }
  return "1-week";
}
inline std::string_view FollowUpStateName(FollowUpState s) {
  switch (s) {
    case FollowUpState::kPlanned:
      return "planned";
    case FollowUpState::kDue:
      return "due";
    case FollowUpState::kDone:
      return "done";
  }
  return "planned";
}
inline std::optional<NotificationState> ParseNotificationState(std::string_view s) {
  for (auto x : {NotificationState::kNew, NotificationState::kTriaged, NotificationState::kClosed,
                 NotificationState::kShredded}) {
    if (NotificationStateName(x) == s) return x;
  }
  return std::nullopt;
}
inline std::optional<TriageDecision> ParseTriageDecision(std::string_view s) {
  for (auto x : {TriageDecision::kAgenderen, TriageDecision::kNietAgenderen,
                 TriageDecision::kDoorverwijzen}) {
    if (TriageDecisionName(x) == s) return x;
  }
  return std::nullopt;
}
inline std::optional<CaseState> ParseCaseState(std::string_view s) {
  for (auto x : {CaseState::kOpen, CaseState::kClosed, CaseState::kShredded}) {
    if (CaseStateName(x) == s) return x;
  }
  return std::nullopt;
}
inline std::optional<FollowUpKind> ParseFollowUpKind(std::string_view s) {
  for (auto x : {FollowUpKind::kOneWeek, FollowUpKind::kOneMonth, FollowUpKind::kThreeMonths,
                 FollowUpKind::kSixMonths, FollowUpKind::kBeforeRelease}) {
    if (FollowUpKindName(x) == s) return x;
  }
  return std::nullopt;
}

// --- notifications -------------------------------------------------------------

// POST /v1/notifications (a supplier or participant of a signatory partner;
// the file-drop adapter in notification mode builds the same command).
struct Notify {
  FieldValues identity;                     // identifying and BSN fields of the covenant
  std::string category;                     // a covenant notification category
  std::string reason;                       // required, at most kMaxReasonBytes
  bool urgent = false;                      // code rood
  std::optional<std::string> municipality;  // of residence; else an address's gemeente
  std::optional<std::string> release_date;  // YYYY-MM-DD; required for release_date categories
  bool operator==(const Notify&) const = default;
};
struct NotificationReceipt {
  std::string id;
  NotificationState status = NotificationState::kNew;  // kTriaged for a detention notice
  bool operator==(const NotificationReceipt&) const = default;
};

// What is already known of a notification's subject: an open or closed
// case, or an earlier notification. By the BSN's pseudonym; or, when one of
// the two has no BSN, by name and date of birth, as a candidate the
// coordinator must judge (never merged automatically).
struct NotificationMatch {
  std::string kind;  // "case" or "notification"
  std::string id;
  std::string by;  // "bsn" or "name_and_birth_date"
  bool candidate = false;
  std::string status;  // of the case or notification matched
  bool operator==(const NotificationMatch&) const = default;
};

// A notification as the house's coordinators see it (GET /v1/notifications).
struct Notification {
  std::string id;
  std::string partner;  // the notifier
  std::string category;
  bool urgent = false;
  NotificationState status = NotificationState::kNew;
  TimePoint received_at;
  FieldValues identity;
  std::string reason;
  std::optional<std::string> municipality;
  std::optional<std::string> release_date;
  std::optional<std::string> decision;  // the triage decision
  std::optional<TimePoint> triaged_at;
  std::optional<std::string> case_id;
  std::vector<NotificationMatch> matches;
  bool operator==(const Notification&) const = default;
};

// Which notifications GET /v1/notifications?status= lists; urgent first,
// then oldest first.
enum class NotificationFilter { kAll, kNew, kTriaged, kClosed };

// What the notifier hears of its own notification (GET
// /v1/notifications/{id}): its state and the decision (the feedback), never
// anything of other partners.
struct NotificationFeedback {
  std::string id;
  NotificationState status = NotificationState::kNew;
  TimePoint received_at;
  // The triage decision when the notification was not put on an agenda,
  // else the first decision a meeting recorded on its case afterwards.
  std::optional<std::string> decision;
  std::optional<std::string> decision_label;  // the covenant's label
  std::optional<TimePoint> decided_at;
  bool operator==(const NotificationFeedback&) const = default;
};

// POST /v1/notifications/{id}/triage (house coordinator).
struct Triage {
  TriageDecision decision = TriageDecision::kAgenderen;
  // agenderen only: the open case it joins (else a new case), and the
  // overlegvorm a new case is handled in.
  std::optional<std::string> case_id;
  std::optional<std::string> overlegvorm;
  bool operator==(const Triage&) const = default;
};
struct TriageResult {
  std::string notification;
  TriageDecision decision = TriageDecision::kAgenderen;
  NotificationState status = NotificationState::kTriaged;
  std::optional<std::string> case_id;
  bool case_created = false;
  bool operator==(const TriageResult&) const = default;
};

// --- cases -------------------------------------------------------------------

struct FollowUpItem {
  std::string due;  // YYYY-MM-DD
  FollowUpKind kind = FollowUpKind::kOneWeek;
  FollowUpState state = FollowUpState::kPlanned;
  std::optional<std::string> outcome;  // once done
  std::optional<TimePoint> done_at;
  bool operator==(const FollowUpItem&) const = default;
};
struct CaseNotification {
  std::string id;
  std::string partner;
  std::string category;
  bool urgent = false;
  TimePoint received_at;
  std::string reason;
  bool operator==(const CaseNotification&) const = default;
};
struct CaseMeeting {
  std::string meeting;
  std::string overlegvorm;
  std::string state;  // the meeting's: open, closed, shredded
  bool operator==(const CaseMeeting&) const = default;
};
struct CaseOutcome {
  std::string meeting;
  std::string overlegvorm;
  std::string decision;
  TimePoint decided_at;
  bool operator==(const CaseOutcome&) const = default;
};
// A case (GET /v1/cases/{id}). `limited`: a gemeente's view of a nazorg case
// routed to it: no notifications, reasons, meetings or outcomes.
struct Case {
  std::string id;
  CaseKind kind = CaseKind::kCasus;
  CaseState state = CaseState::kOpen;
  bool limited = false;
  TimePoint created_at;
  std::optional<std::string> overlegvorm;
  bool urgent = false;  // an urgent notification of it is not closed
  FieldValues identity;
  std::optional<std::string> municipality;
  std::optional<std::string> release_date;
  std::optional<std::string> routed_to;    // a nazorg case's gemeente
  std::optional<std::string> case_holder;  // a partner
  std::vector<CaseNotification> notifications;
  std::vector<CaseMeeting> meetings;
  std::vector<CaseOutcome> outcomes;
  std::vector<FollowUpItem> follow_up;
  std::optional<TimePoint> closed_at, retention_until;
  std::optional<std::string> close_reason;
  bool operator==(const Case&) const = default;
};
// GET /v1/cases?status=: kDue lists the open cases with a follow-up item due.
enum class CaseFilter { kAll, kOpen, kClosed, kDue };

// POST /v1/cases/{id}/follow-up: closes the plan's item of day `due` (and
// `kind` when two share the day).
struct CompleteFollowUp {
  std::string due;  // YYYY-MM-DD
  std::optional<FollowUpKind> kind;
  std::string outcome;  // required, at most kMaxFollowUpOutcomeBytes
  bool operator==(const CompleteFollowUp&) const = default;
};
struct CloseCase {
  std::string reason;  // required, at most kMaxReasonBytes
  bool operator==(const CloseCase&) const = default;
};
struct ClosedCase {
  std::string id;
  TimePoint closed_at, retention_until;
  bool operator==(const ClosedCase&) const = default;
};
// POST /v1/cases/{id}/holder: the partner that holds the case.
struct NameCaseHolder {
  std::string case_holder;
  bool operator==(const NameCaseHolder&) const = default;
};

// --- known or not --------------------------------------------------------------

struct KnownCheck {
  std::string bsn;
  bool operator==(const KnownCheck&) const = default;
};
struct KnownAnswer {
  bool known = false;
  std::optional<std::string> case_holder;  // only for partners with check_case_holder
  bool operator==(const KnownAnswer&) const = default;
};

// --- figures -------------------------------------------------------------------

// GET /v1/statistics?from=&to=, `vhgate stats`: both days included.
// `gemeente` (the house only, `vhgate stats --gemeente`): the factsheet of
// that gemeente partner, its residents only, as its participants get it.
struct FiguresQuery {
  Date from, to;
  std::string gemeente;
  bool operator==(const FiguresQuery&) const = default;
};
// A published count (exchange/suppression.h): exact; below five ("< 5", the
// value is then 0 and never leaves the exchange); or, for a total whose
// cells are not all shown, only a lower bound (">= N", N the sum of the
// cells shown).
struct Cell {
  enum class Shown { kExact, kBelowFive, kAtLeast };
  Shown shown = Shown::kExact;
  int64_t value = 0;
  bool operator==(const Cell&) const = default;
};
// The cells of one partition of a population, and its total.
struct FigureGroup {
  Cell total;
  std::vector<std::pair<std::string, Cell>> cells;  // by key
  bool operator==(const FigureGroup&) const = default;
};
struct Figures {
  std::string from, to;  // YYYY-MM-DD
  std::string house;
  std::optional<std::string> municipality;  // a gemeente's own residents only
  FigureGroup notifications_by_category;
  // Per gemeente of the covenant, and "elders" (elsewhere or unknown); the
  // house's figures only.
  std::optional<FigureGroup> notifications_by_municipality;
  Cell urgent_notifications;
  FigureGroup cases_opened_by_kind;
  Cell cases_closed;
  std::optional<FigureGroup> meetings_by_overlegvorm;  // the house's figures only
  // Per overlegvorm: the subjects on its agendas by decision (and "open").
  std::vector<std::pair<std::string, FigureGroup>> outcomes;
  bool operator==(const Figures&) const = default;
};

}  // namespace vh::exchange
