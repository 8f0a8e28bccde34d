#pragma once
// Information requests and their answers (internal to exchange/;
// ExchangeService is the entry): the coordinator sends the requests of a
// meeting; a supplier lists its requests, answers or declines them; an
// adapter records that its partner system failed.
//
// Need-to-know (exchange/access.h): a request goes per subject only to the
// partners for which the subject exists (residents only) and, when the
// coordinator named them for the subject, only to those; a supplier does not
// list, and may not answer, a request of a circle its certificate is not in.
//
// Audit events: request_sent (one per request), answer_received (+
// field_withheld: unknown field names only as a count and MACs),
// request_declined and supplier_failed (a reason's code and MAC; its text is
// sealed in the store, exchange/types.h), access_refused (every
// refusal: a wrong role, another partner's request, outside the circle, a
// closed meeting...). Appended inside the store's transaction, so what the
// log cannot record is rolled back (503).
// Errors and thread-safety: as ExchangeService (exchange_service.h).
// Borrows the context, which must outlive it.

#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

class Requests {
 public:
  explicit Requests(Context& ctx) : ctx_(ctx) {}

  Result<CreatedRequests> Create(const audit::Actor& caller, std::string_view meeting_id,
                                 const CreateRequests& command);
  Result<std::vector<SupplierRequest>> List(const audit::Actor& caller, RequestFilter filter);
  // Ok when `caller` is a supplier certificate that may answer or decline
  // request `request_id` (its partner's, in its circle, its subject a
  // resident where that matters); else the refusal, audited.
  Status MayAnswer(const audit::Actor& caller, std::string_view request_id);
  Result<AnswerReceipt> Answer(const audit::Actor& caller, std::string_view request_id,
                               const AnswerRequest& command);
  Result<DeclinedRequest> Decline(const audit::Actor& caller, std::string_view request_id,
                                  const DeclineRequest& command);
  // The request round of a meeting as the coordinator's board shows it, in
  // the order the requests were sent. A caller that is not a coordinator of
  // the house, or does not take part (exchange/participation.h), is refused
  // with an access_refused event.
  Result<std::vector<BoardRequest>> Board(const audit::Actor& caller, std::string_view meeting_id);
  Status RecordFailure(const audit::Actor& system, std::string_view request_id,
                       std::string_view reason);

 private:
  Context& ctx_;
};

}  // namespace vh::exchange
