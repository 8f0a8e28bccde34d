#include "policy/engine.h"

#include <algorithm>

namespace vh::policy {
namespace {

// Cell half (16 bits): bit 15 set = allow, bits 12..14 transform, bits 0..11
// rule index; clear = deny, bits 0..7 the DenyReason.
constexpr uint16_t kAllowBit = 0x8000;

uint16_t AllowCell(int rule_index, Transform t) {
  return static_cast<uint16_t>(kAllowBit | (static_cast<unsigned>(t) << 12) |
                               (static_cast<unsigned>(rule_index) & 0x0fffu));
}
uint16_t DenyCell(DenyReason r) { return static_cast<uint16_t>(r); }

struct SlotInfo {
  bool house = false;
  bool member = false;
  bool ad_hoc = false;  // admitted ad hoc (not a member, not the house)
  bool signatory = true;
  bool has_chain = false;
  Chain chain = Chain::kOverig;
  int principal = -1;
};

SlotInfo Describe(const Covenant& c, const Overlegvorm& o, int slot) {
  SlotInfo s;
  s.principal = slot / 2;
  bool ad_hoc_bit = (slot % 2) == 1;
  if (s.principal == c.house_index()) {
    s.house = true;
    return s;
  }
  const Partner& p = c.partners()[static_cast<std::size_t>(s.principal)];
  s.member = o.IsMember(p.index);
  s.ad_hoc = !s.member && ad_hoc_bit && o.AdmitsAdHoc();
  s.signatory = p.signatory;
  s.has_chain = true;
  s.chain = p.chain;
  return s;
}

bool SupplierMatches(const Party& q, const SlotInfo& s) {
  switch (q.kind) {
    case Party::Kind::kPartner:
      return !s.house && q.partner == s.principal;
    case Party::Kind::kMembers:
      return s.member;
    case Party::Kind::kAdHoc:
      return s.ad_hoc;
    case Party::Kind::kParticipants:
      return s.member || s.ad_hoc;
    case Party::Kind::kChain:
      return s.has_chain && s.chain == q.chain;
    case Party::Kind::kHouse:
      return s.house;
  }
  return false;
}

// Whether `q` names recipient `s`, ignoring the signatory restriction.
bool RecipientMatchesLoose(const Party& q, const SlotInfo& s) {
  switch (q.kind) {
    case Party::Kind::kPartner:
      return !s.house && q.partner == s.principal && (s.member || s.ad_hoc);
    case Party::Kind::kMembers:
      return s.member;
    case Party::Kind::kAdHoc:
      return s.ad_hoc;
    case Party::Kind::kParticipants:
      return s.member || s.ad_hoc;
    case Party::Kind::kChain:
      return s.has_chain && s.chain == q.chain && (s.member || s.ad_hoc);
    case Party::Kind::kHouse:
      return s.house;
  }
  return false;
}

bool RecipientMatches(const Party& q, const SlotInfo& s) {
  if (!RecipientMatchesLoose(q, s)) return false;
  // Non-signatory partners receive only as ad hoc invitees: through @ad_hoc,
  // or @participants (which matches them only when admitted ad hoc: a
  // non-signatory is never a member).
  return s.house || s.signatory || q.kind == Party::Kind::kAdHoc ||
         q.kind == Party::Kind::kParticipants;
}

// Whether a `residents_only` entry names slot `s`, as recipient or supplier:
// groups as in `from` (@chain matches whether or not the partner takes part).
bool ResidentsOnlyMatches(const Party& q, const SlotInfo& s) {
  if (s.house) return false;
  switch (q.kind) {
    case Party::Kind::kPartner:
      return q.partner == s.principal;
    case Party::Kind::kMembers:
      return s.member;
    case Party::Kind::kAdHoc:
      return s.ad_hoc;
    case Party::Kind::kParticipants:
      return s.member || s.ad_hoc;
    case Party::Kind::kChain:
      return s.has_chain && s.chain == q.chain;
    case Party::Kind::kHouse:
      return false;
  }
  return false;
}

DenyReason Participation(const SlotInfo& s, int slot) {
  if (s.house || s.member || s.ad_hoc) return DenyReason::kNone;
  return (slot % 2) == 1 ? DenyReason::kAdHocNotAdmitted : DenyReason::kNotParticipant;
}

template <typename Pred>
bool AnyParty(const std::vector<Party>& parties, Pred pred) {
  return std::any_of(parties.begin(), parties.end(), pred);
}

bool Better(const Rule& candidate, const Rule* best) {
  if (best == nullptr) return true;
  int a = RevealRank(candidate.as), b = RevealRank(best->as);
  return a < b || (a == b && candidate.index < best->index);
}

Decision DenyDecision(const Covenant& c, DenyReason r) {
  Decision d;
  d.reason = r;
  d.covenant_sha256 = c.sha256();
  return d;
}

}  // namespace

std::string_view DenyReasonCode(DenyReason r) {
  switch (r) {
    case DenyReason::kNone:
      return "none";
    case DenyReason::kUnknownOverlegvorm:
      return "unknown_overlegvorm";
    case DenyReason::kUnknownField:
      return "unknown_field";
    case DenyReason::kUnknownSupplier:
      return "unknown_supplier";
    case DenyReason::kUnknownRecipient:
      return "unknown_recipient";
    case DenyReason::kNoRuleForField:
      return "no_rule_for_field";
    case DenyReason::kNotParticipant:
      return "not_participant";
    case DenyReason::kAdHocNotAdmitted:
      return "ad_hoc_not_admitted";
    case DenyReason::kSupplierNotAllowed:
      return "supplier_not_allowed";
    case DenyReason::kRecipientNotAllowed:
      return "recipient_not_allowed";
    case DenyReason::kNonSignatory:
      return "non_signatory";
    case DenyReason::kClientPresent:
      return "client_present";
    case DenyReason::kMeetingClosed:
      return "meeting_closed";
    case DenyReason::kDeclarationNotSigned:
      return "declaration_not_signed";
    case DenyReason::kInvalidValue:
      return "invalid_value";
    case DenyReason::kNotResident:
      return "not_resident";
  }
  return "unknown";
}

std::string_view DenyReasonText(DenyReason r) {
  switch (r) {
    case DenyReason::kNone:
      return "allowed";
    case DenyReason::kUnknownOverlegvorm:
      return "the overlegvorm is not in the covenant";
    case DenyReason::kUnknownField:
      return "the field is not in the covenant";
    case DenyReason::kUnknownSupplier:
      return "the supplier is not a partner of the covenant";
    case DenyReason::kUnknownRecipient:
      return "the recipient is not a partner of the covenant";
    case DenyReason::kNoRuleForField:
      return "no rule of the overlegvorm names this field";
    case DenyReason::kNotParticipant:
      return "the recipient takes no part in the meeting (not a member, not invited ad hoc)";
    case DenyReason::kAdHocNotAdmitted:
      return "the overlegvorm admits no ad hoc partners";
    case DenyReason::kSupplierNotAllowed:
      return "no rule for this field lets the supplier supply it";
    case DenyReason::kRecipientNotAllowed:
      return "no rule for this field and supplier names the recipient";
    case DenyReason::kNonSignatory:
      return "the recipient has not signed the covenant and receives only as an ad hoc invitee "
             "(@ad_hoc, @participants)";
    case DenyReason::kClientPresent:
      return "the matching rules hide this field while the client is present (client: false)";
    case DenyReason::kMeetingClosed:
      return "the meeting is closed";
    case DenyReason::kDeclarationNotSigned:
      return "the ad hoc partner has not signed the confidentiality declaration";
    case DenyReason::kInvalidValue:
      return "the stored value does not fit the field's type";
    case DenyReason::kNotResident:
      return "the recipient sees only residents of its municipality in this overlegvorm, and the "
             "subject is not one (or lives in an unknown municipality)";
  }
  return "unknown";
}

Status BuildDecisionTables(const Covenant& c, std::vector<CompiledOverlegvorm>* out) {
  const std::size_t slots = static_cast<std::size_t>(c.principal_count()) * 2;
  const std::size_t nfields = c.fields().size();
  // Size check first: fuzzed or careless covenants must not exhaust memory.
  std::size_t total = 0, work = 0;
  for (const Overlegvorm& o : c.overlegvormen()) {
    if (o.rules.size() > kMaxRulesPerOverlegvorm) {
      return Status::Unprocessable("covenant_too_large",
                                   "overlegvorm '" + o.id + "' has more than " +
                                       std::to_string(kMaxRulesPerOverlegvorm) + " rules");
    }
    std::vector<char> named(nfields, 0);
    for (const Rule& r : o.rules) named[static_cast<std::size_t>(r.field->index)] = 1;
    std::size_t n = static_cast<std::size_t>(std::count(named.begin(), named.end(), 1));
    total += n * slots * slots;
    // Filling a cell walks the field's rules: bound that work too.
    work += (n + o.rules.size()) * slots * slots;
    if (total > kMaxDecisionCells || work > kMaxDecisionWork) {
      return Status::Unprocessable("covenant_too_large",
                                   "too large to compile: more than " +
                                       std::to_string(kMaxDecisionCells) + " decision cells or " +
                                       std::to_string(kMaxDecisionWork) +
                                       " steps (partners x fields with rules x rules)");
    }
  }

  out->clear();
  out->resize(c.overlegvormen().size());
  for (const Overlegvorm& o : c.overlegvormen()) {
    CompiledOverlegvorm& co = (*out)[static_cast<std::size_t>(o.index)];
    co.field_offset.assign(nfields, -1);
    co.suppliable.assign(slots, {});
    std::vector<SlotInfo> info(slots);
    for (std::size_t s = 0; s < slots; ++s) info[s] = Describe(c, o, static_cast<int>(s));
    co.residents_only.assign(slots, 0);
    for (std::size_t s = 0; s < slots; ++s) {
      co.residents_only[s] = AnyParty(
          o.residents_only, [&](const Party& q) { return ResidentsOnlyMatches(q, info[s]); });
    }

    // Rules grouped per field, in file order.
    std::vector<std::vector<const Rule*>> by_field(nfields);
    for (const Rule& r : o.rules) by_field[static_cast<std::size_t>(r.field->index)].push_back(&r);

    for (std::size_t f = 0; f < nfields; ++f) {
      const auto& rules = by_field[f];
      if (rules.empty()) continue;
      co.field_offset[f] = static_cast<int32_t>(co.cells.size());
      const std::size_t base = co.cells.size();
      co.cells.resize(base + slots * slots, 0);
      // Per rule: which supplier slots it names, which recipient slots.
      std::vector<std::vector<char>> from(rules.size(), std::vector<char>(slots, 0));
      std::vector<std::vector<char>> to(rules.size(), std::vector<char>(slots, 0));
      std::vector<std::vector<char>> to_loose(rules.size(), std::vector<char>(slots, 0));
      for (std::size_t r = 0; r < rules.size(); ++r) {
        for (std::size_t s = 0; s < slots; ++s) {
          from[r][s] =
              AnyParty(rules[r]->from, [&](const Party& q) { return SupplierMatches(q, info[s]); });
          to[r][s] =
              AnyParty(rules[r]->to, [&](const Party& q) { return RecipientMatches(q, info[s]); });
          to_loose[r][s] = AnyParty(
              rules[r]->to, [&](const Party& q) { return RecipientMatchesLoose(q, info[s]); });
        }
      }
      for (std::size_t s = 0; s < slots; ++s) {
        bool supplies = false;
        for (std::size_t r = 0; r < rules.size(); ++r) supplies = supplies || from[r][s];
        if (supplies) co.suppliable[s].push_back(static_cast<int>(f));
        for (std::size_t t = 0; t < slots; ++t) {
          uint16_t absent, present;
          DenyReason part = Participation(info[t], static_cast<int>(t));
          if (part != DenyReason::kNone) {
            absent = present = DenyCell(part);
          } else if (!supplies) {
            absent = present = DenyCell(DenyReason::kSupplierNotAllowed);
          } else {
            const Rule* best = nullptr;
            const Rule* best_client = nullptr;
            bool blocked_signatory = false;
            for (std::size_t r = 0; r < rules.size(); ++r) {
              if (!from[r][s]) continue;
              if (to[r][t]) {
                if (Better(*rules[r], best)) best = rules[r];
                if (rules[r]->client && Better(*rules[r], best_client)) best_client = rules[r];
              } else if (to_loose[r][t]) {
                blocked_signatory = true;
              }
            }
            DenyReason none =
                blocked_signatory ? DenyReason::kNonSignatory : DenyReason::kRecipientNotAllowed;
            absent = best ? AllowCell(best->index, best->as) : DenyCell(none);
            present = best_client ? AllowCell(best_client->index, best_client->as)
                                  : DenyCell(best ? DenyReason::kClientPresent : none);
          }
          co.cells[base + s * slots + t] =
              static_cast<uint32_t>(absent) | (static_cast<uint32_t>(present) << 16);
        }
      }
    }
  }
  return Status::Ok();
}

Decision Decide(const Covenant& c, const Flow& flow) {
  const int principals = c.principal_count();
  if (flow.overlegvorm < 0 || flow.overlegvorm >= static_cast<int>(c.overlegvormen().size())) {
    return DenyDecision(c, DenyReason::kUnknownOverlegvorm);
  }
  if (flow.field < 0 || flow.field >= static_cast<int>(c.fields().size())) {
    return DenyDecision(c, DenyReason::kUnknownField);
  }
  if (flow.supplier < 0 || flow.supplier >= principals) {
    return DenyDecision(c, DenyReason::kUnknownSupplier);
  }
  if (flow.recipient < 0 || flow.recipient >= principals) {
    return DenyDecision(c, DenyReason::kUnknownRecipient);
  }
  const CompiledOverlegvorm& co = c.compiled(flow.overlegvorm);
  const int32_t offset = co.field_offset[static_cast<std::size_t>(flow.field)];
  if (offset < 0) return DenyDecision(c, DenyReason::kNoRuleForField);
  const std::size_t slots = static_cast<std::size_t>(principals) * 2;
  const std::size_t s =
      static_cast<std::size_t>(flow.supplier) * 2 + (flow.supplier_ad_hoc ? 1 : 0);
  const std::size_t t =
      static_cast<std::size_t>(flow.recipient) * 2 + (flow.recipient_ad_hoc ? 1 : 0);
  // A subject that does not exist for P: decided before the rules.
  if (!flow.subject_resident && co.residents_only[t]) {
    return DenyDecision(c, DenyReason::kNotResident);
  }
  const uint32_t cell = co.cells[static_cast<std::size_t>(offset) + s * slots + t];
  const uint16_t half = static_cast<uint16_t>(flow.client_present ? (cell >> 16) : (cell & 0xffff));
  Decision d;
  d.covenant_sha256 = c.sha256();
  if (half & kAllowBit) {
    d.allowed = true;
    d.as = static_cast<Transform>((half >> 12) & 0x7);
    d.rule = &c.overlegvormen()[static_cast<std::size_t>(flow.overlegvorm)]
                  .rules[static_cast<std::size_t>(half & 0x0fff)];
  } else {
    d.reason = static_cast<DenyReason>(half & 0xff);
  }
  return d;
}

Decision Decide(const Covenant& c, std::string_view overlegvorm, std::string_view field,
                std::string_view supplier, std::string_view recipient, bool recipient_ad_hoc,
                bool client_present, bool supplier_ad_hoc, bool subject_resident) {
  const Overlegvorm* o = c.FindOverlegvorm(overlegvorm);
  if (!o) return DenyDecision(c, DenyReason::kUnknownOverlegvorm);
  const Field* f = c.FindField(field);
  if (!f) return DenyDecision(c, DenyReason::kUnknownField);
  Flow flow;
  flow.overlegvorm = o->index;
  flow.field = f->index;
  flow.supplier = c.PrincipalIndex(supplier);
  if (flow.supplier < 0) return DenyDecision(c, DenyReason::kUnknownSupplier);
  flow.recipient = c.PrincipalIndex(recipient);
  if (flow.recipient < 0) return DenyDecision(c, DenyReason::kUnknownRecipient);
  flow.supplier_ad_hoc = supplier_ad_hoc;
  flow.recipient_ad_hoc = recipient_ad_hoc;
  flow.client_present = client_present;
  flow.subject_resident = subject_resident;
  return Decide(c, flow);
}

std::vector<const Field*> SuppliableFields(const Covenant& c, const Overlegvorm& o,
                                           std::string_view supplier, bool supplier_ad_hoc) {
  std::vector<const Field*> out;
  int p = c.PrincipalIndex(supplier);
  if (p < 0) return out;
  const auto& list =
      c.compiled(o.index).suppliable[static_cast<std::size_t>(p) * 2 + (supplier_ad_hoc ? 1 : 0)];
  out.reserve(list.size());
  for (int f : list) out.push_back(&c.fields()[static_cast<std::size_t>(f)]);
  return out;
}

bool MaySupply(const Covenant& c, const Overlegvorm& o, const Field& f, std::string_view supplier,
               bool supplier_ad_hoc) {
  int p = c.PrincipalIndex(supplier);
  if (p < 0) return false;
  const auto& list =
      c.compiled(o.index).suppliable[static_cast<std::size_t>(p) * 2 + (supplier_ad_hoc ? 1 : 0)];
  return std::binary_search(list.begin(), list.end(), f.index);
}

std::vector<const Partner*> RequestSuppliers(const Covenant& c, const Overlegvorm& o,
                                             const std::vector<std::string>& ad_hoc_invitees) {
  std::vector<const Partner*> out;
  const CompiledOverlegvorm& co = c.compiled(o.index);
  for (const Partner& p : c.partners()) {
    bool invited =
        std::find(ad_hoc_invitees.begin(), ad_hoc_invitees.end(), p.id) != ad_hoc_invitees.end();
    std::size_t slot = static_cast<std::size_t>(p.index) * 2 + (invited ? 1 : 0);
    if (!co.suppliable[slot].empty()) out.push_back(&p);
  }
  return out;
}

bool ResidentsOnly(const Covenant& c, const Overlegvorm& o, int principal, bool ad_hoc) {
  if (principal < 0 || principal >= c.principal_count()) return false;
  return c.compiled(o.index)
             .residents_only[static_cast<std::size_t>(principal) * 2 + (ad_hoc ? 1 : 0)] != 0;
}

bool IsResident(const Covenant& c, int principal, std::string_view subject_municipality) {
  if (principal < 0 || principal >= c.house_index()) return false;
  return SameMunicipality(c.partners()[static_cast<std::size_t>(principal)].municipality,
                          subject_municipality);
}

bool SubjectExistsFor(const Covenant& c, const Overlegvorm& o, int principal, bool ad_hoc,
                      std::string_view subject_municipality) {
  return !ResidentsOnly(c, o, principal, ad_hoc) || IsResident(c, principal, subject_municipality);
}

bool AskAbout(const Covenant& c, const Overlegvorm& o, std::string_view supplier,
              bool supplier_ad_hoc, std::string_view subject_municipality) {
  const int p = c.PrincipalIndex(supplier);
  if (p < 0) return false;
  const std::size_t slot = static_cast<std::size_t>(p) * 2 + (supplier_ad_hoc ? 1 : 0);
  if (c.compiled(o.index).suppliable[slot].empty()) return false;
  return SubjectExistsFor(c, o, p, supplier_ad_hoc, subject_municipality);
}

std::vector<const Partner*> RequestSuppliersAbout(const Covenant& c, const Overlegvorm& o,
                                                  const std::vector<std::string>& ad_hoc_invitees,
                                                  std::string_view subject_municipality) {
  std::vector<const Partner*> out = RequestSuppliers(c, o, ad_hoc_invitees);
  out.erase(std::remove_if(
                out.begin(), out.end(),
                [&](const Partner* p) {
                  const bool invited = std::find(ad_hoc_invitees.begin(), ad_hoc_invitees.end(),
                                                 p->id) != ad_hoc_invitees.end();
                  return !SubjectExistsFor(c, o, p->index, invited, subject_municipality);
                }),
            out.end());
  return out;
}

bool InCircle(const Overlegvorm& o, std::string_view partner, std::string_view cn) {
  return o.circle.empty() || o.CircleContains(partner, cn);
}

}  // namespace vh::policy
