#pragma once
// ExchangeSink: AnswerSink over exchange::ExchangeService, the production
// door of the adapters into the exchange workflow.
//
// Each call acts as the partner's supplier system: audit::Actor{partner,
// RoleName(Role::kSupplier), cn, fingerprint, remote} with
//   cn          "adapter:https-pull" / "adapter:file-drop" (plus the partner
//               server certificate's subject for https-pull),
//   fingerprint the partner server certificate's SHA-256 (https-pull),
//   remote      the partner URL, or "file-drop:<file name>".
// So the exchange checks role and partner exactly as for a pushed answer and
// writes the same audit events (answer_received with withheld fields,
// supplier_failed; notification_received for a notifications file-drop,
// through exchange::CaseService). Field types come from the covenant in force.
//
// Borrows the service and the covenant source; both must outlive the sink.
// Thread-safe (the service is).

#include <string>
#include <string_view>
#include <vector>

#include "adapters/answer_sink.h"
#include "exchange/exchange_service.h"

namespace vh::adapters {

class ExchangeSink final : public AnswerSink {
 public:
  ExchangeSink(exchange::ExchangeService& service, exchange::CovenantSource covenant);

  Result<std::vector<OpenRequest>> OpenRequests(std::string_view partner) override;
  Result<exchange::AnswerReceipt> Answer(std::string_view partner, std::string_view request_id,
                                         const exchange::AnswerRequest& answer,
                                         const AnswerSource& source) override;
  Status Decline(std::string_view partner, std::string_view request_id, std::string_view reason,
                 const AnswerSource& source) override;
  Status RecordFailure(std::string_view partner, std::string_view request_id,
                       std::string_view reason) override;
  std::optional<policy::FieldType> FieldTypeOf(std::string_view field) override;
  std::vector<std::string> EnumValues(std::string_view field) override;
  bool KnowsPartner(std::string_view partner) override;
  Status CheckNotification(std::string_view partner, const exchange::Notify& notification,
                           const AnswerSource& source) override;
  Result<exchange::NotificationReceipt> Notify(std::string_view partner,
                                               const exchange::Notify& notification,
                                               const AnswerSource& source) override;

 private:
  exchange::ExchangeService& service_;
  exchange::CovenantSource covenant_;
};

}  // namespace vh::adapters
