#include "core/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>

#include "core/clock.h"
#include "core/trace_context.h"

namespace vh {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}
// True for the code points a log line never carries raw: controls (C0 are
// escaped by the JSON writer already; DEL and C1 here), the bidirectional
// marks, embeddings, overrides and isolates, the line and paragraph
// separators and the invisible format characters (zero-width, word joiner,
// BOM, interlinear annotation).
bool Unsafe(uint32_t c) {
  return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
         (c >= 0xFFF9 && c <= 0xFFFB);
}

}  // namespace

std::string EscapeLogLine(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  std::size_t i = 0;
  while (i < json.size()) {
    const auto b = static_cast<unsigned char>(json[i]);
    std::size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (i + len > json.size()) len = 1;
    uint32_t c = len == 1 ? b : b & (0x3F >> (len - 1));
    for (std::size_t k = 1; k < len; ++k) {
      c = (c << 6) | (static_cast<unsigned char>(json[i + k]) & 0x3F);
    }
    if (Unsafe(c)) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out.append(esc);
    } else {
      out.append(json.substr(i, len));
    }
    i += len;
  }
  return out;
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LevelName(l)) return l;
  }
  return std::nullopt;
}

void Log(LogLevel level, std::string_view event, const Json& fields) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  Json line = Json::object();
  line["ts"] = FormatUtc(SystemClock().Now());
  line["level"] = LevelName(level);
  line["event"] = event;
  if (const auto& trace = CurrentTrace()) {
    if (!trace->request_id.empty()) line["request_id"] = trace->request_id;
    line["trace_id"] = trace->trace_id;
  }
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  // The JSON writer escapes C0 controls and replaces invalid UTF-8; what
  // else could move a terminal's cursor or reorder what an operator reads
  // (a certificate subject, a file name) is escaped here.
  std::string s = DumpJson(line);
  if (std::any_of(s.begin(), s.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) >= 0x7F; })) {
    s = EscapeLogLine(s);
  }
  s.push_back('\n');
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(2, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace vh
