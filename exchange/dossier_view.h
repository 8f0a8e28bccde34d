#pragma once
// Dossier views (internal to exchange/; ExchangeService is the entry): what
// the covenant shows a participant's partner of a meeting's answers, and the
// one dossier_disclosed event per view that says so.
//
// The view is rendered once per snapshot, covenant and view key (the filter
// writes the body as compact JSON text without a DOM; the value MACs of the
// event are taken from that text; the part list and its decision sets are
// made once) and kept in the snapshot; later views of the unchanged dossier
// send the same body and append an event naming the same decision sets. The
// body is not a typed result for this reason (exchange_service.h).
//
// The view key is what the filter reads of the caller: its partner, and for
// an ad hoc partner whether the person asking signed the declaration in
// force ("<partner>|signed"). Who may see a view at all is decided before the
// key is looked up: the circle and the meeting's staff (per CN), the
// person's own signature and the meeting's end (per person), closed
// meetings. Everyone who passes those gets the same view as the others of
// the partner who pass them, so keying per CN would only multiply renders;
// a member's view costs one map look-up, as before.
//
// Residents only: a subject that does not exist for the partner is neither
// in the body nor a part of the event (its audit trail does not name it).
//
// BodyAsync never blocks: the event goes to the audit writer and `done` runs
// once the writer reports it durable, so the gateway answers from its I/O
// thread (DeferredResponse) and many views share one commit. A refusal
// (wrong role, closed, not a participant, not in the circle or the staff,
// declaration not signed or outdated, after the end for ad hoc partners) is
// an access_refused event, answered once it is durable.
// Errors: as ExchangeService; 503 when the event cannot be written (nothing
// is shown). Thread-safety: all methods may be called concurrently.
// Borrows the context, which must outlive it.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/status.h"
#include "exchange/context.h"

namespace vh::exchange {

// One partner's dossier view of a snapshot under one covenant: the response
// body and the parts of its dossier_disclosed event.
struct RenderedView {
  std::shared_ptr<const policy::Covenant> covenant;  // the covenant it was filtered under
  std::string body;
  // A part per subject, in agenda order, as the audit log stores them.
  std::shared_ptr<const audit::PartList> list;
  std::vector<std::shared_ptr<const audit::DecisionSet>> sets;  // distinct
  std::string supplier;                // the one supplier of every value shown, else ""
  std::vector<std::string> suppliers;  // every supplier of a value shown, sorted
};

class DossierViews {
 public:
  explicit DossierViews(Context& ctx) : ctx_(ctx) {}

  void BodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                 std::function<void(Result<SharedText>)> done);
  // BodyAsync, waiting for `done`.
  Result<std::string> Body(const audit::Actor& caller, std::string_view meeting_id);

 private:
  // A view about to be shown (its event and the rendered view), or refused
  // (`refusal` and its access_refused event).
  struct Prepared {
    audit::Event event;
    std::shared_ptr<const RenderedView> view;
    Status refusal;
  };
  Result<Prepared> Prepare(const audit::Actor& caller, std::string_view meeting_id);
  // The partner's view of `s` under `cov` (cached in the snapshot);
  // `person_signed`: an ad hoc partner's person asking has signed.
  Result<std::shared_ptr<const RenderedView>> Render(
      const Snapshot& s, const std::shared_ptr<const policy::Covenant>& cov,
      const std::string& partner, bool person_signed);

  Context& ctx_;
};

}  // namespace vh::exchange
