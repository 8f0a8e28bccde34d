#include "adapters/file_drop_adapter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/bsn.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/primitives.h"

namespace vh::adapters {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxReportedErrors = 100;
constexpr std::size_t kMaxRows = 100000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Identity values as partners' exports write them: a BSN may come with
// spaces or dots, and spreadsheets drop its leading zero.
std::string NormaliseKey(const Json& v, bool bsn) {
  std::string s;
  if (v.is_string()) {
    s = Trim(v.get<std::string>());
  } else if (v.is_number_integer()) {
    s = std::to_string(v.get<long long>());
  } else {
    return "";
  }
  if (!bsn) return s;
  std::optional<std::string> digits = NormaliseBsn(s);
  return digits ? *digits : s;
}

// Converts one value to the covenant type. Text from CSV is converted;
// JSON values may already have the type. On failure `why` says what was
// expected (never the value).
std::optional<Json> ConvertValue(const Json& in, std::optional<policy::FieldType> type,
                                 const std::vector<std::string>& enum_values, std::string* why) {
  using policy::FieldType;
  if (!type) return in;  // unknown to the covenant: the exchange withholds it
  switch (*type) {
    case FieldType::kString:
    case FieldType::kText:
      if (in.is_string()) return in;
      *why = "expected text";
      return std::nullopt;
    case FieldType::kBoolean:
      if (in.is_boolean()) return in;
      if (in.is_string()) {
        std::string s = Lower(Trim(in.get<std::string>()));
        if (s == "ja" || s == "j" || s == "true" || s == "1" || s == "yes" || s == "y") return true;
        if (s == "nee" || s == "n" || s == "false" || s == "0" || s == "no") return false;
      }
      *why = "expected a boolean (ja/nee, true/false, 1/0)";
      return std::nullopt;
    case FieldType::kInteger:
      if (in.is_number_integer()) return in;
      if (in.is_string()) {
        std::string s = Trim(in.get<std::string>());
        std::string digits = (!s.empty() && s[0] == '-') ? s.substr(1) : s;
        if (AllDigits(digits) && digits.size() <= 18) return std::stoll(s);
      }
      *why = "expected a whole number";
      return std::nullopt;
    case FieldType::kDate:
      if (in.is_string()) {
        std::string s = Trim(in.get<std::string>());
        if (auto d = ParseDate(s)) return FormatDate(*d);
        // DD-MM-YYYY, as Dutch spreadsheets write dates.
        if (s.size() == 10 && (s[2] == '-' || s[2] == '/') && s[5] == s[2]) {
          std::string iso = s.substr(6, 4) + "-" + s.substr(3, 2) + "-" + s.substr(0, 2);
          if (auto d = ParseDate(iso)) return FormatDate(*d);
        }
      }
      *why = "expected a date (YYYY-MM-DD or DD-MM-YYYY)";
      return std::nullopt;
    case FieldType::kEnum: {
      if (in.is_string()) {
        std::string s = Trim(in.get<std::string>());
        for (const auto& v : enum_values) {
          if (v == s) return v;
        }
        for (const auto& v : enum_values) {
          if (Lower(v) == Lower(s)) return v;
        }
      }
      std::string list;
      for (const auto& v : enum_values) list += (list.empty() ? "" : ", ") + v;
      *why = "expected one of: " + list;
      return std::nullopt;
    }
    case FieldType::kAddress:
      if (in.is_object()) {
        for (auto it = in.begin(); it != in.end(); ++it) {
          if (!it.value().is_string() && !it.value().is_number_integer()) {
            *why = "expected address parts as text";
            return std::nullopt;
          }
        }
        return in;
      }
      *why = "expected an address (map its parts as \"field/straat\", ...)";
      return std::nullopt;
  }
  return in;
}

// Line and column (1-based) of byte `offset` in `text`.
std::pair<int, int> Position(std::string_view text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// Positions of the objects that are elements of the rows array: at nesting
// depth `depth` (1 for a top-level array, 2 for {"answers": [...]}).
std::vector<std::pair<int, int>> RowPositions(std::string_view text, int depth) {
  std::vector<std::pair<int, int>> out;
  int d = 0, line = 1, col = 1;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (c == '{' && d == depth) out.push_back({line, col});
      ++d;
    } else if (c == '}' || c == ']') {
      --d;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return out;
}

bool HasSuffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && Lower(s.substr(s.size() - suffix.size())) == suffix;
}

// One line of a report: what came from the file (a column name, which a
// quoted header cell may fill with line breaks) cannot start another.
std::string ReportLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FileDropAdapter>> FileDropAdapter::Create(const AdapterConfig& config,
                                                                 const std::string& state_dir,
                                                                 AnswerSink& sink,
                                                                 AdapterMetrics& metrics) {
  auto dir = DropDir::Open(config.drop.dir);
  if (!dir.ok()) {
    return Status::InvalidArgument("bad_config", config.pointer + ": " + dir.status().message());
  }
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  if (ec || !fs::is_directory(state_dir)) {
    return Status::InvalidArgument("bad_config",
                                   config.pointer + ": " + state_dir + ": cannot create directory");
  }
  ::chmod(state_dir.c_str(), 0700);  // the ledgers are the gateway's alone
  std::string safe;
  for (char c : config.partner) {
    safe.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_');
  }
  std::string ledger = (fs::path(state_dir) / ("file-drop-" + safe + ".ledger")).string();
  std::unique_ptr<FileDropAdapter> a(
      new FileDropAdapter(config, std::move(*dir), ledger, sink, metrics));
  Status s = a->LoadLedger();
  if (!s.ok()) return Status::InvalidArgument("bad_config", config.pointer + ": " + s.message());
  return a;
}

FileDropAdapter::FileDropAdapter(const AdapterConfig& config, std::unique_ptr<DropDir> dir,
                                 std::string ledger_path, AnswerSink& sink, AdapterMetrics& metrics)
    : config_(config),
      dir_(std::move(dir)),
      ledger_path_(std::move(ledger_path)),
      sink_(sink),
      metrics_(metrics) {}

std::chrono::milliseconds FileDropAdapter::interval() const {
  return std::chrono::seconds(config_.drop.poll_seconds);
}

Status FileDropAdapter::LoadLedger() {
  std::error_code ec;
  if (!fs::exists(ledger_path_, ec)) return Status::Ok();
  std::ifstream in(ledger_path_);
  if (!in) return Status::Unavailable("ledger", ledger_path_ + ": cannot read");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto j = ParseJson(line);
    // A torn last line (crash while appending) is ignored; anything else is
    // damage an operator must look at.
    if (!j.ok() || !j->is_object() || !j->contains("hash") || !(*j)["hash"].is_string()) {
      if (in.peek() == EOF) break;
      return Status::Unavailable(
          "ledger", ledger_path_ + ": line " + std::to_string(n) + ": not a ledger entry");
    }
    const std::string hash = (*j)["hash"].get<std::string>();
    const std::string state = j->value("state", "");
    if (state == "imported") {
      imported_[hash] = {j->value("file", ""), j->value("at", "")};
      answered_.erase(hash);
      answered_lines_.erase(hash);
    } else if (state == "answered") {
      answered_[hash].insert(j->value("request", ""));
      if ((*j)["line"].is_number_integer()) answered_lines_[hash].insert((*j)["line"].get<int>());
    }
  }
  return Status::Ok();
}

