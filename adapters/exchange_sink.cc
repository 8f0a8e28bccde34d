#include "adapters/exchange_sink.h"

#include "core/role.h"
#include "exchange/case_service.h"
#include "policy/covenant.h"

namespace vh::adapters {
namespace {

// The partner's supplier system without a source (listing, failures).
audit::Actor AdapterActor(std::string_view partner) {
  return audit::Actor{std::string(partner), std::string(RoleName(Role::kSupplier)), "adapter", "",
                      "adapter"};
}

audit::Actor ActorFor(std::string_view partner, const AnswerSource& source) {
  audit::Actor a;
  a.partner = std::string(partner);
  a.role = std::string(RoleName(Role::kSupplier));
  a.cn = "adapter:" + source.channel;
  if (!source.peer_subject.empty()) a.cn += " " + source.peer_subject;
  a.fingerprint = source.peer_fingerprint;
  a.remote = source.channel == "file-drop" ? "file-drop:" + source.location : source.location;
  return a;
}

}  // namespace

ExchangeSink::ExchangeSink(exchange::ExchangeService& service, exchange::CovenantSource covenant)
    : service_(service), covenant_(std::move(covenant)) {}

Result<std::vector<OpenRequest>> ExchangeSink::OpenRequests(std::string_view partner) {
  return service_.ListRequests(AdapterActor(partner), exchange::RequestState::kOpen);
}

Result<exchange::AnswerReceipt> ExchangeSink::Answer(std::string_view partner,
                                                     std::string_view request_id,
                                                     const exchange::AnswerRequest& answer,
                                                     const AnswerSource& source) {
  return service_.Answer(ActorFor(partner, source), request_id, answer);
}

Status ExchangeSink::Decline(std::string_view partner, std::string_view request_id,
                             std::string_view reason, const AnswerSource& source) {
  auto r = service_.Decline(ActorFor(partner, source), request_id,
                            exchange::DeclineRequest{std::string(reason)});
  return r.ok() ? Status::Ok() : r.status();
}

Status ExchangeSink::RecordFailure(std::string_view partner, std::string_view request_id,
                                   std::string_view reason) {
  return service_.RecordSupplierFailure(AdapterActor(partner), request_id, reason);
}

std::optional<policy::FieldType> ExchangeSink::FieldTypeOf(std::string_view field) {
  auto cov = covenant_ ? covenant_() : nullptr;
  if (!cov) return std::nullopt;
  const policy::Field* f = cov->FindField(field);
  if (!f) return std::nullopt;
  return f->type;
}

std::vector<std::string> ExchangeSink::EnumValues(std::string_view field) {
  auto cov = covenant_ ? covenant_() : nullptr;
  if (!cov) return {};
  const policy::Field* f = cov->FindField(field);
  return f ? f->values : std::vector<std::string>{};
}

Status ExchangeSink::CheckNotification(std::string_view partner,
                                       const exchange::Notify& notification,
                                       const AnswerSource& source) {
  return service_.cases().CheckNotification(ActorFor(partner, source), notification);
}

Result<exchange::NotificationReceipt> ExchangeSink::Notify(std::string_view partner,
                                                           const exchange::Notify& notification,
                                                           const AnswerSource& source) {
  return service_.cases().Notify(ActorFor(partner, source), notification);
}

bool ExchangeSink::KnowsPartner(std::string_view partner) {
  auto cov = covenant_ ? covenant_() : nullptr;
  return cov != nullptr && cov->FindPartner(partner) != nullptr;
}

}  // namespace vh::adapters
