#include "gateway/codecs/console_codec.h"

#include "audit/audit_service.h"
#include "gateway/codecs/body_reader.h"
#include "gateway/codecs/meeting_codec.h"

namespace vh::gw::codecs {

Result<exchange::MeetingListFilter> DecodeMeetingListFilter(std::string_view status) {
  using F = exchange::MeetingListFilter;
  if (status.empty()) return F::kAll;
  if (status == "upcoming") return F::kUpcoming;
  if (status == "open") return F::kOpen;
  if (status == "closed") return F::kClosed;
  return Status::Unprocessable("invalid_status", "/status: one of upcoming, open, closed");
}

Json EncodeMeetingList(const std::vector<exchange::Meeting>& meetings) {
  Json list = Json::array();
  for (const exchange::Meeting& m : meetings) list.push_back(EncodeMeeting(m));
  return Json{{"meetings", std::move(list)}};
}

Json EncodeRequestBoard(std::string_view meeting, const std::vector<exchange::BoardRequest>& rows) {
  Json list = Json::array();
  for (const exchange::BoardRequest& r : rows) {
    Json row{{"id", r.id},
             {"supplier", r.supplier},
             {"subject", r.subject},
             {"status", exchange::RequestStateName(r.status)},
             {"deadline", FormatUtc(r.deadline)},
             {"answered_at", r.answered_at ? Json(FormatUtc(*r.answered_at)) : Json()}};
    if (r.reason_code) row["reason_code"] = *r.reason_code;
    if (r.reason) row["reason"] = *r.reason;
    list.push_back(std::move(row));
  }
  return Json{{"meeting", meeting}, {"requests", std::move(list)}};
}

Result<std::map<std::string, std::string>> DecodeAuditParams(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  std::map<std::string, std::string> params;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& key = it.key();
    const bool counts = key == "limit" || key == "cursor";
    if (it->is_string()) {
      params[key] = it->get<std::string>();
    } else if (counts && it->is_number_integer()) {
      params[key] = std::to_string(it->get<long long>());
    } else if (!audit::IsParamName(key)) {
      params[key] = "?";  // the service refuses the name without repeating it
    } else {
      return WrongType("/" + key, counts ? "a whole number" : "a string");
    }
  }
  return params;
}

}  // namespace vh::gw::codecs
