#include "adapters/csv_reader.h"

namespace vh::adapters {

std::string FileError::ToString() const {
  if (line <= 0) return message;
  std::string s = "line " + std::to_string(line);
  if (column > 0) s += ", column " + std::to_string(column);
  return s + ": " + message;
}

bool CheckUtf8(std::string_view text, FileError* error) {
  int line = 1, col = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      n = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    }
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
               (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) {
      ok = false;
    }
    if (!ok) {
      *error = {line, col, "not valid UTF-8"};
      return false;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += n;
  }
  return true;
}

bool ParseCsv(std::string_view text, char delimiter, std::vector<CsvRecord>* records,
              FileError* error) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  records->clear();
  int line = 1, col = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // Skip blank lines.
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      col = 1;
      continue;
    }
    CsvRecord rec;
    rec.line = line;
    bool end_of_record = false;
    while (!end_of_record) {
      std::string cell;
      rec.columns.push_back(col);
      if (i < n && text[i] == '"') {
        int open_line = line, open_col = col;
        ++i;
        ++col;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell.push_back('"');
              i += 2;
              col += 2;
              continue;
            }
            ++i;
            ++col;
            closed = true;
            break;
          }
          if (c == '\n') {
            ++line;
            col = 1;
          } else {
            ++col;
          }
          cell.push_back(c);
          ++i;
        }
        if (!closed) {
          *error = {open_line, open_col, "quoted cell is never closed"};
          return false;
        }
        if (i < n && text[i] != delimiter && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') && text[i] != '\r') {
          *error = {line, col, "unexpected character after a closing quote"};
          return false;
        }
      } else {
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') {
            *error = {line, col, "quote inside an unquoted cell"};
            return false;
          }
          cell.push_back(text[i]);
          ++i;
          ++col;
        }
      }
      rec.cells.push_back(std::move(cell));
      if (i >= n) {
        end_of_record = true;
      } else if (text[i] == delimiter) {
        ++i;
        ++col;
      } else if (text[i] == '\r') {
        i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
        ++line;
        col = 1;
        end_of_record = true;
      } else {  // '\n'
        ++i;
        ++line;
        col = 1;
        end_of_record = true;
      }
    }
    records->push_back(std::move(rec));
  }
  return true;
}

}  // namespace vh::adapters
