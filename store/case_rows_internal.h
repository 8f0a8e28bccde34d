#pragma once
// Internal to store/: what notification_rows.cc and case_rows.cc share (the
// tables of notifications and cases, a fresh wrapped data key, the sealed
// boxes as JSON).

#include <sodium.h>

#include <string>
#include <string_view>

#include "core/json.h"
#include "crypto/primitives.h"
#include "crypto/secret_bytes.h"

namespace vh::store::internal {

inline constexpr const char* kCasesSchema = R"sql(
CREATE TABLE IF NOT EXISTS notifications(
  id TEXT PRIMARY KEY, partner TEXT NOT NULL, notifier_cn TEXT, category TEXT NOT NULL,
  urgent INTEGER NOT NULL DEFAULT 0, restricted INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
  received_at TEXT NOT NULL, pseudonym TEXT, name_key TEXT, subject TEXT, case_id TEXT,
  decision TEXT, triaged_at TEXT, triaged_by TEXT, closed_at TEXT, retention_until TEXT,
  shredded_at TEXT, box BLOB, wrapped_key BLOB);
CREATE INDEX IF NOT EXISTS notifications_by_case ON notifications(case_id);
CREATE TABLE IF NOT EXISTS cases(
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT, created_by TEXT,
  overlegvorm TEXT, restricted INTEGER NOT NULL DEFAULT 0, pseudonym TEXT, name_key TEXT,
  subject TEXT, routed_to TEXT, case_holder TEXT, closed_at TEXT, retention_until TEXT,
  shredded_at TEXT, box BLOB, wrapped_key BLOB);
CREATE TABLE IF NOT EXISTS case_meetings(
  case_id TEXT NOT NULL, meeting TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(meeting, idx));
CREATE INDEX IF NOT EXISTS case_meetings_by_case ON case_meetings(case_id);
CREATE TABLE IF NOT EXISTS case_outcomes(
  case_id TEXT NOT NULL, meeting TEXT NOT NULL, idx INTEGER NOT NULL, overlegvorm TEXT,
  decision TEXT NOT NULL, decided_at TEXT NOT NULL, PRIMARY KEY(meeting, idx));
CREATE INDEX IF NOT EXISTS case_outcomes_by_case ON case_outcomes(case_id);
CREATE TABLE IF NOT EXISTS follow_ups(
  case_id TEXT NOT NULL, due TEXT NOT NULL, kind TEXT NOT NULL, done_at TEXT NOT NULL,
  done_by TEXT, box BLOB, PRIMARY KEY(case_id, due, kind));
)sql";

// A fresh random data key for row `id`, and its wrapped form as stored (the
// same wrapping and associated data as a meeting's key).
inline std::string WrapNewKey(const crypto::SecretBytes& wrap_key, std::string_view id,
                              crypto::SecretBytes* key) {
  *key = crypto::SecretBytes::Random(crypto::kKeyBytes);
  std::string aad = "vh.store.v1.key|";
  aad.append(id);
  return crypto::Seal(
      wrap_key, std::string_view(reinterpret_cast<const char*>(key->data()), key->size()), aad);
}

// A string member of a sealed box; "" when absent.
inline std::string BoxString(const Json& box, const char* key) {
  auto it = box.find(key);
  return it != box.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace vh::store::internal
