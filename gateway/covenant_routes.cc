#include "gateway/covenant_routes.h"

#include <algorithm>
#include <sstream>

#include "core/limits.h"
#include "gateway/codecs/body_reader.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"
#include "policy/diff.h"
#include "policy/engine.h"
#include "policy/loader.h"
#include "policy/matrix.h"

namespace vh::gw {
namespace {

Json StampOf(const policy::Covenant& c) {
  return {{"id", c.id()}, {"version", c.version()}, {"sha256", c.sha256()}};
}

Json FieldJson(const policy::Field& f) {
  Json j = {{"id", f.id},
            {"label", f.label},
            {"type", policy::FieldTypeName(f.type)},
            {"category", policy::CategoryName(f.category)}};
  if (!f.values.empty()) j["values"] = f.values;
  return j;
}

Json CovenantJson(const policy::Covenant& c) {
  Json partners = Json::array(), fields = Json::array(), forms = Json::array(),
       outcomes = Json::array();
  for (const policy::Partner& p : c.partners()) {
    Json j = {{"id", p.id},
              {"name", p.name},
              {"chain", policy::ChainName(p.chain)},
              {"signatory", p.signatory}};
    if (!p.municipality.empty()) j["municipality"] = p.municipality;
    partners.push_back(std::move(j));
  }
  for (const policy::Field& f : c.fields()) fields.push_back(FieldJson(f));
  for (const policy::Overlegvorm& o : c.overlegvormen()) {
    Json members = Json::array(), identity = Json::array(), suppliers = Json::array(),
         residents_only = Json::array();
    for (const policy::Partner* p : o.members) members.push_back(p->id);
    for (const policy::Field* f : o.request_identity) identity.push_back(f->id);
    // Who may be asked in a meeting of O, each partner taking part as it
    // would: a member as a member, any other partner as an ad hoc invitee
    // (where O admits them). The console offers these per subject.
    std::vector<std::string> invitees;
    for (const policy::Partner& p : c.partners()) {
      const int i = c.PrincipalIndex(p.id);
      const bool ad_hoc = !o.IsMember(i);
      if (ad_hoc && o.AdmitsAdHoc()) invitees.push_back(p.id);
      if ((!ad_hoc || o.AdmitsAdHoc()) && policy::ResidentsOnly(c, o, i, ad_hoc)) {
        residents_only.push_back(p.id);
      }
    }
    for (const policy::Partner* p : policy::RequestSuppliers(c, o, invitees)) {
      suppliers.push_back(p->id);
    }
    forms.push_back({{"id", o.id},
                     {"name", o.name},
                     {"purpose", o.purpose},
                     {"members", std::move(members)},
                     {"ad_hoc", o.AdmitsAdHoc()},
                     {"restricted", o.restricted},
                     {"retention_days", o.retention_days},
                     {"request_identity", std::move(identity)},
                     {"suppliers", std::move(suppliers)},
                     {"residents_only", std::move(residents_only)},
                     {"circle", !o.circle.empty()}});
  }
  for (const policy::Outcome& o : c.outcomes()) {
    outcomes.push_back({{"id", o.id}, {"label", o.label}});
  }
  Json j = StampOf(c);
  j["title"] = c.title();
  j["house"] = c.house();
  j["partners"] = std::move(partners);
  j["fields"] = std::move(fields);
  j["overlegvormen"] = std::move(forms);
  j["outcomes"] = std::move(outcomes);
  return j;
}

// The fields `partner` may supply or see in O (see covenant_routes.h).
Json FieldsFor(const policy::Covenant& c, const policy::Overlegvorm& o, std::string_view partner) {
  Json out = Json::array();
  const int me = c.PrincipalIndex(partner);
  if (me < 0) return out;
  const bool house = c.IsHouse(partner);
  const bool member = !house && o.IsMember(me);
  const bool ad_hoc = !house && !member && o.AdmitsAdHoc();
  if (!house && !member && !ad_hoc) return out;  // takes no part in O
  for (const policy::Field& f : c.fields()) {
    const bool identity = std::find(o.request_identity.begin(), o.request_identity.end(), &f) !=
                          o.request_identity.end();
    const bool supply = policy::MaySupply(c, o, f, partner, ad_hoc) || (house && identity);
    bool see = false;
    for (int s = 0; s < c.principal_count() && !see; ++s) {
      for (bool s_ad_hoc : {false, true}) {
        // What it sees at all: a residents-only partner sees its residents.
        policy::Flow flow{o.index, f.index, s, me, s_ad_hoc, ad_hoc, false, true};
        if (policy::Decide(c, flow).allowed) {
          see = true;
          break;
        }
      }
    }
    if (!supply && !see) continue;
    Json j = FieldJson(f);
    j["supply"] = supply;
    j["see"] = see;
    j["identity"] = identity;
    out.push_back(std::move(j));
  }
  return out;
}

// The matrix; only overlegvorm `only`'s table when not empty.
Json MatrixJson(const policy::Covenant& c, std::string_view only) {
  Json tables = Json::array();
  for (const policy::MatrixTable& t : policy::BuildMatrix(c, only)) {
    Json rows = Json::array();
    for (const auto& r : t.rows) {
      rows.push_back(
          {{"field", r.field}, {"label", r.label}, {"category", r.category}, {"cells", r.cells}});
    }
    tables.push_back({{"id", t.id},
                      {"name", t.name},
                      {"purpose", t.purpose},
                      {"facts", t.facts},
                      {"columns", t.columns},
                      {"rows", std::move(rows)}});
  }
  Json j = StampOf(c);
  j["title"] = c.title();
  j["tables"] = std::move(tables);
  return j;
}

// "new: briefing: ..." -> {kind: "new", text: "briefing: ..."}.
Json DiffLines(const std::string& text) {
  static constexpr std::string_view kKinds[] = {"new", "more revealing", "less revealing",
                                                "withdrawn"};
  Json lines = Json::array();
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::string kind = "other";
    std::string rest = line;
    for (std::string_view k : kKinds) {
      if (line.size() > k.size() + 2 && line.compare(0, k.size(), k) == 0 &&
          line.compare(k.size(), 2, ": ") == 0) {
        kind = std::string(k);
        rest = line.substr(k.size() + 2);
        break;
      }
    }
    lines.push_back({{"kind", kind}, {"text", rest}});
  }
  return lines;
}

ApiResponse Diff(const ApiRequest& req, const policy::Covenant& in_force) {
  auto body = ParseJson(req.body);
  if (!body.ok()) return ApiResponse::FromStatus(body.status());
  if (Status st = CheckKnownKeys(*body, "", {"text", "name"}); !st.ok()) {
    return ApiResponse::FromStatus(st);
  }
  std::string text, name = "kandidaat";
  constexpr std::size_t kMaxNameBytes = 200;
  if (Status st = codecs::ReadString(*body, "text", "", limits::kMaxCovenantBytes, false, &text);
      !st.ok()) {
    return ApiResponse::FromStatus(st);
  }
  if (Status st = codecs::ReadString(*body, "name", "", kMaxNameBytes, true, &name); !st.ok()) {
    return ApiResponse::FromStatus(st);
  }
  std::vector<std::string> problems;
  auto candidate = policy::LoadCovenantText(text, name, &problems);
  if (!candidate.ok()) return ApiResponse::FromStatus(candidate.status());
  const policy::CovenantDiff diff = policy::DiffCovenants(in_force, **candidate);
  return ApiResponse::FromJson(200, {{"in_force", StampOf(in_force)},
                                     {"candidate", StampOf(**candidate)},
                                     {"widens", diff.widening > 0},
                                     {"more", diff.widening},
                                     {"less", diff.narrowing},
                                     {"lines", DiffLines(diff.lines)}});
}

}  // namespace