Status FileDropAdapter::AppendLedger(const Json& entry) {
  std::string line = DumpJson(entry) + "\n";
  int fd =
      ::open(ledger_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("ledger", ledger_path_ + ": cannot open");
  ssize_t w = ::write(fd, line.data(), line.size());
  int sync = ::fsync(fd);
  ::close(fd);
  if (w != static_cast<ssize_t>(line.size()) || sync != 0) {
    return Status::Unavailable("ledger", ledger_path_ + ": cannot write");
  }
  return Status::Ok();
}

bool FileDropAdapter::Settled(const DropDir::Entry& file) {
  if (config_.drop.settle_seconds == 0) return true;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto prev = seen_.find(file.name);
  bool same = prev != seen_.end() && prev->second.first == file.size &&
              prev->second.second == file.mtime_ns;
  seen_[file.name] = {file.size, file.mtime_ns};
  return same && now - file.mtime_ns >= int64_t{config_.drop.settle_seconds} * 1000000000;
}

void FileDropAdapter::RunOnce(const StopSignal& stop) {
  const std::string ext = config_.drop.format == DropFormat::kCsv ? ".csv" : ".json";
  std::vector<DropDir::Entry> candidates;
  auto wanted = [&](const std::string& name) {
    return !name.empty() && name[0] != '.' && HasSuffix(name, ext);
  };
  if (!dir_->List(wanted, &candidates)) {
    LogWarn("adapter_drop_dir_unreadable", {{"partner", config_.partner}});
    return;
  }
  std::set<std::string> present;
  for (const auto& f : candidates) present.insert(f.name);
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = present.count(it->first) ? std::next(it) : seen_.erase(it);
  }
  for (const auto& f : candidates) {
    if (stop.stopped()) return;
    if (!Settled(f)) continue;
    seen_.erase(f.name);
    ProcessFile(f.name);
  }
}

