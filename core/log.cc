#include "core/log.h"

#include <unistd.h>

#include <atomic>

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
}  // namespace

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
  std::string s = DumpJson(line);
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
