#pragma once
// CovenantBuilder: the validating builder behind policy/loader.h. Internal to
// policy/; callers use LoadCovenantText / LoadCovenantFile.
//
// One builder reads one file. It checks every section and collects every
// problem as `FILE: /json/pointer: reason` instead of stopping at the first
// (a privacy officer fixing a file wants the whole list); only a file without
// problems becomes a Covenant. Its definitions are split along the file's
// sections:
//   loader.cc              header, partners, fields, Build, the getters
//   loader_overlegvorm.cc  overlegvormen: rules, parties, residents_only,
//                          circle, urgent, processing_activity
//   loader_lists.cc        notification_categories, outcomes,
//                          case_retention_days
// Not thread-safe; never throws.

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "policy/covenant.h"

namespace vh::policy {
namespace loader_detail {

inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr int kMaxRetentionDays = 3650;

// Text from the file, made safe for one problem line: quoted, capped, no
// control bytes.
std::string Q(std::string_view s);
// 1-64 characters: letters, digits, '-', '_', '.'.
bool ValidId(std::string_view s);
// `path` + "/" + the escaped key or the index.
std::string Join(const std::string& path, std::string_view key);
std::string Join(const std::string& path, std::size_t index);

}  // namespace loader_detail

class CovenantBuilder {
 public:
  explicit CovenantBuilder(std::string_view label) : label_(label) {}

  Result<std::shared_ptr<const Covenant>> Build(std::string_view text,
                                                std::vector<std::string>* problems);

 private:
  // --- problems and checked getters (loader.cc) ---
  void Problem(const std::string& path, const std::string& reason);
  void CheckKeys(const Json& obj, const std::string& path,
                 std::initializer_list<std::string_view> allowed);
  // Each reports a missing key (when required) or a wrong type and returns
  // false / null.
  const Json* Member(const Json& obj, std::string_view key, const std::string& path, bool required);
  bool GetString(const Json& obj, std::string_view key, const std::string& path, bool required,
                 std::string* out);
  bool GetId(const Json& obj, std::string_view key, const std::string& path, std::string* out);
  bool GetBool(const Json& obj, std::string_view key, const std::string& path, bool required,
               bool* out);
  const Json* GetArray(const Json& obj, std::string_view key, const std::string& path,
                       bool required);
  bool IsObject(const Json& v, const std::string& path);
  // A whole number from `min` to `max`, or a problem naming the range.
  bool GetDays(const Json& obj, std::string_view key, const std::string& path, bool required,
               int* out);

  // --- sections ---
  void ParseHeader(const Json& root);    // loader.cc
  void ParsePartners(const Json& root);  // loader.cc
  void ParseFields(const Json& root);    // loader.cc
  // loader_overlegvorm.cc
  void ParseOverlegvormen(const Json& root);
  void ParseOverlegvorm(const Json& j, const std::string& path, Overlegvorm* o);
  void ParseMembers(const Json& j, const std::string& path, Overlegvorm* o);
  void ParseRequestIdentity(const Json& j, const std::string& path, Overlegvorm* o);
  bool ParseRule(const Json& j, const std::string& path, const Overlegvorm& o, Rule* r);
  // One entry of `from`, `to` or `residents_only`: a partner id or a group,
  // with the checks every list shares. False after reporting a problem.
  bool ParseParty(const Json& v, const std::string& path, const Overlegvorm& o, Party* out);
  void ParseParties(const Json& arr, const std::string& path, const Overlegvorm& o, bool is_to,
                    std::vector<Party>* out);
  void ParseResidentsOnly(const Json& j, const std::string& path, Overlegvorm* o);
  void ParseCircle(const Json& j, const std::string& path, Overlegvorm* o);
  void ParseProcessingActivity(const Json& j, const std::string& path, Overlegvorm* o);
  // loader_lists.cc
  void ParseNotificationCategories(const Json& root);
  void ParseOutcomes(const Json& root);
  void ParseCaseRetention(const Json& root);

  std::string label_;
  std::vector<std::string> problems_;
  std::shared_ptr<Covenant> c_ = std::make_shared<Covenant>();
  std::unordered_map<std::string, int> partner_ids_, field_ids_, overlegvorm_ids_;
};

}  // namespace vh::policy
