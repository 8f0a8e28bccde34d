// FileDropAdapter in notification mode: a partner's system (DJI's
// detention notices) drops a CSV or JSON file with one notification per row.
// The file's reading, settling, ledger, folders and metrics are the
// adapter's own (file_drop_adapter.cc); this file turns rows into
// exchange::Notify commands and sends them through AnswerSink, so a row
// passes exactly the checks and events of POST /v1/notifications.
//
// Columns: covenant identity fields (or parts of an address field, mapped as
// "persoon.adres/gemeente"), and the notification's own: category, reason,
// urgent, municipality, release_date (mapped to "@category", ... or under
// those plain names). Values are converted as for answers: dates YYYY-MM-DD
// or DD-MM-YYYY, booleans ja/nee/true/false/1/0.

#include <cctype>
#include <optional>
#include <set>

#include "adapters/file_drop_adapter.h"
#include "core/clock.h"
#include "core/log.h"

namespace vh::adapters {
namespace {

std::string TrimText(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool Blank(const Json& v) {
  return v.is_null() || (v.is_string() && TrimText(v.get_ref<const std::string&>()).empty());
}

// A date as a notification file may write it: YYYY-MM-DD or DD-MM-YYYY.
std::optional<std::string> NoticeDate(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = TrimText(v.get_ref<const std::string&>());
  if (auto d = ParseDate(s)) return FormatDate(*d);
  if (s.size() == 10 && (s[2] == '-' || s[2] == '/') && s[5] == s[2]) {
    if (auto d = ParseDate(s.substr(6, 4) + "-" + s.substr(3, 2) + "-" + s.substr(0, 2))) {
      return FormatDate(*d);
    }
  }
  return std::nullopt;
}

std::optional<bool> NoticeBool(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (!v.is_string()) return std::nullopt;
  std::string s = TrimText(v.get_ref<const std::string&>());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "ja" || s == "j" || s == "true" || s == "1" || s == "yes") return true;
  if (s == "nee" || s == "n" || s == "false" || s == "0" || s == "no") return false;
  return std::nullopt;
}

std::optional<std::string> NoticeText(const Json& v) {
  if (v.is_string()) return TrimText(v.get_ref<const std::string&>());
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return std::nullopt;
}

// A transient failure of the gateway (the file stays and is tried again).
bool TransientFailure(const Status& s) {
  return s.code() == Code::kUnavailable || s.code() == Code::kInternal ||
         s.code() == Code::kTimeout;
}

}  // namespace

bool FileDropAdapter::PlanNotifications(const std::vector<Row>& rows, const std::string& name,
                                        std::vector<std::pair<int, exchange::Notify>>* plan,
                                        std::vector<FileError>* errors) {
  const AnswerSource source{"file-drop", name, "", ""};
  for (const Row& row : rows) {
    exchange::Notify n;
    Json identity = Json::object();
    bool row_ok = true;
    auto bad = [&](const Cell& cell, const std::string& why) {
      errors->push_back({row.line, cell.column, "'" + cell.name + "': " + why});
      row_ok = false;
    };
    for (const Cell& cell : row.cells) {
      if (Blank(cell.value)) continue;
      const std::string target = config_.mapping.ToCovenant(cell.name);
      if (target == kCategoryTarget || target == kReasonTarget || target == kMunicipalityTarget) {
        auto text = NoticeText(cell.value);
        if (!text) {
          bad(cell, "expected text");
          continue;
        }
        if (target == kCategoryTarget) {
          n.category = *text;
        } else if (target == kReasonTarget) {
          n.reason = *text;
        } else {
          n.municipality = *text;
        }
      } else if (target == kUrgentTarget) {
        auto b = NoticeBool(cell.value);
        if (!b) bad(cell, "expected a boolean (ja/nee, true/false, 1/0)");
        n.urgent = b.value_or(false);
      } else if (target == kReleaseDateTarget) {
        auto d = NoticeDate(cell.value);
        if (!d) bad(cell, "expected a date (YYYY-MM-DD or DD-MM-YYYY)");
        n.release_date = d;
      } else if (target == kRequestTarget) {
        bad(cell, "a notifications file names no request");
      } else if (auto slash = target.find('/');
                 slash != std::string::npos && config_.mapping.Has(cell.name)) {
        auto text = NoticeText(cell.value);
        if (!text) {
          bad(cell, "expected text");
          continue;
        }
        const std::string field = target.substr(0, slash);
        if (!identity[field].is_object()) identity[field] = Json::object();
        identity[field][target.substr(slash + 1)] = *text;
      } else {
        std::optional<policy::FieldType> type = sink_.FieldTypeOf(target);
        if (type == policy::FieldType::kDate) {
          auto d = NoticeDate(cell.value);
          if (!d) bad(cell, "expected a date (YYYY-MM-DD or DD-MM-YYYY)");
          if (d) identity[target] = *d;
        } else if (type == policy::FieldType::kAddress) {
          if (!cell.value.is_object()) bad(cell, "expected an address (map its parts)");
          identity[target] = cell.value;
        } else {
          auto text = NoticeText(cell.value);
          if (!text) bad(cell, "expected text");
          if (text) identity[target] = *text;
        }
      }
    }
    if (!row_ok) continue;
    for (auto it = identity.begin(); it != identity.end(); ++it) n.identity.emplace(it.key(), *it);
    // Every semantic check of POST /v1/notifications, nothing stored. Its
    // messages name JSON paths and codes, never values.
    Status s = sink_.CheckNotification(config_.partner, n, source);
    if (TransientFailure(s)) {
      errors->clear();  // the gateway could not check: not the file's fault
      return false;
    }
    if (!s.ok()) {
      errors->push_back({row.line, row.column, s.reason() + ": " + s.message()});
      continue;
    }
    plan->emplace_back(row.line, std::move(n));
  }
  if (rows.empty()) errors->push_back({0, 0, "the file has no rows"});
  return errors->empty();
}

void FileDropAdapter::ImportNotifications(const std::string& name, uint64_t ino,
                                          const std::string& hash, const std::string& text) {
  std::vector<Row> rows;
  std::vector<FileError> errors;
  std::vector<std::pair<int, exchange::Notify>> plan;
  if (!ReadRows(text, &rows, &errors)) {
    Reject(name, ino, errors, "rejected");
    return;
  }
  if (!PlanNotifications(rows, name, &plan, &errors)) {
    if (errors.empty()) {  // the gateway could not check: not the file's fault
      LogWarn("adapter_drop_deferred", {{"partner", config_.partner}, {"file", name}});
      return;
    }
    Reject(name, ino, errors, "rejected");
    return;
  }
  // A retry of a file interrupted mid-import finds its imported lines in
  // the ledger and does not notify twice.
  std::set<int>& done_lines = answered_lines_[hash];
  const AnswerSource source{"file-drop", name, "", ""};
  std::vector<FileError> late;
  std::size_t notified = 0;
  for (const auto& [line, notification] : plan) {
    if (done_lines.count(line)) continue;
    auto receipt = sink_.Notify(config_.partner, notification, source);
    if (!receipt.ok()) {
      if (TransientFailure(receipt.status())) {
        LogWarn(
            "adapter_drop_import_interrupted",
            {{"partner", config_.partner}, {"file", name}, {"reason", receipt.status().reason()}});
        return;  // stays in place; the next round continues where this stopped
      }
      late.push_back({line, 0, "not imported: " + receipt.status().reason()});
      continue;
    }
    ++notified;
    done_lines.insert(line);
    Status ls = AppendLedger({{"hash", hash},
                              {"state", "answered"},
                              {"request", receipt->id},
                              {"line", line},
                              {"file", name}});
    if (!ls.ok()) LogError("adapter_drop_ledger_failed", {{"partner", config_.partner}});
  }
  Finish(name, ino, hash, late);
  LogInfo("adapter_drop_notifications", {{"partner", config_.partner},
                                         {"file", name},
                                         {"notifications", notified},
                                         {"skipped", late.size()}});
}

}  // namespace vh::adapters
