#pragma once
// Structured logging: one JSON object per line on stderr.
//
// WARNING: never pass personal data, field values, BSNs, subject refs, key
// material or request bodies. Log ids (meeting ids, request ids), partner ids,
// roles, route templates, status codes and counts only.
//
// Every line is safe to show on a terminal: besides what JSON escapes (C0
// controls, quotes), DEL, the C1 controls and the bidirectional and invisible
// format characters (U+061C, U+200B-200F, U+2028-202E, U+2060-206F, U+FEFF,
// U+FFF9-FFFB) are written as \uXXXX escapes, so a value from outside (a
// certificate subject, a file name) cannot reorder or hide what an operator
// reads. The line parses back to the same strings.
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

// `json` (one serialised JSON document) with the characters above escaped.
std::string EscapeLogLine(std::string_view json);

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
