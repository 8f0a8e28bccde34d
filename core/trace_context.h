#pragma once
// TraceContext: what ties one operation's log lines, audit events and
// response together (docs/api.md "Request ids and traces";
// docs/audit-events.md "trace").
//
// W3C Trace Context (level 1): a caller may send `traceparent:
// 00-<trace-id>-<parent-id>-<flags>`; the gateway keeps the caller's trace
// id, makes a span of its own for the request and remembers the caller's span
// as the parent (Continue). Without a valid traceparent it starts a trace
// (Start). Background work (the retention sweep, an adapter's pull) starts
// its own. The request id is X-Request-Id: the caller's when it is a sane
// id (IsValidRequestId), else one made here.
//
// The context of the operation a thread works on is thread-local
// (CurrentTrace), set for a scope by ScopedTrace. core/log.h adds its
// request_id and trace_id to every log line; the audit log stamps every
// event appended without a trace of its own with it (audit/event.h TraceRef)
// and runs an asynchronous append's completion under the context of the
// thread that appended, so that work finished on the audit writer's thread
// (a deferred dossier view) still logs under its request.
//
// Ids are random (getrandom seeds a per-thread generator): they identify,
// they protect nothing. No id holds personal data: a caller's X-Request-Id of
// digits only is replaced, since it could be a BSN.
// Thread-safety: values; CurrentTrace/ScopedTrace are per thread.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace vh {

struct Traceparent {
  std::string trace_id;   // 32 lowercase hex, not all zero
  std::string parent_id;  // 16 lowercase hex, not all zero
  std::string flags;      // 2 lowercase hex
};
// The traceparent header as W3C Trace Context level 1 reads it: version 00
// exactly 55 characters; a later version at least that, its first four
// fields as version 00's, further fields after a '-' ignored; version ff,
// upper-case hex and all-zero ids are invalid. nullopt when invalid.
std::optional<Traceparent> ParseTraceparent(std::string_view header);

struct TraceContext {
  std::string trace_id;        // 32 hex
  std::string span_id;         // 16 hex: this operation's span
  std::string parent_span_id;  // 16 hex: the caller's span; "" when the trace started here
  std::string flags = "01";    // the caller's trace-flags; "01" (sampled) when started here
  std::string request_id;      // X-Request-Id; "" outside a request
  // The organisation whose span is the parent (the foreign operation's
  // entity, docs/audit-events.md): "urn:vhgate:partner:<id>"; "" when none.
  std::string caller;
  // The request's method and route pattern ("GET", "/v1/meetings/{id}"),
  // set once the route is matched, before its handler runs; "" otherwise.
  // A refusal's audit event names them (exchange/events.h Refusal).
  std::string method, route;
  TimePoint start;  // when the operation started

  // A new trace with a new span, starting at `now`.
  static TraceContext Start(TimePoint now);
  // A new span of the trace `traceparent` names, or a new trace when it is
  // absent or invalid.
  static TraceContext Continue(std::string_view traceparent, TimePoint now);
  // "00-<trace_id>-<span_id>-<flags>": the header to send on, naming this
  // span as the parent of the next.
  std::string ToTraceparent() const;
};

// X-Request-Id as a caller may give it: 1 to 128 characters of
// [A-Za-z0-9._:-] with at least one letter (digits and separators alone
// could be a BSN, "111.222.333", which must not become a log key).
bool IsValidRequestId(std::string_view id);
// 32 random hex characters.
std::string NewRequestId();
// `bytes` random bytes as lowercase hex, never all zero.
std::string RandomHex(std::size_t bytes);

// The context of the operation this thread works on; null when none.
const std::shared_ptr<const TraceContext>& CurrentTrace();

// Makes `context` the current one for its lifetime and then restores the
// previous one. REQUIRES: destroyed on the thread that made it, in reverse
// order of construction (a scope).
class ScopedTrace {
 public:
  explicit ScopedTrace(std::shared_ptr<const TraceContext> context);
  explicit ScopedTrace(TraceContext context)
      : ScopedTrace(std::make_shared<const TraceContext>(std::move(context))) {}
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  std::shared_ptr<const TraceContext> previous_;
};

}  // namespace vh
