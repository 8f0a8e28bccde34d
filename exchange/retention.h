#pragma once
// Retention (internal to exchange/; ExchangeService is the entry): shreds
// every closed meeting whose retention (closed_at + the overlegvorm's
// retention_days, or the extension a coordinator recorded) has passed. The
// store destroys the meeting's data key and rows and keeps a tombstone; the
// audit log keeps the meeting's events and gets one data_shredded event per
// meeting, appended inside the store's transaction.
//
// Called by the gateway's sweep and `vhgate retention run` (exchange/cli.h).
// Errors: the first meeting that cannot be shredded stops the run (the
// meetings before it stay shredded). Thread-safety: may run next to any
// other call. Borrows the context, which must outlive it.

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

class Retention {
 public:
  explicit Retention(Context& ctx) : ctx_(ctx) {}

  Result<RetentionRun> Run(const audit::Actor& system);

 private:
  Context& ctx_;
};

}  // namespace vh::exchange
