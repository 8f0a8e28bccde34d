#pragma once
// Time as a seam: production code asks a Clock, tests pass a FakeClock.
//
// Times are UTC. FormatUtc gives RFC 3339 with milliseconds
// ("2026-11-23T07:40:54.123Z"); ParseUtc accepts RFC 3339 with "Z" or an
// offset, and a bare date ("2026-11-23", taken as 00:00Z).
// Thread-safety: SystemClock is stateless; FakeClock is atomic.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vh {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint t) : ns_(t.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(TimePoint::duration(ns_.load())); }
  void Set(TimePoint t) { ns_ = t.time_since_epoch().count(); }
  void Advance(std::chrono::nanoseconds d) {
    ns_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }

 private:
  std::atomic<TimePoint::rep> ns_;
};

std::string FormatUtc(TimePoint t);
std::optional<TimePoint> ParseUtc(std::string_view s);

// A calendar date, validated ("2016-02-29" ok, "2017-02-29" not).
struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
};
std::optional<Date> ParseDate(std::string_view s);
std::string FormatDate(const Date& d);
Date DateOf(TimePoint t);  // UTC calendar date

}  // namespace vh
