#include "policy/explain.h"

#include <sstream>

#include "policy/engine.h"

namespace vh::policy {
namespace {

// "gemeente-leiden sees only residents of Leiden in briefing".
std::string ResidentsOnlySentence(const Covenant& c, int principal, const Overlegvorm& o) {
  const std::string_view id = c.PrincipalId(principal);
  const Partner* p = c.FindPartner(id);
  const std::string where = p && !p->municipality.empty() ? "residents of " + p->municipality
                                                          : "no subject (no municipality)";
  return std::string(id) + " sees only " + where + " in " + o.id;
}

}  // namespace

std::string PartyList(const std::vector<Party>& parties) {
  std::string s;
  for (const Party& p : parties) s += (s.empty() ? "" : ", ") + p.text;
  return "[" + s + "]";
}

Result<std::string> Explain(const Covenant& covenant, const ExplainQuestion& q) {
  const Covenant* c = &covenant;
  // A name that is not in the covenant is a mistake in the question, not a
  // decision: say which.
  const Overlegvorm* o = c->FindOverlegvorm(q.overlegvorm);
  const Field* f = c->FindField(q.field);
  const int from = c->PrincipalIndex(q.from);
  const int to = c->PrincipalIndex(q.to);
  auto unknown = [](const char* what, const std::string& name) {
    return Status::InvalidArgument("unknown_name",
                                   std::string("unknown ") + what + " '" + name + "'");
  };
  if (!o) return unknown("overlegvorm", q.overlegvorm);
  if (!f) return unknown("field", q.field);
  if (from < 0) return unknown("supplier (--from)", q.from);
  if (to < 0) return unknown("recipient (--to)", q.to);
  const bool ad_hoc = q.ad_hoc, client = q.client_present, supplier_ad_hoc = q.supplier_ad_hoc;
  const std::optional<bool>& resident = q.resident;
  const bool residents_only = ResidentsOnly(*c, *o, to, ad_hoc);
  Decision d = Decide(*c, q.overlegvorm, q.field, q.from, q.to, ad_hoc, client, supplier_ad_hoc,
                      resident.value_or(false));
  std::ostringstream out;
  out << "flow: " << q.overlegvorm << ": " << q.field << ": " << q.from
      << (supplier_ad_hoc ? " (ad hoc)" : "") << " -> " << q.to << (ad_hoc ? " (ad hoc)" : "")
      << (client ? ", client present" : ", client absent")
      << (!resident.has_value() ? ""
          : *resident           ? ", subject resident"
                                : ", subject not resident")
      << "\n";
  if (d.allowed) {
    out << "decision: ALLOW as " << TransformName(d.as) << " by rule " << d.rule->id << "\n";
  } else if (d.reason == DenyReason::kNotResident) {
    out << "decision: DENY (not_resident): " << ResidentsOnlySentence(*c, to, *o) << "\n";
  } else {
    out << "decision: DENY (" << DenyReasonCode(d.reason) << "): " << DenyReasonText(d.reason)
        << "\n";
  }
  if (residents_only && !resident.has_value()) {
    out << "note: " << ResidentsOnlySentence(*c, to, *o)
        << "; without --resident the subject counts as not resident (an unknown municipality is "
           "nobody's)\n";
  }
  out << "overlegvorm: " << o->id << " (" << o->name << "), members: ";
  for (std::size_t i = 0; i < o->members.size(); ++i) {
    out << (i ? ", " : "") << o->members[i]->id;
  }
  out << "; ad hoc partners " << (o->AdmitsAdHoc() ? "admitted" : "not admitted")
      << (o->restricted ? "; restricted" : "") << "\n";
  if (!o->residents_only.empty()) {
    out << "residents only: " << PartyList(o->residents_only) << "\n";
  }
  if (!o->circle.empty()) {
    out << "circle: " << o->circle.size() << " certificates (the gateway admits only those)\n";
  }
  if (const Partner* p = c->FindPartner(q.to)) {
    out << "recipient: " << p->id << " (" << ChainName(p->chain) << ", "
        << (p->signatory ? "signatory" : "non-signatory") << ", "
        << (o->IsMember(p->index) ? "member" : "not a member")
        << (residents_only ? ", residents only" : "") << ")\n";
  } else {
    out << "recipient: the house\n";
  }
  if (ResidentsOnly(*c, *o, from, supplier_ad_hoc)) {
    out << "supplier: " << ResidentsOnlySentence(*c, from, *o)
        << ": it is asked only about its residents\n";
  }
  int n = 0;
  for (const Rule& r : o->rules) {
    if (r.field != f) continue;
    ++n;
    out << "rule " << r.id << ": from " << PartyList(r.from) << " to " << PartyList(r.to) << " as "
        << TransformName(r.as) << ", client " << (r.client ? "true" : "false");
    if (d.allowed && d.rule == &r) {
      out << "  <- wins (least revealing match)";
    }
    out << "\n";
  }
  if (n == 0) out << "no rule of " << o->id << " names " << f->id << " (default deny)\n";
  out << "covenant: " << c->id() << " " << c->version() << " sha256 " << c->sha256() << "\n";
  return out.str();
}

}  // namespace vh::policy
