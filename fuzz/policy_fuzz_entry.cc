#include "fuzz/policy_fuzz_entry.h"

#include <cctype>
#include <memory>
#include <string_view>

#include "core/json.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "policy/loader.h"

namespace vh::policy::fuzz {
namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

// A covenant with every field type, group and transform, residents_only and
// a circle.
constexpr std::string_view kCovenant = R"({
  "convenant": {"id": "fuzz", "version": "1", "title": "F", "valid_from": "2020-01-01"},
  "house": "huis",
  "partners": [
    {"id": "politie", "name": "P", "chain": "straf", "signatory": true},
    {"id": "om", "name": "O", "chain": "straf", "signatory": true},
    {"id": "ggz", "name": "G", "chain": "zorg", "signatory": true},
    {"id": "gemeente", "name": "M", "chain": "bestuur", "signatory": true, "municipality": "Leiden"},
    {"id": "woco", "name": "W", "chain": "overig", "signatory": false, "municipality": "Gouda"}
  ],
  "fields": [
    {"id": "naam", "label": "N", "type": "string", "category": "identificerend"},
    {"id": "geb", "label": "G", "type": "date", "category": "identificerend"},
    {"id": "adres", "label": "A", "type": "address", "category": "identificerend"},
    {"id": "toezicht", "label": "T", "type": "boolean", "category": "strafrechtelijk"},
    {"id": "aantal", "label": "A", "type": "integer", "category": "gewoon"},
    {"id": "tekst", "label": "T", "type": "text", "category": "bijzonder"},
    {"id": "niveau", "label": "N", "type": "enum", "category": "gewoon", "values": ["a", "b"]}
  ],
  "overlegvormen": [{
    "id": "o", "name": "O", "purpose": "p", "members": ["politie", "om", "gemeente"],
    "ad_hoc": true, "restricted": false, "retention_days": 30,
    "residents_only": ["gemeente", "@ad_hoc"],
    "rules": [
      {"id": "1", "field": "naam", "from": ["@house", "@members"], "to": ["@participants"], "as": "full"},
      {"id": "2", "field": "geb", "from": ["@participants", "@house"], "to": ["@members"], "as": "age"},
      {"id": "3", "field": "geb", "from": ["@house", "@members"], "to": ["@ad_hoc"], "as": "year"},
      {"id": "4", "field": "adres", "from": ["@chain:bestuur", "@ad_hoc"], "to": ["@ad_hoc"], "as": "municipality"},
      {"id": "5", "field": "adres", "from": ["@chain:bestuur"], "to": ["@members"], "as": "full"},
      {"id": "6", "field": "toezicht", "from": ["@chain:straf"], "to": ["@members"], "as": "presence"},
      {"id": "7", "field": "aantal", "from": ["@ad_hoc", "om"], "to": ["@members", "@house"], "as": "full", "client": true},
      {"id": "8", "field": "tekst", "from": ["ggz", "@ad_hoc"], "to": ["@members"], "as": "full"},
      {"id": "9", "field": "niveau", "from": ["@participants"], "to": ["@participants"], "as": "full"}
    ]
  }, {
    "id": "r", "name": "R", "purpose": "p", "members": ["politie", "gemeente"],
    "ad_hoc": false, "restricted": true, "retention_days": 30,
    "circle": [{"partner": "politie", "cn": "A"}, {"partner": "huis", "cn": "B"}],
    "rules": [{"id": "1", "field": "tekst", "from": ["politie"], "to": ["@members"], "as": "full"}]
  }]
})";

const Covenant& FixedCovenant() {
  static const std::shared_ptr<const Covenant> c = [] {
    auto loaded = LoadCovenantText(kCovenant, "fuzz.json", nullptr);
    Require(loaded.ok());
    return *loaded;
  }();
  return *c;
}

}  // namespace