void RegisterCovenantRoutes(Router& router, Services& services) {
  policy::CovenantHolder* holder = &services.covenant;
  router.Add(
      "GET", "/v1/covenant", kAnyRole,
      [holder](const ApiRequest&) {
        return ApiResponse::FromJson(200, CovenantJson(*holder->Get()));
      },
      Dispatch::kInline);
  router.Add(
      "GET", "/v1/covenant/fields?overlegvorm", kAnyRole,
      [holder](const ApiRequest& req) {
        auto it = req.query.find("overlegvorm");
        if (it == req.query.end() || it->second.empty()) {
          return ApiResponse::FromStatus(
              Status::InvalidArgument("bad_query", "overlegvorm: required"));
        }
        auto c = holder->Get();
        const policy::Overlegvorm* o = c->FindOverlegvorm(it->second);
        if (!o) return ApiResponse::FromStatus(Status::NotFound("no such overlegvorm"));
        return ApiResponse::FromJson(
            200, {{"overlegvorm", o->id}, {"fields", FieldsFor(*c, *o, req.identity.partner)}});
      },
      Dispatch::kInline);
  router.Add("GET", "/v1/covenant/matrix?overlegvorm",
             {Role::kPrivacyOfficer, Role::kCoordinator, Role::kAdmin},
             [holder](const ApiRequest& req) {
               auto c = holder->Get();
               auto it = req.query.find("overlegvorm");
               const std::string only = it == req.query.end() ? "" : it->second;
               if (!only.empty() && !c->FindOverlegvorm(only)) {
                 return ApiResponse::FromStatus(Status::NotFound("no such overlegvorm"));
               }
               return ApiResponse::FromJson(200, MatrixJson(*c, only));
             });
  router.Add("POST", "/v1/covenant/diff", {Role::kPrivacyOfficer},
             [holder](const ApiRequest& req) { return Diff(req, *holder->Get()); });
}

}  // namespace vh::gw
