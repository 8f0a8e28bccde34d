// CaseStore's listing queries (store/case_store.h): the meeting index the
// console's meeting list starts from. Kept apart from case_store.cc, which
// holds the writes and the sealed reads.

#include "db/database.h"
#include "store/case_store.h"

namespace vh::store {

Result<std::vector<MeetingListing>> CaseStore::ListMeetings() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT id, overlegvorm, state, starts_at, ends_at FROM meetings WHERE state != 'shredded' "
      "ORDER BY starts_at, id;");
  if (!st.ok()) return st.status();
  std::vector<MeetingListing> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto col = [&](int c) { return st->IsNull(c) ? std::string() : st->Text(c); };
    out.push_back(MeetingListing{col(0), col(1), col(2), col(3), col(4)});
  }
  return out;
}

}  // namespace vh::store
