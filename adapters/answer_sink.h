#pragma once
// AnswerSink: the adapters' one door into the exchange workflow.
//
// Every answer an adapter fetches (https-pull) or reads (file-drop) goes
// through Answer(), which must apply the same covenant intake filter and write
// the same audit events as an answer pushed over PUT /v1/requests/{id}/answer.
// Adapters never write to a store or the audit log themselves.
//
// The production implementation is ExchangeSink (adapters/exchange_sink.h),
// which calls exchange::ExchangeService as the partner's supplier. Tests use
// a fake. Requests and answers cross as the exchange's typed commands and
// results (exchange/types.h, header only), never as JSON.
//
// Errors: every call returns a Status/Result; none throws. A non-ok Status
// from Answer with code kUnavailable or kInternal is transient (the adapter
// tries again later); any other code is final for that request.
// Thread-safety: implementations must be callable concurrently from every
// adapter thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "exchange/case_types.h"
#include "exchange/types.h"
#include "policy/covenant.h"

namespace vh::adapters {

// One open information request addressed to a partner: a row of the
// partner's request list (exchange/types.h).
using OpenRequest = exchange::SupplierRequest;

// Where an answer came from, for the audit actor. Never personal data.
struct AnswerSource {
  std::string channel;           // "https-pull" or "file-drop"
  std::string location;          // the partner URL, or the file's name
  std::string peer_subject;      // https-pull: the partner server certificate's subject
  std::string peer_fingerprint;  // https-pull: its SHA-256 fingerprint (hex)
};

class AnswerSink {
 public:
  virtual ~AnswerSink() = default;

  // Open requests addressed to `partner` (everything still awaiting an
  // answer: open, overdue, failed).
  virtual Result<std::vector<OpenRequest>> OpenRequests(std::string_view partner) = 0;

  // Answers request `request_id` as `partner`'s system with `answer`
  // (covenant field id -> value). Returns what the exchange accepted and
  // withheld, as the HTTP API does; fields the covenant does not let the
  // partner supply are withheld (and audited) by the exchange, not here.
  // `source` says where the answer came from (audit actor).
  virtual Result<exchange::AnswerReceipt> Answer(std::string_view partner,
                                                 std::string_view request_id,
                                                 const exchange::AnswerRequest& answer,
                                                 const AnswerSource& source) = 0;

  // The partner's system says it will not answer (e.g. the person is unknown).
  virtual Status Decline(std::string_view partner, std::string_view request_id,
                         std::string_view reason, const AnswerSource& source) = 0;

  // Records that fetching an answer failed (partner down, timeout, garbage):
  // request status, audit event. `reason` is a short code such as
  // "timeout" or "invalid_response", never partner output.
  virtual Status RecordFailure(std::string_view partner, std::string_view request_id,
                               std::string_view reason) = 0;

  // The covenant type of a field, nullopt when the covenant has no such
  // field. File-drop uses it to turn CSV text into typed values before import.
  virtual std::optional<policy::FieldType> FieldTypeOf(std::string_view field) = 0;
  // The allowed values of an enum field (empty for other types).
  virtual std::vector<std::string> EnumValues(std::string_view field) = 0;
  // Whether the covenant in force knows `partner` (checked at start).
  virtual bool KnowsPartner(std::string_view partner) { return !partner.empty(); }

  // A notifications file-drop: `notification` as `partner`'s
  // system, through the same checks and events as POST /v1/notifications
  // (exchange::CaseService::Notify). CheckNotification makes every check and
  // stores nothing (a file is checked whole before a row is imported).
  // Errors as Answer's; by default notifications are not supported (403).
  virtual Status CheckNotification(std::string_view partner, const exchange::Notify& notification,
                                   const AnswerSource& source) {
    (void)partner, (void)notification, (void)source;
    return Status::Make(Code::kPermissionDenied, "not_supported", "notifications not supported");
  }
  virtual Result<exchange::NotificationReceipt> Notify(std::string_view partner,
                                                       const exchange::Notify& notification,
                                                       const AnswerSource& source) {
    (void)partner, (void)notification, (void)source;
    return Status::Make(Code::kPermissionDenied, "not_supported", "notifications not supported");
  }
};

}  // namespace vh::adapters