int LoaderOne(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> problems;
  auto loaded = LoadCovenantText(text, "fuzz.json", &problems);
  if (!loaded.ok()) {
    Require(!problems.empty());
    for (const std::string& line : problems) {
      // A pointer into the document, or a syntax error's line and column.
      Require(line.rfind("fuzz.json: /", 0) == 0 ||
              (line.size() > 10 && line.rfind("fuzz.json:", 0) == 0 &&
               std::isdigit(static_cast<unsigned char>(line[10]))));
      Require(line.find('\n') == std::string::npos);
    }
    return 0;
  }
  const Covenant& c = **loaded;
  Require(c.sha256().size() == 64);
  Require(!c.outcomes().empty() && !c.notification_categories().empty());
  Require(c.case_retention_days() >= 1);
  for (const Outcome& o : c.outcomes()) Require(c.FindOutcome(o.id) != nullptr);
  for (const NotificationCategory& n : c.notification_categories()) {
    Require(c.FindNotificationCategory(n.id) != nullptr);
  }
  for (const Partner& p : c.partners()) Require(!p.check_case_holder || p.check);
  // Every decision of the loaded covenant, bounded.
  std::size_t budget = 20000;
  for (const Overlegvorm& o : c.overlegvormen()) {
    for (const Field& f : c.fields()) {
      for (int s = 0; s < c.principal_count() && budget > 0; ++s) {
        for (int r = 0; r < c.principal_count() && budget > 0; ++r, --budget) {
          Flow flow{o.index, f.index, s, r, (s + r) % 2 == 0, (s % 3) == 0, (r % 2) == 0, false};
          Decision d = Decide(c, flow);
          if (d.allowed) {
            Require(d.rule != nullptr && d.rule->field == &f);
            Require(TransformFits(d.as, f.type));
          }
          // Nothing about a non-resident reaches a residents-only recipient,
          // and residence only ever adds to what is allowed.
          Require(!d.allowed || !ResidentsOnly(c, o, r, flow.recipient_ad_hoc));
          flow.subject_resident = true;
          Decision resident = Decide(c, flow);
          Require(!d.allowed || resident.allowed);
        }
      }
    }
    for (int s = 0; s < c.principal_count(); ++s) {
      for (const Field* f : SuppliableFields(c, o, c.PrincipalId(s), s % 2 == 0)) {
        Require(MaySupply(c, o, *f, c.PrincipalId(s), s % 2 == 0));
      }
    }
    (void)RequestSuppliers(c, o, {});
    for (const Partner& p : c.partners()) {
      // Nobody residents-only is asked about a subject of unknown residence.
      if (ResidentsOnly(c, o, p.index, false)) Require(!AskAbout(c, o, p.id, false, ""));
      Require(!AskAbout(c, o, p.id, false, p.municipality) ||
              !SuppliableFields(c, o, p.id, false).empty());
    }
    Require(!o.restricted || !o.circle.empty());
    for (const CircleMember& m : o.circle) Require(InCircle(o, m.partner, m.cn));
    Require(o.circle.empty() || !InCircle(o, "", ""));
    Require(o.processing_activity.empty() || o.processing_activity.find(':') != std::string::npos);
  }
  return 0;
}

int IntakeOne(const uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Covenant& c = FixedCovenant();
  const Overlegvorm& o = c.overlegvormen()[data[0] % c.overlegvormen().size()];
  const int supplier = data[1] % c.principal_count();
  const bool ad_hoc = (data[1] & 0x80) != 0;
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  auto body = ParseJson(text);
  if (!body.ok()) return 0;
  const Json& fields = body->is_object() && body->contains("fields") ? (*body)["fields"] : *body;
  const std::string supplier_id(c.PrincipalId(supplier));
  auto intake = SplitAnswer(c, o.id, supplier_id, ad_hoc, fields);
  if (!intake.ok()) {
    Require(intake.status().code() == Code::kUnprocessable);
    return 0;
  }
  // Everything accepted may be supplied and filters without an invalid value.
  // (Constructed, not assigned: GCC 12 -O2 with ASan gives a false -Wrestrict on `ref = "s"`.)
  // Its residence from the overlegvorm byte's upper bits, so that old corpus
  // files keep their meaning for the rest: Leiden (gemeente's), Gouda
  // (woco's) or unknown; a second subject copies it from the other end.
  static constexpr const char* kWhere[] = {"Leiden", " gouda ", ""};
  SubjectAnswers subject{std::string(1, 's'), {}, kWhere[(data[0] >> 1) % 3]};
  for (auto it = intake->accepted.begin(); it != intake->accepted.end(); ++it) {
    const Field* f = c.FindField(it.key());
    Require(f != nullptr && MaySupply(c, o, *f, supplier_id, ad_hoc));
    subject.fields.push_back({it.key(), {{supplier_id, *it}}});
  }
  SubjectAnswers other = subject;
  other.ref = "t";
  other.municipality = kWhere[(data[0] >> 3) % 3];
  std::vector<SubjectAnswers> answers = {std::move(subject), std::move(other)};
  MeetingContext m;
  m.overlegvorm = o.id;
  m.starts_on = Date{2026, 2, 28};
  if (ad_hoc) {
    m.ad_hoc = {supplier_id, "woco", "ggz"};
    m.declarations_signed = {"woco", "ggz"};
  }
  FilterOptions both;
  both.text = true;
  JsonLimits view_limits;
  view_limits.max_bytes = 64u << 20;
  view_limits.max_depth = 128;
  for (int r = 0; r < c.principal_count(); ++r) {
    auto view = FilterDossier(c, m, c.PrincipalId(r), answers, both);
    Require(view.ok());
    for (const Disclosure& d : view->disclosures) {
      Require(d.decision.reason != DenyReason::kInvalidValue);
    }
    // The streamed text is the DOM, byte for byte once parsed.
    auto reparsed = ParseJson(view->subjects_text, view_limits);
    Require(reparsed.ok() && *reparsed == view->subjects);
    // A subject that does not exist for the caller is in neither.
    const bool ro = ResidentsOnly(c, o, r, false) || ResidentsOnly(c, o, r, true);
    std::size_t listed = 0;
    for (const SubjectAnswers& s : answers) {
      const bool exists = !ro || IsResident(c, r, s.municipality);
      listed += exists;
      for (const Disclosure& d : view->disclosures) Require(exists || d.subject != s.ref);
    }
    Require(view->subjects.size() == listed);
  }
  return 0;
}

}  // namespace vh::policy::fuzz
