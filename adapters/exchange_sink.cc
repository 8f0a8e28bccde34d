#include "adapters/exchange_sink.h"

#include "policy/covenant.h"

namespace vh::adapters {
namespace {

audit::Actor ActorFor(std::string_view partner, const AnswerSource& source) {
  audit::Actor a;
  a.partner = std::string(partner);
  a.role = "supplier";
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
  audit::Actor a{std::string(partner), "supplier", "adapter", "", "adapter"};
  auto r = service_.ListRequests(a, "open");
  if (!r.ok()) return r.status();
  return ParseOpenRequests(*r);
}

Result<Json> ExchangeSink::Answer(std::string_view partner, std::string_view request_id,
                                  const Json& body, const AnswerSource& source) {
  return service_.Answer(ActorFor(partner, source), request_id, body);
}

Status ExchangeSink::Decline(std::string_view partner, std::string_view request_id,
                             std::string_view reason, const AnswerSource& source) {
  auto r = service_.Decline(ActorFor(partner, source), request_id,
                            Json{{"reason", std::string(reason)}});
  return r.ok() ? Status::Ok() : r.status();
}

Status ExchangeSink::RecordFailure(std::string_view partner, std::string_view request_id,
                                   std::string_view reason) {
  audit::Actor a{std::string(partner), "supplier", "adapter", "", "adapter"};
  return service_.RecordSupplierFailure(a, request_id, reason);
}

std::string ExchangeSink::FieldType(std::string_view field) {
  auto cov = covenant_ ? covenant_() : nullptr;
  if (!cov) return "";
  const policy::Field* f = cov->FindField(field);
  return f ? std::string(policy::FieldTypeName(f->type)) : "";
}

std::vector<std::string> ExchangeSink::EnumValues(std::string_view field) {
  auto cov = covenant_ ? covenant_() : nullptr;
  if (!cov) return {};
  const policy::Field* f = cov->FindField(field);
  return f ? f->values : std::vector<std::string>{};
}

bool ExchangeSink::KnowsPartner(std::string_view partner) {
  auto cov = covenant_ ? covenant_() : nullptr;
  return cov != nullptr && cov->FindPartner(partner) != nullptr;
}

}  // namespace vh::adapters
