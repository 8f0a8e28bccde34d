#include "gateway/codecs/retention_codec.h"

#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {

Result<exchange::ExtendRetention> DecodeExtendRetention(const Json& body) {
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"until", "reason", "code"}));
  exchange::ExtendRetention e;
  VH_RETURN_IF_ERROR(ReadTime(body, "until", "", &e.until));
  VH_RETURN_IF_ERROR(ReadString(body, "reason", "", exchange::kMaxReasonBytes, false, &e.reason));
  VH_RETURN_IF_ERROR(ReadOptionalString(body, "code", "", exchange::kMaxReasonCodeBytes, &e.code));
  return e;
}

Json EncodeExtendRetention(const exchange::ExtendRetention& command) {
  Json j{{"until", FormatUtc(command.until)}, {"reason", command.reason}};
  if (command.code) j["code"] = *command.code;
  return j;
}

Json EncodeRetentionExtension(const exchange::RetentionExtension& extension) {
  return Json{{"id", extension.id},
              {"retention_until", FormatUtc(extension.retention_until)},
              {"extended_until", FormatUtc(extension.extended_until)}};
}

Json EncodeRetentionRun(const exchange::RetentionRun& run) {
  Json shredded = Json::array();
  for (const auto& m : run.shredded) {
    shredded.push_back({{"id", m.id},
                        {"overlegvorm", m.overlegvorm},
                        {"closed_at", FormatUtc(m.closed_at)},
                        {"retention_until", FormatUtc(m.retention_until)}});
  }
  Json j{{"shredded", std::move(shredded)}, {"at", FormatUtc(run.at)}};
  if (!run.closed.empty()) {
    // Meetings nobody closed (no subject refs: the outcomes are all
    // "geen-besluit").
    Json closed = Json::array();
    for (const auto& m : run.closed) {
      closed.push_back({{"id", m.id},
                        {"closed_at", FormatUtc(m.closed_at)},
                        {"retention_until", FormatUtc(m.retention_until)}});
    }
    j["closed"] = std::move(closed);
  }
  return j;
}

}  // namespace vh::gw::codecs