std::string FileDropAdapter::MoveTo(const std::string& name, uint64_t ino, DropDir::Sub to) {
  const char* sub = to == DropDir::Sub::kDone ? "done" : "rejected";
  std::string why;
  std::string moved = dir_->MoveTo(name, ino, to, &why);
  if (moved.empty() && why == "replaced") {
    // Another file took the name since it was read: it is looked at on its
    // own in a later round.
    LogWarn("adapter_drop_file_replaced", {{"partner", config_.partner}, {"file", name}});
  } else if (moved.empty()) {
    LogError("adapter_drop_move_failed",
             {{"partner", config_.partner}, {"to", sub}, {"reason", why}});
  }
  return moved;
}

void FileDropAdapter::Reject(const std::string& name, uint64_t ino,
                             const std::vector<FileError>& errors, std::string_view outcome) {
  const std::string moved = MoveTo(name, ino, DropDir::Sub::kRejected);
  std::ostringstream text;
  text << "vhgate did not import " << ReportLine(name) << " (" << errors.size()
       << (errors.size() == 1 ? " problem" : " problems")
       << "); nothing of it was imported. Fix the file and drop it again.\n";
  for (std::size_t i = 0; i < errors.size() && i < kMaxReportedErrors; ++i) {
    text << ReportLine(name + ": " + errors[i].ToString()) << "\n";
  }
  if (errors.size() > kMaxReportedErrors) {
    text << "... and " << errors.size() - kMaxReportedErrors << " more\n";
  }
  if (!moved.empty() &&
      !dir_->WriteReport(DropDir::Sub::kRejected, moved + ".error.txt", text.str())) {
    LogError("adapter_drop_report_failed", {{"partner", config_.partner}, {"to", "rejected"}});
  }
  metrics_.Add(kFilesTotal, config_.partner, outcome);
  LogWarn("adapter_drop_rejected", {{"partner", config_.partner},
                                    {"file", name},
                                    {"outcome", outcome},
                                    {"problems", errors.size()},
                                    {"first_line", errors.empty() ? 0 : errors[0].line}});
}

