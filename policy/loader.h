#pragma once
// Loading and validating a covenant file (docs/covenant-format.md: its keys
// and its load errors).
//
// The text is JSON with comments, parsed without exceptions and with the
// depth limit of core/json.h. Validation does not stop at the first problem:
// every problem becomes one line `FILE: /json/pointer: reason`, e.g.
//   examples/convenant.json: /overlegvormen/2/rules/4/as: 'year' does not fit field
//   'persoon.adres' (address)
// FILE is the `file_label` given (for files: the path as passed).
//
// On success the Covenant is complete, immutable and carries its compiled
// decision tables; sha256() is the SHA-256 of exactly the bytes given.
// On failure the Result holds Status Unprocessable (reason "invalid_covenant";
// InvalidArgument "unreadable_covenant" when the file cannot be read) whose
// message is all problem lines joined with '\n'; `problems` (when not null)
// receives the same lines one per element. No input crashes the loader or
// throws; size is capped by limits::kMaxCovenantBytes.
// Thread-safety: free functions without shared state.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/covenant.h"

namespace vh::policy {

Result<std::shared_ptr<const Covenant>> LoadCovenantText(std::string_view text,
                                                         std::string_view file_label,
                                                         std::vector<std::string>* problems);

Result<std::shared_ptr<const Covenant>> LoadCovenantFile(const std::string& path,
                                                         std::vector<std::string>* problems);

// Escapes one JSON pointer reference token (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string JsonPointerToken(std::string_view key);

}  // namespace vh::policy
