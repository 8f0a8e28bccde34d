#include "adapters/field_mapping.h"

namespace vh::adapters {

Result<FieldMapping> FieldMapping::Parse(const Json& j, const std::string& pointer) {
  FieldMapping m;
  if (j.is_null()) return m;
  if (!j.is_object())
    return Status::InvalidArgument("bad_config", pointer + ": expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string where = pointer + "/" + it.key();
    if (it.key().empty()) return Status::InvalidArgument("bad_config", where + ": empty name");
    if (!it.value().is_string() || it.value().get<std::string>().empty()) {
      return Status::InvalidArgument("bad_config", where + ": expected a non-empty string");
    }
    std::string target = it.value().get<std::string>();
    if (target[0] == '@' && !IsSpecialTarget(target)) {
      return Status::InvalidArgument("bad_config", where + ": unknown target '" + target + "'");
    }
    auto slash = target.find('/');
    if (slash != std::string::npos && (slash == 0 || slash + 1 == target.size() ||
                                       target.find('/', slash + 1) != std::string::npos)) {
      return Status::InvalidArgument("bad_config", where + ": expected 'field' or 'field/part'");
    }
    if (m.to_partner_.count(target) != 0) {
      return Status::InvalidArgument("bad_config", where + ": target '" + target +
                                                       "' is already mapped from '" +
                                                       m.to_partner_[target] + "'");
    }
    m.to_covenant_[it.key()] = target;
    m.to_partner_[target] = it.key();
  }
  return m;
}

bool IsSpecialTarget(std::string_view target) {
  for (std::string_view t : {kRequestTarget, kCategoryTarget, kReasonTarget, kUrgentTarget,
                             kMunicipalityTarget, kReleaseDateTarget}) {
    if (t == target) return true;
  }
  return false;
}

FieldMapping WithNotificationNames(const FieldMapping& m) {
  FieldMapping out = m;
  for (std::string_view target :
       {kCategoryTarget, kReasonTarget, kUrgentTarget, kMunicipalityTarget, kReleaseDateTarget}) {
    const std::string name(target.substr(1));
    if (out.to_partner_.count(target) != 0 || out.to_covenant_.count(name) != 0) continue;
    out.to_covenant_[name] = std::string(target);
    out.to_partner_[std::string(target)] = name;
  }
  return out;
}

std::string FieldMapping::ToCovenant(std::string_view their_name) const {
  auto it = to_covenant_.find(their_name);
  return it == to_covenant_.end() ? std::string(their_name) : it->second;
}

std::string FieldMapping::ToPartner(std::string_view field) const {
  auto it = to_partner_.find(field);
  return it == to_partner_.end() ? std::string(field) : it->second;
}

bool FieldMapping::Has(std::string_view their_name) const {
  return to_covenant_.find(their_name) != to_covenant_.end();
}

std::optional<std::string> FieldMapping::NameFor(std::string_view target) const {
  auto it = to_partner_.find(target);
  if (it == to_partner_.end()) return std::nullopt;
  return it->second;
}

Json FieldMapping::ToCovenantFields(const Json& their_fields) const {
  Json out = Json::object();
  if (!their_fields.is_object()) return out;
  for (auto it = their_fields.begin(); it != their_fields.end(); ++it) {
    std::string target = ToCovenant(it.key());
    if (target == kRequestTarget) continue;
    auto slash = target.find('/');
    if (slash == std::string::npos || !Has(it.key())) {
      out[target] = it.value();
      continue;
    }
    std::string field = target.substr(0, slash);
    Json& obj = out[field];
    if (!obj.is_object()) obj = Json::object();
    obj[target.substr(slash + 1)] = it.value();
  }
  return out;
}

}  // namespace vh::adapters