bool FileDropAdapter::ReadRows(const std::string& text, std::vector<Row>* rows,
                               std::vector<FileError>* errors) const {
  FileError e;
  if (!CheckUtf8(text, &e)) {
    errors->push_back(e);
    return false;
  }
  std::set<std::string> ignore(config_.drop.ignore_columns.begin(),
                               config_.drop.ignore_columns.end());
  if (config_.drop.format == DropFormat::kCsv) {
    std::vector<CsvRecord> recs;
    if (!ParseCsv(text, config_.drop.delimiter, &recs, &e)) {
      errors->push_back(e);
      return false;
    }
    if (recs.empty()) {
      errors->push_back({0, 0, "the file is empty (a header row is required)"});
      return false;
    }
    const CsvRecord& header = recs[0];
    std::set<std::string> names;
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
      std::string name = Trim(header.cells[c]);
      int col = static_cast<int>(c) + 1;
      if (name.empty()) {
        errors->push_back({header.line, col, "empty column name"});
      } else if (!names.insert(name).second) {
        errors->push_back({header.line, col, "column '" + name + "' appears twice"});
      } else if (!ignore.count(name) && !config_.mapping.Has(name) && name != config_.drop.match &&
                 !sink_.FieldTypeOf(name)) {
        errors->push_back({header.line, col,
                           "column '" + name +
                               "' is not in the mapping (map it or list it in "
                               "ignore_columns)"});
      }
    }
    if (recs.size() - 1 > kMaxRows) {
      errors->push_back({0, 0, "more than " + std::to_string(kMaxRows) + " rows"});
    }
    if (!errors->empty()) return false;
    for (std::size_t r = 1; r < recs.size(); ++r) {
      const CsvRecord& rec = recs[r];
      if (rec.cells.size() != header.cells.size()) {
        errors->push_back({rec.line, 0,
                           "expected " + std::to_string(header.cells.size()) + " cells, found " +
                               std::to_string(rec.cells.size())});
        continue;
      }
      Row row;
      row.line = rec.line;
      row.column = 1;
      for (std::size_t c = 0; c < rec.cells.size(); ++c) {
        std::string name = Trim(header.cells[c]);
        if (ignore.count(name)) continue;
        row.cells.push_back({name, Json(rec.cells[c]), static_cast<int>(c) + 1});
      }
      rows->push_back(std::move(row));
    }
    return errors->empty();
  }

  JsonLimits lim;
  lim.max_bytes = static_cast<std::size_t>(config_.drop.max_file_bytes);
  auto doc = ParseJson(text, lim);
  if (!doc.ok()) {
    const std::string msg = doc.status().message();
    auto at = msg.find("near byte ");
    if (at != std::string::npos) {
      std::size_t off = std::strtoull(msg.c_str() + at + 10, nullptr, 10);
      auto [line, col] = Position(text, off);
      errors->push_back({line, col, "not valid JSON"});
    } else {
      errors->push_back({0, 0, msg});
    }
    return false;
  }
  const Json* list = &*doc;
  int depth = 1;
  if (doc->is_object()) {
    if (doc->size() != 1 || !doc->contains("answers")) {
      errors->push_back({1, 1, "expected an array of rows or {\"answers\": [...]}"});
      return false;
    }
    list = &(*doc)["answers"];
    depth = 2;
  }
  if (!list->is_array()) {
    errors->push_back({1, 1, "expected an array of rows or {\"answers\": [...]}"});
    return false;
  }
  if (list->size() > kMaxRows) {
    errors->push_back({0, 0, "more than " + std::to_string(kMaxRows) + " rows"});
    return false;
  }
  auto pos = RowPositions(text, depth);
  for (std::size_t r = 0; r < list->size(); ++r) {
    const Json& obj = (*list)[r];
    Row row;
    if (r < pos.size()) {
      row.line = pos[r].first;
      row.column = pos[r].second;
    }
    if (!obj.is_object()) {
      errors->push_back(
          {row.line, row.column, "row " + std::to_string(r + 1) + " is not an object"});
      continue;
    }
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& name = it.key();
      if (ignore.count(name)) continue;
      if (!config_.mapping.Has(name) && name != config_.drop.match && !sink_.FieldTypeOf(name)) {
        errors->push_back({row.line, row.column,
                           "member '" + name +
                               "' is not in the mapping (map it or list it in "
                               "ignore_columns)"});
        continue;
      }
      row.cells.push_back({name, it.value(), row.column});
    }
    rows->push_back(std::move(row));
  }
  return errors->empty();
}

