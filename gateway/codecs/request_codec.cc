#include "gateway/codecs/request_codec.h"

#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {

Result<exchange::CreateRequests> DecodeCreateRequests(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"deadline", "suppliers"}));
  exchange::CreateRequests c;
  VH_RETURN_IF_ERROR(ReadTime(body, "deadline", "", &c.deadline));
  VH_RETURN_IF_ERROR(ReadPartnerList(body, "suppliers", "", &c.suppliers));
  return c;
}

Json EncodeCreateRequests(const exchange::CreateRequests& command) {
  Json j = {{"deadline", FormatUtc(command.deadline)}};
  if (command.suppliers) j["suppliers"] = *command.suppliers;
  return j;
}

Json EncodeCreatedRequests(const exchange::CreatedRequests& created) {
  Json requests = Json::array();
  for (const auto& r : created.requests) {
    requests.push_back({{"id", r.id},
                        {"supplier", r.supplier},
                        {"subject", r.subject},
                        {"fields", r.fields},
                        {"deadline", FormatUtc(r.deadline)},
                        {"status", exchange::RequestStateName(r.status)}});
  }
  return Json{{"meeting", created.meeting}, {"requests", std::move(requests)}};
}

Result<exchange::RequestFilter> DecodeRequestFilter(std::string_view status) {
  if (status.empty()) return exchange::RequestFilter();
  auto state = exchange::ParseRequestState(status);
  if (!state) {
    return Status::Unprocessable("invalid_status",
                                 "/status: one of open, answered, declined, overdue, failed");
  }
  return exchange::RequestFilter(*state);
}

Json EncodeRequestList(const std::vector<exchange::SupplierRequest>& requests) {
  Json rows = Json::array();
  for (const auto& r : requests) {
    Json identity = Json::object();
    for (const auto& [field, value] : r.identity) identity[field] = value;
    rows.push_back({{"id", r.id},
                    {"meeting", r.meeting},
                    {"overlegvorm", r.overlegvorm},
                    {"subject", r.subject},
                    {"identity", std::move(identity)},
                    {"fields", r.fields},
                    {"deadline", FormatUtc(r.deadline)},
                    {"status", exchange::RequestStateName(r.status)}});
  }
  return Json{{"requests", std::move(rows)}};
}

Result<exchange::AnswerRequest> DecodeAnswer(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"fields"}));
  auto it = body.find("fields");
  if (it == body.end()) return Missing("/fields");
  if (!it->is_object()) return WrongType("/fields", "an object");
  exchange::AnswerRequest a;
  for (auto f = it->begin(); f != it->end(); ++f) a.fields.emplace(f.key(), f.value());
  return a;
}

Json EncodeAnswer(const exchange::AnswerRequest& command) {
  Json fields = Json::object();
  for (const auto& [field, value] : command.fields) fields[field] = value;
  return Json{{"fields", std::move(fields)}};
}

Json EncodeAnswerReceipt(const exchange::AnswerReceipt& receipt) {
  Json accepted = Json::array(), withheld = Json::array(), reasons = Json::array();
  for (const auto& f : receipt.accepted) accepted.push_back(f);
  for (const auto& w : receipt.withheld) {
    withheld.push_back(w.field);
    reasons.push_back({{"field", w.field}, {"reason", w.reason}});
  }
  return Json{{"request", receipt.request},
              {"accepted", std::move(accepted)},
              {"withheld", std::move(withheld)},
              {"withheld_reasons", std::move(reasons)},
              {"replaced", receipt.replaced}};
}

Result<exchange::DeclineRequest> DecodeDecline(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"reason", "code"}));
  exchange::DeclineRequest d;
  VH_RETURN_IF_ERROR(ReadString(body, "reason", "", exchange::kMaxReasonBytes, false, &d.reason));
  VH_RETURN_IF_ERROR(ReadOptionalString(body, "code", "", exchange::kMaxReasonCodeBytes, &d.code));
  return d;
}

Json EncodeDecline(const exchange::DeclineRequest& command) {
  Json j{{"reason", command.reason}};
  if (command.code) j["code"] = *command.code;
  return j;
}

Json EncodeDeclinedRequest(const exchange::DeclinedRequest& declined) {
  return Json{{"request", declined.request},
              {"status", exchange::RequestStateName(exchange::RequestState::kDeclined)}};
}

}  // namespace vh::gw::codecs
