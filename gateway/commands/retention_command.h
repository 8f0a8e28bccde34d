#pragma once
// `vhgate retention run --config F`: shreds every closed meeting whose
// retention (or recorded extension) has passed, prints one line per meeting
// shredded and a summary, and exits 0. Exit 1 on a bad configuration, key or
// store (the message names it), 2 on bad usage.
//
// It opens the modules as serve does (gateway/modules.h, without adapters
// and without a start event), so it can run next to a serving gateway (both
// use WAL and busy timeouts; the audit log re-reads its head under the write
// lock).

#include <ostream>
#include <string>
#include <vector>

namespace vh::gw {

// `args` are the words after "retention" (a leading "retention" is skipped).
int RunRetentionCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace vh::gw
