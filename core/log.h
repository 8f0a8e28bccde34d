#pragma once
// Structured logging: one JSON object per line on stderr.
//
// WARNING: never pass personal data, field values, BSNs, subject refs, key
// material or request bodies. Log ids (meeting ids, request ids), partner ids,
// roles, route templates, status codes and counts only.
//
// Thread-safe: each line is written with a single write(2).
//
// A line written while a TraceContext is current on the thread
// (core/trace_context.h: during a request, a sweep, an adapter's pull) also
// carries its "request_id" (when there is one) and "trace_id".

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/json.h"

namespace vh {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
// Whether a line of `level` would be written (to skip building its fields).
bool LogEnabled(LogLevel level);
// "debug", "info", "warn" or "error" (the configuration's log.level).
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// Writes {"ts": "...", "level": "...", "event": event, ...fields}.
void Log(LogLevel level, std::string_view event, const Json& fields = Json::object());

inline void LogInfo(std::string_view event, const Json& fields = Json::object()) {
  Log(LogLevel::kInfo, event, fields);
}
inline void LogWarn(std::string_view event, const Json& fields = Json::object()) {
  Log(LogLevel::kWarn, event, fields);
}
inline void LogError(std::string_view event, const Json& fields = Json::object()) {
  Log(LogLevel::kError, event, fields);
}

}  // namespace vh
