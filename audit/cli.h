#pragma once
// The audit command line (CONTRACT.md "CLI"), dispatched by gateway/main.cc:
//   vhgate keys init --config F
//       creates in keys_dir what is missing (audit/audit_keys.h); 0, or 1
//       with one line naming the file and the problem.
//   vhgate audit verify --config F
//       0 and a summary when intact; 1 and a line naming the first event
//       that fails and why. Needs only the store key and audit-sign.pub.
//   vhgate audit query --config F [--bsn N] [--subject P] [--partner P]
//       [--meeting M] [--type T] [--from T] [--to T] [--limit N] [--cursor C]
//       0; the events as JSON lines (all pages unless --limit). The filters
//       are audit/audit_service.h kQueryFilters.
//   vhgate audit report --config F --bsn N [--format json|html]
//       [--copy officer|subject]
//       0; the access report for one person (audit/report.h); `--copy
//       subject` is the person's own copy (restricted overlegvormen withheld).
// Query, report and verify go through audit::AuditService (the same one as
// the HTTP routes), acting as the house. Usage errors (an unknown flag, a
// malformed value, a --bsn that fails the 11-proef: one line naming the
// flag) and stores that cannot be opened exit 2 with a message on `err`; a
// query or report that cannot be answered or recorded exits 1. Every query,
// report and verify is itself an audit_query event, written before anything
// is printed (actor: the OS user, role "cli").
// Thread-safety: not reentrant per process (uses the process's clock).

#include <ostream>
#include <string>
#include <vector>

namespace vh::audit {

int RunKeysCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunAuditCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace vh::audit
