#include "policy/filter.h"

#include <algorithm>
#include <optional>

namespace vh::policy {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Status WrongType(std::string_view path, std::string_view expected) {
  return Status::Unprocessable("wrong_type",
                               std::string(path) + ": expected " + std::string(expected));
}

constexpr std::string_view kAddressKeys[] = {"straat", "huisnummer", "postcode", "woonplaats",
                                             "gemeente"};

}  // namespace

int AgeOn(const Date& born, const Date& on) {
  int years = on.year - born.year;
  if (on.month < born.month || (on.month == born.month && on.day < born.day)) --years;
  return years;
}

bool ApplyTransform(const Field& field, Transform t, const Json& value, const Date& on, Json* out) {
  if (t == Transform::kPresence) {
    *out = !value.is_null();
    return true;
  }
  if (t == Transform::kFull) {
    *out = value;
    return true;
  }
  if (value.is_null()) {  // "no value" stays no value under every other transform
    *out = nullptr;
    return true;
  }
  switch (t) {
    case Transform::kYear:
    case Transform::kAge: {
      if (field.type != FieldType::kDate || !value.is_string()) return false;
      std::optional<Date> d = ParseDate(value.get_ref<const std::string&>());
      if (!d) return false;
      *out = t == Transform::kYear ? d->year : AgeOn(*d, on);
      return true;
    }
    case Transform::kMunicipality: {
      if (field.type != FieldType::kAddress || !value.is_object()) return false;
      auto it = value.find("gemeente");
      if (it == value.end() || !it->is_string()) return false;
      *out = *it;
      return true;
    }
    default:
      return false;
  }
}

DenyReason Participation(const Covenant& c, const MeetingContext& m, std::string_view caller) {
  if (m.closed) return DenyReason::kMeetingClosed;
  const Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
  if (!o) return DenyReason::kUnknownOverlegvorm;
  if (c.IsHouse(caller)) return DenyReason::kNone;
  const Partner* p = c.FindPartner(caller);
  if (!p) return DenyReason::kUnknownRecipient;
  if (o->IsMember(p->index) && (m.participants.empty() || Contains(m.participants, caller))) {
    return DenyReason::kNone;
  }
  if (Contains(m.ad_hoc, caller)) {
    if (!o->AdmitsAdHoc()) return DenyReason::kAdHocNotAdmitted;
    if (!Contains(m.declarations_signed, caller)) return DenyReason::kDeclarationNotSigned;
    return DenyReason::kNone;
  }
  return DenyReason::kNotParticipant;
}

namespace {

// Compact JSON text for the caller's view, written directly (no DOM).
class ViewWriter {
 public:
  explicit ViewWriter(std::string* out)
      : out_(out),
        serializer_(nlohmann::detail::output_adapter<char>(*out), ' ',
                    Json::error_handler_t::replace) {}
  void BeginSubject(const std::string& ref, bool first) {
    out_->append(first ? "{\"ref\":" : ",{\"ref\":");
    Value(Json(ref));
    out_->append(",\"fields\":{");
    first_field_ = true;
  }
  void EndSubject() {
    if (!first_field_) out_->push_back(']');
    out_->append("}}");
  }
  // Ids are covenant ids ([A-Za-z0-9._-]): no escaping needed.
  // Returns where the value's text starts; it ends where ValueEnd() says.
  std::size_t Entry(std::string_view field, bool new_field, const Json& value,
                    std::string_view from, std::string_view rule, std::string_view as) {
    if (new_field) {
      out_->append(first_field_ ? "\"" : "],\"");
      out_->append(field);
      out_->append("\":[");
      first_field_ = false;
    } else {
      out_->push_back(',');
    }
    out_->append("{\"value\":");
    const std::size_t at = out_->size();
    Value(value);
    value_end_ = out_->size();
    out_->append(",\"from\":\"");
    out_->append(from);
    out_->append("\",\"rule\":\"");
    out_->append(rule);
    out_->append("\",\"as\":\"");
    out_->append(as);
    out_->append("\"}");
    return at;
  }
  std::size_t ValueEnd() const { return value_end_; }
  void Value(const Json& v) { serializer_.dump(v, false, false, 0); }

 private:
  std::string* out_;
  nlohmann::detail::serializer<Json> serializer_;
  bool first_field_ = true;
  std::size_t value_end_ = 0;
};

}  // namespace