bool FileDropAdapter::Plan(const std::vector<Row>& rows, const std::string& hash,
                           std::vector<Planned>* plan, std::vector<FileError>* errors) {
  auto open = sink_.OpenRequests(config_.partner);
  if (!open.ok()) {
    errors->push_back({0, 0, "the gateway could not list open requests; try again later"});
    return false;
  }
  const std::string& match = config_.drop.match;
  const bool bsn = match.size() >= 3 && match.substr(match.size() - 3) == "bsn";
  std::map<std::string, const OpenRequest*> by_id;
  std::multimap<std::string, const OpenRequest*> by_key;
  for (const OpenRequest& r : *open) {
    by_id[r.id] = &r;
    auto id = r.identity.find(match);
    if (id != r.identity.end()) {
      std::string k = NormaliseKey(id->second, bsn);
      if (!k.empty()) by_key.insert({k, &r});
    }
  }
  std::map<std::string, int> answered_at;  // request id -> line
  const std::set<int>& resumed = answered_lines_[hash];
  for (const Row& row : rows) {
    std::vector<const OpenRequest*> targets;
    const Cell* key_cell = nullptr;
    bool by_request = false;
    Json fields = Json::object();
    bool row_ok = true;
    for (const Cell& cell : row.cells) {
      std::string target = config_.mapping.ToCovenant(cell.name);
      std::string where = cell.name;
      if (target == kRequestTarget) {
        key_cell = &cell;
        by_request = true;
        continue;
      }
      if (target == match) {
        if (!by_request) key_cell = &cell;
        continue;
      }
      if (cell.value.is_null() ||
          (cell.value.is_string() && Trim(cell.value.get<std::string>()).empty())) {
        continue;  // no value for this field
      }
      std::string field = target, part;
      auto slash = target.find('/');
      if (slash != std::string::npos && config_.mapping.Has(cell.name)) {
        field = target.substr(0, slash);
        part = target.substr(slash + 1);
      }
      std::optional<policy::FieldType> type = sink_.FieldTypeOf(field);
      std::string why;
      if (!part.empty()) {
        if (type != policy::FieldType::kAddress) {
          errors->push_back(
              {row.line, cell.column,
               "'" + where + "' maps to a part of '" + field + "', which is not an address field"});
          row_ok = false;
          continue;
        }
        if (!cell.value.is_string() && !cell.value.is_number_integer()) {
          errors->push_back({row.line, cell.column, "'" + where + "': expected text"});
          row_ok = false;
          continue;
        }
        Json v = cell.value.is_string() ? Json(Trim(cell.value.get<std::string>())) : cell.value;
        if (!fields[field].is_object()) fields[field] = Json::object();
        fields[field][part] = v;
        continue;
      }
      auto v = ConvertValue(cell.value, type, sink_.EnumValues(field), &why);
      if (!v) {
        errors->push_back({row.line, cell.column, "'" + where + "': " + why});
        row_ok = false;
        continue;
      }
      fields[field] = *v;
    }
    if (key_cell == nullptr ||
        (key_cell->value.is_string() && Trim(key_cell->value.get<std::string>()).empty())) {
      errors->push_back(
          {row.line, key_cell ? key_cell->column : row.column,
           by_request ? "no request id" : "no value for the match field '" + match + "'"});
      continue;
    }
    if (by_request) {
      std::string id = key_cell->value.is_string() ? Trim(key_cell->value.get<std::string>()) : "";
      auto it = by_id.find(id);
      if (it == by_id.end() && resumed.count(row.line)) continue;  // answered before a restart
      if (it == by_id.end()) {
        errors->push_back(
            {row.line, key_cell->column,
             "'" + key_cell->name + "': no open request with this id for " + config_.partner});
        continue;
      }
      targets.push_back(it->second);
    } else {
      std::string k = NormaliseKey(key_cell->value, bsn);
      auto [b, e] = by_key.equal_range(k);
      for (auto it = b; it != e; ++it) targets.push_back(it->second);
      if (targets.empty() && resumed.count(row.line)) continue;
      if (targets.empty()) {
        errors->push_back({row.line, key_cell->column,
                           "'" + key_cell->name + "': no open request of " + config_.partner +
                               " matches this row"});
        continue;
      }
    }
    if (!row_ok) continue;
    for (const OpenRequest* r : targets) {
      auto [it, fresh] = answered_at.insert({r->id, row.line});
      if (!fresh) {
        errors->push_back({row.line, key_cell->column,
                           "answers the same request as line " + std::to_string(it->second)});
        continue;
      }
      exchange::AnswerRequest answer;
      for (auto f = fields.begin(); f != fields.end(); ++f) answer.fields.emplace(f.key(), *f);
      plan->push_back({row.line, r->id, std::move(answer)});
    }
  }
  if (rows.empty()) errors->push_back({0, 0, "the file has no rows"});
  return errors->empty();
}

