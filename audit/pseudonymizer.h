#pragma once
// Pseudonymizer: the keyed pseudonyms and value MACs that stand in the audit
// log for people and field values (audit/README.md "Store"), so that the log
// itself reveals neither, while a privacy officer holding pseudonym.key can
// prove which person and which value an event concerns.
//
// All are keyed BLAKE2b (crypto::KeyedDigest) under a sub-key derived from
// the pseudonymisation key (keys_dir/pseudonym.key): one sub-key for subject
// pseudonyms, one for value MACs, one for text MACs, so that they can never
// be confused.
// Changing the derivation or the inputs changes every pseudonym and breaks
// the subject queries of existing logs: do not.
//
// Ownership: holds the two sub-keys in SecretBytes (wiped when dropped); the
// master key is not kept. Neither input nor output is ever logged; the
// buffers that held a BSN or a value are wiped.
// Thread-safety: immutable after construction; every member is const and
// safe to call concurrently.

#include <string>
#include <string_view>

#include "core/json.h"
#include "crypto/secret_bytes.h"

namespace vh::audit {

class Pseudonymizer {
 public:
  // REQUIRES: pseudonym_key.size() == crypto::kKeyBytes.
  explicit Pseudonymizer(const crypto::SecretBytes& pseudonym_key);

  // Keyed BLAKE2b of the normalised BSN (vh::NormaliseBsn: digits only, 9
  // digits, an 8-digit BSN gets its leading zero) or, when `bsn_or_ref` is
  // not a BSN, of the ref as given; 64 hex. Deterministic for one key. Does
  // not apply the 11-proef (callers that take a BSN from a person check it:
  // audit/audit_service.h).
  std::string SubjectPseudonym(std::string_view bsn_or_ref) const;
  // The pseudonym of a subject without a BSN, scoped to its meeting: keyed
  // BLAKE2b of the meeting id and the ref (never equal to a SubjectPseudonym),
  // so that "S1" of one meeting is not "S1" of another; 64 hex.
  std::string MeetingSubjectPseudonym(std::string_view meeting, std::string_view ref) const;
  // Keyed MAC of the canonical JSON of `value` (DumpJson), bound to `field`;
  // 64 hex.
  std::string ValueMac(std::string_view field, const Json& value) const;
  // The same MAC from the value's canonical JSON text (what DumpJson gives),
  // for callers that already hold it.
  std::string ValueMacOfText(std::string_view field, std::string_view json_text) const;
  // Keyed MAC of free text that must not enter the log (a decline or
  // retention reason, a field name the covenant does not know), bound to its
  // `purpose` (kReasonMac, kFieldNameMac) and to `scope`, the id of what it
  // was given for (a request, a meeting), so that equal texts in two events
  // do not link them; 64 hex. Over the text's bytes exactly as given. A
  // privacy officer holding the text recomputes it to prove that it is the
  // text given (`vhgate audit text-mac`).
  std::string TextMac(std::string_view purpose, std::string_view scope,
                      std::string_view text) const;

 private:
  crypto::SecretBytes subject_key_;
  crypto::SecretBytes mac_key_;
  crypto::SecretBytes text_key_;
};

// The purposes of TextMac: a reason given in words (a decline, a retention
// extension, a supplier failure that is not a code); the name of a field an
// answer held that the covenant does not know.
inline constexpr std::string_view kReasonMac = "reason";
inline constexpr std::string_view kFieldNameMac = "field_name";

}  // namespace vh::audit
