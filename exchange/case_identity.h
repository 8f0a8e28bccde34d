#pragma once
// Who a notification or a check is about (internal to exchange/):
// the identity a partner gives, checked against the covenant, and the keys
// that recognise the same person again.
//
//   - Identity fields are covenant fields of category `identificerend` or
//     `bsn` (422 "unknown_field", "not_identity_field"), each value checked
//     against its type (policy/filter.h ValidateValue, 422 "wrong_type"); a
//     BSN must pass the 11-proef (422 "invalid_bsn"; the number is never
//     echoed).
//   - A person is identified by a BSN, or by a name and a date of birth: the
//     first identifying field of type string, and of type date (422
//     "missing_identity" otherwise).
//   - The BSN's key is the audit log's pseudonym (audit/pseudonymizer.h), so
//     that a notification is matched to open cases, earlier notifications
//     and the access report of that person. The name and date of birth give
//     a keyed key of their own (NameKey), compared only to show a candidate.
//
// Thread-safety: pure functions over immutable values.

#include <string>
#include <string_view>

#include "audit/pseudonymizer.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::policy {
class Covenant;
struct Partner;
}  // namespace vh::policy

namespace vh::exchange {

struct NotifiedPerson {
  FieldValues identity;
  std::string bsn;  // normalised; "" without one
  std::string name, birth_date;
  std::string municipality;  // the gemeente of an address field; "" unknown
};

// Checks `identity`; errors name "/identity/<field>" (or "/identity").
Result<NotifiedPerson> ValidateIdentity(const policy::Covenant& c, const FieldValues& identity);

// The keyed key of a name (ASCII letters folded to lower case, white space
// runs as one space, trimmed) and a date of birth; "" when either is empty.
std::string NameKey(const audit::Pseudonymizer& pseudonyms, std::string_view name,
                    std::string_view birth_date);

// A municipality name as given (trimmed): 422 "empty" / "invalid_municipality"
// naming `path` when it is blank, too long or holds control characters.
Result<std::string> CheckMunicipality(std::string_view municipality, std::string_view path);

// The signatory partner whose `municipality` is `municipality` (the gemeente
// of residence; policy::SameMunicipality); null when none.
const policy::Partner* GemeenteOf(const policy::Covenant& c, std::string_view municipality);

}  // namespace vh::exchange
