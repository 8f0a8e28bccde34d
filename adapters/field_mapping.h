#pragma once
// FieldMapping: a partner's own field names <-> covenant field ids.
//
// Configured per adapter as {"their_name": "target"}; a target is
//   - a covenant field id ("justitie.lopend_toezicht"),
//   - a part of an address field ("persoon.adres/postcode"): parts of one
//     field are gathered into one object,
//   - "@request": the column/member that carries the gateway's request id
//     (file-drop), never an answer field.
// Names not in the mapping pass through unchanged in both directions, so a
// partner that already uses covenant ids needs no mapping; the exchange then
// withholds (and audits) whatever the covenant does not let it supply.
//
// Immutable after Parse; thread-safe to share.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"

namespace vh::adapters {

inline constexpr std::string_view kRequestTarget = "@request";
// A notifications file-drop's own columns: the command's category,
// reason, urgent, municipality and release date (exchange/case_types.h Notify).
inline constexpr std::string_view kCategoryTarget = "@category";
inline constexpr std::string_view kReasonTarget = "@reason";
inline constexpr std::string_view kUrgentTarget = "@urgent";
inline constexpr std::string_view kMunicipalityTarget = "@municipality";
inline constexpr std::string_view kReleaseDateTarget = "@release_date";
// Whether `target` is one of the "@" targets above (or "@request").
bool IsSpecialTarget(std::string_view target);

class FieldMapping {
 public:
  FieldMapping() = default;

  // `j` must be an object of non-empty strings; two names may not share a
  // target. Errors are InvalidArgument with a message "<pointer>/<name>: why".
  static Result<FieldMapping> Parse(const Json& j, const std::string& pointer);

  // Their name -> target (identity when unmapped).
  std::string ToCovenant(std::string_view their_name) const;
  // Covenant field id -> their name (identity when unmapped). For an address
  // field mapped by parts, the field id itself.
  std::string ToPartner(std::string_view field) const;
  // Whether `their_name` is mapped explicitly.
  bool Has(std::string_view their_name) const;
  // The mapping with, for every notification target not mapped yet, its
  // plain name mapped to it ("category" -> "@category", ...): a
  // notifications file may use the names of POST /v1/notifications.
  friend FieldMapping WithNotificationNames(const FieldMapping& m);
  // Their name mapped to `target`, if any.
  std::optional<std::string> NameFor(std::string_view target) const;
  // Maps a partner's {name: value} object to {covenant field: value}; parts
  // "f/p" become {"f": {"p": value}}. Keys mapped to "@request" are skipped.
  Json ToCovenantFields(const Json& their_fields) const;

  const std::map<std::string, std::string, std::less<>>& entries() const { return to_covenant_; }

 private:
  std::map<std::string, std::string, std::less<>> to_covenant_;
  std::map<std::string, std::string, std::less<>> to_partner_;
};

FieldMapping WithNotificationNames(const FieldMapping& m);

}  // namespace vh::adapters
