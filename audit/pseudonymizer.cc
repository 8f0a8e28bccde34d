#include "audit/pseudonymizer.h"

#include <optional>

#include "core/bsn.h"
#include "crypto/hex.h"
#include "crypto/primitives.h"

namespace vh::audit {
namespace {

// Sub-keys, so that a pseudonym and a value MAC can never collide.
crypto::SecretBytes SubKey(const crypto::SecretBytes& master, std::string_view purpose) {
  crypto::Hash h = crypto::KeyedDigest(master, "vh-audit-subkey", purpose);
  crypto::SecretBytes k(h.data(), h.size());
  sodium_memzero(h.data(), h.size());
  return k;
}

}  // namespace

Pseudonymizer::Pseudonymizer(const crypto::SecretBytes& pseudonym_key)
    : subject_key_(SubKey(pseudonym_key, "subject-pseudonym")),
      mac_key_(SubKey(pseudonym_key, "value-mac")),
      text_key_(SubKey(pseudonym_key, "text-mac")) {}

std::string Pseudonymizer::SubjectPseudonym(std::string_view bsn_or_ref) const {
  // A BSN written with spaces, dots or dashes is the same BSN.
  std::optional<std::string> digits = NormaliseBsn(bsn_or_ref);
  std::string input = digits ? "bsn:" + *digits : "ref:" + std::string(bsn_or_ref);
  crypto::Hash h = crypto::KeyedDigest(subject_key_, "subject", input);
  sodium_memzero(input.data(), input.size());
  if (digits) sodium_memzero(digits->data(), digits->size());
  return crypto::ToHex(h.data(), h.size());
}

std::string Pseudonymizer::MeetingSubjectPseudonym(std::string_view meeting,
                                                   std::string_view ref) const {
  // Meeting ids hold no NUL, so the input names one (meeting, ref) pair.
  std::string input = "meeting-ref:";
  input.append(meeting).push_back('\0');
  input.append(ref);
  crypto::Hash h = crypto::KeyedDigest(subject_key_, "subject", input);
  sodium_memzero(input.data(), input.size());
  return crypto::ToHex(h.data(), h.size());
}

std::string Pseudonymizer::ValueMac(std::string_view field, const Json& value) const {
  std::string text = DumpJson(value);
  std::string mac = ValueMacOfText(field, text);
  sodium_memzero(text.data(), text.size());
  return mac;
}

std::string Pseudonymizer::ValueMacOfText(std::string_view field,
                                          std::string_view json_text) const {
  std::string msg;
  msg.reserve(field.size() + 1 + json_text.size());
  msg.append(field);
  msg.push_back('\0');
  msg.append(json_text);
  crypto::Hash h = crypto::KeyedDigest(mac_key_, "value", msg);
  sodium_memzero(msg.data(), msg.size());
  return crypto::ToHex(h.data(), h.size());
}

std::string Pseudonymizer::TextMac(std::string_view purpose, std::string_view scope,
                                   std::string_view text) const {
  // Ids hold no NUL, so the message names one (scope, text) pair; the purpose
  // is the digest's domain.
  std::string msg;
  msg.reserve(scope.size() + 1 + text.size());
  msg.append(scope);
  msg.push_back('\0');
  msg.append(text);
  crypto::Hash h = crypto::KeyedDigest(text_key_, purpose, msg);
  sodium_memzero(msg.data(), msg.size());
  return crypto::ToHex(h.data(), h.size());
}

}  // namespace vh::audit
