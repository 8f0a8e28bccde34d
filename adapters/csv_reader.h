#pragma once
// CSV as partners' exports write it (RFC 4180): a header row, one record per
// line, cells optionally in double quotes ("" is a quote inside quotes, and
// quoted cells may span lines), CRLF or LF, a UTF-8 byte order mark allowed.
//
// Untrusted input: never crashes, never throws. On the first syntax error
// ParseCsv returns false and fills `error` with the 1-based line and
// character column where it is (an unterminated quote names the line where
// the quote opened). The message never repeats the file's content.
// Thread-safety: pure function.

#include <string>
#include <string_view>
#include <vector>

namespace vh::adapters {

// A problem in a dropped file, by place. line 0 = the file as a whole.
struct FileError {
  int line = 0;
  int column = 0;
  std::string message;
  // "line 3, column 2: message", or "message" for line 0.
  std::string ToString() const;
};

struct CsvRecord {
  int line = 0;  // where the record starts (1-based)
  std::vector<std::string> cells;
  std::vector<int> columns;  // character column (1-based) where each cell starts
};

// Blank lines are skipped. Records are returned as written; the caller
// checks cell counts against the header.
bool ParseCsv(std::string_view text, char delimiter, std::vector<CsvRecord>* records,
              FileError* error);

// Whether `text` is valid UTF-8; when not, `error` names line and column of
// the first bad byte.
bool CheckUtf8(std::string_view text, FileError* error);

}  // namespace vh::adapters