Result<DossierView> FilterDossier(const Covenant& c, const MeetingContext& m,
                                  std::string_view caller,
                                  const std::vector<SubjectAnswers>& answers,
                                  const FilterOptions& options) {
  const Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
  if (!o) return Status::NotFound("overlegvorm is not in the covenant in force");
  const int recipient = c.PrincipalIndex(caller);
  if (recipient < 0) return Status::Unauthenticated("caller is not a partner of the covenant");

  const DenyReason participation = Participation(c, m, caller);
  Flow flow;
  flow.overlegvorm = o->index;
  flow.recipient = recipient;
  flow.client_present = m.client_present;
  // A member is never "ad hoc"; an invitee that signed is.
  flow.recipient_ad_hoc = participation == DenyReason::kNone && !c.IsHouse(caller) &&
                          !o->IsMember(recipient) && Contains(m.ad_hoc, caller);

  // Residents only: whichever way the caller takes part (an ad hoc invitee
  // that has not signed yet included), so that no path shows a non-resident.
  const bool residents_only =
      ResidentsOnly(c, *o, recipient, false) || ResidentsOnly(c, *o, recipient, true);
  flow.subject_resident = true;  // the subjects that do not exist for the caller are skipped

  // Suppliers invited ad hoc (they supply through @ad_hoc).
  std::vector<char> supplier_ad_hoc(static_cast<std::size_t>(c.principal_count()), 0);
  for (const std::string& id : m.ad_hoc) {
    int p = c.PrincipalIndex(id);
    if (p >= 0) supplier_ad_hoc[static_cast<std::size_t>(p)] = 1;
  }

  DossierView view;
  std::size_t total = 0;
  for (const SubjectAnswers& s : answers) {
    for (const FieldAnswers& f : s.fields) total += f.values.size();
  }
  view.disclosures.reserve(total);
  view.subjects.get_ref<Json::array_t&>().reserve(answers.size());

  Decision denied;
  denied.covenant_sha256 = c.sha256();
  std::optional<ViewWriter> writer;
  if (options.text) {
    view.subjects_text.reserve(4096);
    view.subjects_text.push_back('[');
    writer.emplace(&view.subjects_text);
  }
  // Suppliers repeat across fields and subjects: remember the last few look-ups.
  std::vector<std::pair<std::string_view, int>> supplier_cache;
  auto supplier_index = [&](std::string_view id) {
    for (const auto& [k, v] : supplier_cache) {
      if (k == id) return v;
    }
    int p = c.PrincipalIndex(id);
    if (supplier_cache.size() < 64) supplier_cache.emplace_back(id, p);
    return p;
  };
  bool first_subject = true;
  for (const SubjectAnswers& s : answers) {
    // A subject that does not exist for the caller: no entry, no disclosure.
    if (residents_only && !IsResident(c, recipient, s.municipality)) continue;
    Json fields_out = Json::object();
    if (writer) writer->BeginSubject(s.ref, first_subject);
    first_subject = false;
    for (const FieldAnswers& fa : s.fields) {
      const Field* field = c.FindField(fa.field);
      Json* entries = nullptr;
      bool field_started = false;
      for (const SuppliedValue& sv : fa.values) {
        Decision d;
        std::size_t shown_at = 0, shown_len = 0;
        if (participation != DenyReason::kNone) {
          d = denied;
          d.reason = participation;
        } else if (!field) {
          d = denied;
          d.reason = DenyReason::kUnknownField;
        } else {
          flow.field = field->index;
          flow.supplier = supplier_index(sv.supplier);
          flow.supplier_ad_hoc =
              flow.supplier >= 0 && supplier_ad_hoc[static_cast<std::size_t>(flow.supplier)];
          d = Decide(c, flow);
        }
        if (d.allowed) {
          Json shown;
          if (!ApplyTransform(*field, d.as, sv.value, m.starts_on, &shown)) {
            d.allowed = false;
            d.reason = DenyReason::kInvalidValue;
            d.rule = nullptr;
          } else {
            if (writer) {
              shown_at = writer->Entry(field->id, !field_started, shown, sv.supplier, d.rule->id,
                                       TransformName(d.as));
              shown_len = writer->ValueEnd() - shown_at;
              field_started = true;
            }
            if (options.json) {
              if (!entries) entries = &fields_out[fa.field];
              Json entry(Json::value_t::object);
              entry["value"] = std::move(shown);
              entry["from"] = sv.supplier;
              entry["rule"] = d.rule->id;
              entry["as"] = TransformName(d.as);
              entries->push_back(std::move(entry));
            }
          }
        }
        if (d.allowed) {
          ++view.shown;
        } else {
          ++view.withheld;
        }
        view.disclosures.push_back(Disclosure{s.ref, fa.field, sv.supplier, d,
                                              d.allowed ? shown_at : 0, d.allowed ? shown_len : 0});
      }
    }
    if (writer) writer->EndSubject();
    if (options.json) {
      Json subject(Json::value_t::object);
      subject["ref"] = s.ref;
      subject["fields"] = std::move(fields_out);
      view.subjects.push_back(std::move(subject));
    }
  }
  if (writer) view.subjects_text.push_back(']');
  return view;
}

