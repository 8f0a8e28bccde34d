#pragma once
// Shared helpers of the audit tests: a temporary directory holding a store,
// and events that look like the exchange's.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "crypto/hex.h"

namespace vh::audit::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ =
        std::filesystem::temp_directory_path() /
        ("vh_audit_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline AuditLogOptions OptionsIn(const TempDir& dir, int every = 10) {
  AuditLogOptions o;
  o.db_path = dir.Sub("audit.db");
  o.checkpoint_path = dir.Sub("audit.checkpoints");
  o.checkpoint_every = every;
  o.checkpoint_seconds = 0;
  return o;
}

// An event about one subject (an answer), filed under its subject, meeting
// and partners.
inline Event SampleEvent(int n, const std::string& partner = "politie") {
  Event e;
  e.type = kAnswerReceived;
  e.actor = {partner, "participant", "Agent " + std::to_string(n), "ab12", "127.0.0.1:4000"};
  e.meeting = "m-" + std::to_string(n % 7);
  e.overlegvorm = "briefing";
  e.purpose = "Weging van meldingen";
  e.covenant = {"vh-hollands-midden", "2016.2", std::string(64, 'a')};
  e.subject = "subj-" + std::to_string(n % 13);
  e.supplier = "reclassering";
  e.recipient = partner;
  e.fields.push_back({"justitie.lopend_toezicht", "accepted", "B1", "full", "", "00ff"});
  e.outcome = "ok";
  e.detail = {{"n", n}};
  return e;
}

// A dossier view of three subjects (of 13) as the exchange writes it: one
// event with a part per subject, and the decision sets the parts name. The
// sets repeat across views (a subject's decisions depend on n % 2 only).
struct SampleViewEvent {
  Event event;
  std::vector<std::shared_ptr<const DecisionSet>> sets;
};
inline SampleViewEvent SampleView(int n, const std::string& partner = "politie") {
  SampleViewEvent v;
  v.event = SampleEvent(n, partner);
  v.event.type = kDossierDisclosed;
  v.event.actor.role = "participant";
  v.event.subject.clear();
  v.event.supplier.clear();
  v.event.fields.clear();
  v.event.detail = {{"phase", "client_absent"}};
  for (int k = 0; k < 3; ++k) {
    const int s = (n + 4 * k) % 13;
    std::vector<FieldDecision> fields = {
        {"justitie.lopend_toezicht", "disclosed", "B1", "full", "",
         std::string(62, 'a') + std::to_string(s % 10) + std::to_string(n % 2)},
        {"leefgebied.delictgeschiedenis", "withheld", "", "", "no_rule", ""}};
    auto set = MakeDecisionSet(fields, {"reclassering", "politie"});
    SubjectPart part;
    part.subject = "subj-" + std::to_string(s);
    part.set = crypto::ToHex(set->digest.data(), set->digest.size());
    part.shown = 1;
    part.withheld = 1;
    v.event.parts.push_back(std::move(part));
    v.sets.push_back(std::move(set));
  }
  return v;
}

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline TimePoint T0() { return *ParseUtc("2026-11-23T08:00:00Z"); }

}  // namespace vh::audit::testing