void FileDropAdapter::Finish(const std::string& name, uint64_t ino, const std::string& hash,
                             const std::vector<FileError>& late) {
  const std::string at = FormatUtc(std::chrono::system_clock::now());
  Status ls = AppendLedger({{"hash", hash}, {"state", "imported"}, {"file", name}, {"at", at}});
  if (!ls.ok()) LogError("adapter_drop_ledger_failed", {{"partner", config_.partner}});
  imported_[hash] = {name, at};
  answered_.erase(hash);
  answered_lines_.erase(hash);
  const std::string moved = MoveTo(name, ino, DropDir::Sub::kDone);
  if (!late.empty() && !moved.empty()) {
    std::string report;
    for (const auto& e : late) report += ReportLine(name + ": " + e.ToString()) + "\n";
    if (!dir_->WriteReport(DropDir::Sub::kDone, moved + ".warnings.txt", report)) {
      LogError("adapter_drop_report_failed", {{"partner", config_.partner}, {"to", "done"}});
    }
  }
  metrics_.Add(kFilesTotal, config_.partner, "imported");
}

void FileDropAdapter::ProcessFile(const std::string& name) {
  DropDir::Contents file = dir_->Read(name, static_cast<std::size_t>(config_.drop.max_file_bytes));
  const uint64_t ino = file.ino;
  if (file.outcome == DropDir::Contents::kGone) return;  // vanished, unreadable, not a regular file
  if (file.outcome == DropDir::Contents::kTooLarge) {
    Reject(name, ino,
           {{0, 0,
             "the file is larger than " + std::to_string(config_.drop.max_file_bytes) + " bytes"}},
           "rejected");
    return;
  }
  const std::string* text = &file.text;
  const std::string hash = crypto::Sha256Hex(*text);

  auto done = imported_.find(hash);
  if (done != imported_.end()) {
    Reject(name, ino,
           {{0, 0,
             "the same content was already imported from '" + done->second.file + "' at " +
                 done->second.at + "; not imported again"}},
           "duplicate");
    return;
  }

  if (config_.drop.mode == DropMode::kNotifications) {
    ImportNotifications(name, ino, hash, *text);  // file_drop_notifications.cc
    return;
  }
  std::vector<Row> rows;
  std::vector<FileError> errors;
  std::vector<Planned> plan;
  if (!ReadRows(*text, &rows, &errors) || !Plan(rows, hash, &plan, &errors)) {
    // A gateway-side failure (could not list requests) is not the file's fault.
    if (errors.size() == 1 && errors[0].line == 0 &&
        errors[0].message.rfind("the gateway could not", 0) == 0) {
      LogWarn("adapter_drop_deferred", {{"partner", config_.partner}, {"file", name}});
      return;
    }
    Reject(name, ino, errors, "rejected");
    return;
  }

  // A retry of a file interrupted mid-import finds its answered requests in
  // the ledger; they are no longer open, so they must be skipped here.
  std::set<std::string>& already = answered_[hash];
  AnswerSource source{"file-drop", name, "", ""};
  std::size_t accepted = 0, withheld = 0;
  std::vector<FileError> late;
  for (const Planned& p : plan) {
    if (already.count(p.request)) continue;
    auto res = sink_.Answer(config_.partner, p.request, p.answer, source);
    if (!res.ok()) {
      const Status& s = res.status();
      if (s.code() == Code::kUnavailable || s.code() == Code::kInternal ||
          s.code() == Code::kTimeout) {
        LogWarn("adapter_drop_import_interrupted",
                {{"partner", config_.partner}, {"file", name}, {"reason", s.reason()}});
        return;  // stays in place; the next round continues where this stopped
      }
      // Validated a moment ago; changed meanwhile (answered over the API,
      // meeting closed). Reported beside the file in done/.
      late.push_back({p.line, 0, "request " + p.request + " was not answered: " + s.reason()});
      continue;
    }
    accepted += res->accepted.size();
    withheld += res->withheld.size();
    already.insert(p.request);
    answered_lines_[hash].insert(p.line);
    Status ls = AppendLedger({{"hash", hash},
                              {"state", "answered"},
                              {"request", p.request},
                              {"line", p.line},
                              {"file", name}});
    if (!ls.ok()) LogError("adapter_drop_ledger_failed", {{"partner", config_.partner}});
  }
  Finish(name, ino, hash, late);
  metrics_.Add(kFieldsTotal, config_.partner, "accepted", accepted);
  metrics_.Add(kFieldsTotal, config_.partner, "withheld", withheld);
  LogInfo("adapter_drop_imported", {{"partner", config_.partner},
                                    {"file", name},
                                    {"answers", plan.size() - late.size()},
                                    {"accepted", accepted},
                                    {"withheld", withheld}});
}

}  // namespace vh::adapters