Result<std::vector<SubjectAnswers>> AnswersFromJson(Json&& j) {
  if (!j.is_object()) {
    return Status::InvalidArgument("wrong_type", "answers: expected an object of subjects");
  }
  std::vector<SubjectAnswers> out;
  out.reserve(j.size());
  for (auto& [ref, fields] : j.items()) {
    if (!fields.is_object()) {
      return Status::InvalidArgument("wrong_type", "answers: expected an object of fields");
    }
    SubjectAnswers s;
    s.ref = ref;
    s.fields.reserve(fields.size());
    for (auto& [field, by_supplier] : fields.items()) {
      if (!by_supplier.is_object()) {
        return Status::InvalidArgument("wrong_type", "answers: expected an object of suppliers");
      }
      FieldAnswers fa;
      fa.field = field;
      fa.values.reserve(by_supplier.size());
      for (auto& [supplier, value] : by_supplier.items()) {
        fa.values.push_back(SuppliedValue{supplier, std::move(value)});
      }
      s.fields.push_back(std::move(fa));
    }
    out.push_back(std::move(s));
  }
  return out;
}

Status ValidateValue(const Field& field, const Json& value, std::string_view path) {
  if (value.is_null()) return Status::Ok();
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kText: {
      if (!value.is_string()) return WrongType(path, "a string");
      std::size_t max =
          field.type == FieldType::kString ? kMaxStringValueBytes : kMaxTextValueBytes;
      if (value.get_ref<const std::string&>().size() > max) {
        return Status::Unprocessable("value_too_long", std::string(path) + ": longer than " +
                                                           std::to_string(max) + " bytes");
      }
      return Status::Ok();
    }
    case FieldType::kBoolean:
      return value.is_boolean() ? Status::Ok() : WrongType(path, "true or false");
    case FieldType::kInteger:
      return value.is_number_integer() ? Status::Ok() : WrongType(path, "a whole number");
    case FieldType::kDate:
      if (!value.is_string() || !ParseDate(value.get_ref<const std::string&>())) {
        return WrongType(path, "a date (YYYY-MM-DD)");
      }
      return Status::Ok();
    case FieldType::kEnum:
      if (!value.is_string() || !Contains(field.values, value.get_ref<const std::string&>())) {
        return WrongType(path, "one of the values of field '" + field.id + "'");
      }
      return Status::Ok();
    case FieldType::kAddress: {
      if (!value.is_object()) return WrongType(path, "an address object");
      for (auto it = value.begin(); it != value.end(); ++it) {
        bool known = std::find(std::begin(kAddressKeys), std::end(kAddressKeys), it.key()) !=
                     std::end(kAddressKeys);
        std::string key_path = std::string(path) + "/" + it.key().substr(0, 32);
        if (!known) {
          return Status::Unprocessable("unknown_field", key_path + ": unknown address part");
        }
        if (!it->is_string()) return WrongType(key_path, "a string");
        if (it->get_ref<const std::string&>().size() > kMaxStringValueBytes) {
          return Status::Unprocessable("value_too_long", key_path + ": too long");
        }
      }
      auto g = value.find("gemeente");
      if (g == value.end() || g->get_ref<const std::string&>().empty()) {
        return Status::Unprocessable("missing_field", std::string(path) + "/gemeente: missing");
      }
      return Status::Ok();
    }
  }
  return WrongType(path, "a value");
}

Result<Intake> SplitAnswer(const Covenant& c, std::string_view overlegvorm,
                           std::string_view supplier, bool supplier_ad_hoc, const Json& fields) {
  const Overlegvorm* o = c.FindOverlegvorm(overlegvorm);
  if (!o) return Status::NotFound("overlegvorm is not in the covenant in force");
  if (c.PrincipalIndex(supplier) < 0) {
    return Status::PermissionDenied("supplier is not a partner of the covenant");
  }
  if (!fields.is_object()) return WrongType("/fields", "an object");
  Intake intake;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const Field* f = c.FindField(it.key());
    // Field ids in replies are capped: they come from the caller.
    if (!f) {
      intake.withheld.push_back(Withheld{it.key().substr(0, 64), "not_in_covenant"});
      continue;
    }
    if (!MaySupply(c, *o, *f, supplier, supplier_ad_hoc)) {
      intake.withheld.push_back(Withheld{f->id, "not_allowed_for_supplier"});
      continue;
    }
    VH_RETURN_IF_ERROR(ValidateValue(*f, *it, "/fields/" + f->id));
    intake.accepted[f->id] = *it;
  }
  return intake;
}

}  // namespace vh::policy
