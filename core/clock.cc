#include "core/clock.h"

#include <cstdio>

namespace vh {
namespace {
bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}
// `v` as `n` decimal digits, zero-padded, at `out` (v < 10^n).
char* PutDigits(char* out, long v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  return out + n;
}
// "YYYY-MM-DD" at `out`: 10 characters. REQUIRES: 0 <= year <= 9999.
char* PutDate(char* out, int year, int month, int day) {
  out = PutDigits(out, year, 4);
  *out++ = '-';
  out = PutDigits(out, month, 2);
  *out++ = '-';
  return PutDigits(out, day, 2);
}
}  // namespace

std::optional<Date> ParseDate(std::string_view s) {
  Date d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!Digits(s, 0, 4, &d.year) || !Digits(s, 5, 2, &d.month) || !Digits(s, 8, 2, &d.day)) {
    return std::nullopt;
  }
  if (s.size() != 10) return std::nullopt;
  if (d.year < 1800 || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > DaysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

// FormatDate and FormatUtc write their digits themselves: they run several
// times for every request and event (snprintf was a visible part of it).
std::string FormatDate(const Date& d) {
  if (d.year < 0 || d.year > 9999) {  // not four digits: as printf writes it
    char wide[32];
    std::snprintf(wide, sizeof wide, "%04d-%02d-%02d", d.year, d.month, d.day);
    return wide;
  }
  char buf[10];
  PutDate(buf, d.year, d.month, d.day);
  return std::string(buf, sizeof buf);
}

Date DateOf(TimePoint t) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string FormatUtc(TimePoint t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t - floor<std::chrono::days>(t)).count();
  long h = ms / 3600000, mi = (ms / 60000) % 60, sec = (ms / 1000) % 60, milli = ms % 1000;
  char time[14];  // THH:MM:SS.mmmZ
  char* at = time;
  *at++ = 'T';
  at = PutDigits(at, h, 2);
  *at++ = ':';
  at = PutDigits(at, mi, 2);
  *at++ = ':';
  at = PutDigits(at, sec, 2);
  *at++ = '.';
  at = PutDigits(at, milli, 3);
  *at = 'Z';
  std::string out = FormatDate(DateOf(t));
  out.append(time, sizeof time);
  return out;
}

std::optional<TimePoint> ParseUtc(std::string_view s) {
  using namespace std::chrono;
  if (s.size() == 10) {
    auto d = ParseDate(s);
    if (!d) return std::nullopt;
    return sys_days{year{d->year} / d->month / d->day};
  }
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  auto d = ParseDate(s.substr(0, 10));
  if (!d) return std::nullopt;
  int hh, mm, ss;
  if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mm) || s[16] != ':' ||
      !Digits(s, 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  long frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long scale = 100000000;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  long offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  TimePoint t = sys_days{year{d->year} / d->month / d->day} + hours{hh} + minutes{mm} +
                seconds{ss} + duration_cast<TimePoint::duration>(nanoseconds{frac_ns}) -
                minutes{offset_min};
  return t;
}

}  // namespace vh
