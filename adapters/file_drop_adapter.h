#pragma once
// FileDropAdapter: answer files a partner's system writes into a directory.
//
// The directory `dir` belongs to one partner. Each round the adapter looks at
// the regular files directly in it whose name does not start with '.' and
// ends in ".csv" or ".json" (the configured format); other names, such as
// "export.csv.tmp", are left alone, so a partner writes a file under another
// name and renames it when complete. A file is only read once its size and
// modification time have not changed for `settle_seconds` (seen over two
// rounds when settle_seconds > 0).
//
// A file is read, mapped and validated as a whole before anything is
// imported. Rows identify the request by a column mapped to "@request"
// (the gateway's request id) or by a column mapped to the `match` identity
// field (default persoon.bsn): the row then answers every open request of
// this partner whose identity has that value. Every row must match an open
// request, every value must fit its covenant field type (CSV text is
// converted: booleans ja/nee/true/false/1/0, integers, dates YYYY-MM-DD or
// DD-MM-YYYY, enum values), and no request may be answered twice in one
// file. Any problem moves the file to `rejected/` with `<name>.error.txt`
// beside it listing each problem by line and column (never the values);
// nothing of it is imported. A valid file is imported row by row through
// AnswerSink::Answer (the exchange withholds and audits what the partner may
// not supply) and moved to `done/`.
//
// The SHA-256 of every imported file is kept in a ledger
// (<state_dir>/file-drop-<partner>.ledger, JSON lines, fsynced): the same
// content dropped again, under any name, is moved to `rejected/` with an
// error file naming the earlier import, and not imported twice. If the
// gateway cannot store an answer mid-file (a transient failure), the file
// stays where it is and the ledger remembers which requests were answered,
// so the next round completes it without answering any request twice.
//
// The partner can write `dir`, so nothing in it is taken by path
// (adapters/drop_dir.h): only regular files are listed and read, from a
// descriptor opened without following a link and with a bound; reports
// (`rejected/<name>.error.txt`, `done/<name>.warnings.txt`, mode 0640) are
// created anew and renamed into place, never written through a link the
// partner planted; a file is moved only while its name is still the file
// that was read. A report is one line per problem: what came from the file
// (a column name) cannot break a line. Created directories are 0750 (give
// the partner write access to `dir` yourself); the state directory 0700 and
// the ledger 0600.
// With "mode": "notifications" every row is a notification instead (a DJI
// detention notice; adapters/README.md): the same reading, the same all or
// nothing, the same ledger and folders (ImportNotifications).
//
// Thread-safety: RunOnce runs on one thread at a time.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/adapter_config.h"
#include "adapters/adapter_metrics.h"
#include "adapters/answer_sink.h"
#include "adapters/csv_reader.h"
#include "adapters/drop_dir.h"

namespace vh::adapters {

class FileDropAdapter final : public Adapter {
 public:
  // Creates dir, dir/done and dir/rejected when missing (DropDir::Open),
  // and loads the ledger from `state_dir` (created 0700 when missing). Fails naming the config
  // path and directory when one cannot be created or the ledger read.
  // `sink` and `metrics` are borrowed and must outlive the adapter.
  static Result<std::unique_ptr<FileDropAdapter>> Create(const AdapterConfig& config,
                                                         const std::string& state_dir,
                                                         AnswerSink& sink, AdapterMetrics& metrics);

  const std::string& partner() const override { return config_.partner; }
  std::string_view kind() const override { return "file-drop"; }
  std::chrono::milliseconds interval() const override;
  void RunOnce(const StopSignal& stop) override;

 private:
  struct Cell {
    std::string name;  // the partner's column / member name
    Json value;        // string for CSV; as written for JSON
    int column = 0;
  };
  struct Row {
    int line = 0;
    int column = 0;
    std::vector<Cell> cells;
  };
  struct Planned {
    int line = 0;
    std::string request;
    exchange::AnswerRequest answer;
  };
  struct LedgerEntry {
    std::string file;
    std::string at;
  };

  FileDropAdapter(const AdapterConfig& config, std::unique_ptr<DropDir> dir,
                  std::string ledger_path, AnswerSink& sink, AdapterMetrics& metrics);
  Status LoadLedger();
  Status AppendLedger(const Json& entry);
  bool Settled(const DropDir::Entry& file);
  void ProcessFile(const std::string& name);
  // Reads rows of the file as {their name: value} with their line/column.
  bool ReadRows(const std::string& text, std::vector<Row>* rows,
                std::vector<FileError>* errors) const;
  bool Plan(const std::vector<Row>& rows, const std::string& hash, std::vector<Planned>* plan,
            std::vector<FileError>* errors);
  // Moves `name` (the file of inode `ino`) to rejected/ with its report.
  void Reject(const std::string& name, uint64_t ino, const std::vector<FileError>& errors,
              std::string_view outcome);
  // Its name in `to` ("" when not moved; logged).
  std::string MoveTo(const std::string& name, uint64_t ino, DropDir::Sub to);
  // After every row of a file went in: the ledger's "imported", the file to
  // done/ with its warnings report (rows that changed since the plan), the
  // files metric.
  void Finish(const std::string& name, uint64_t ino, const std::string& hash,
              const std::vector<FileError>& late);
  // A notifications file-drop (DropMode::kNotifications;
  // adapters/file_drop_notifications.cc): every row one notification through
  // AnswerSink::Notify, the file checked whole first (AnswerSink::
  // CheckNotification), all or nothing, the ledger as for answers.
  void ImportNotifications(const std::string& name, uint64_t ino, const std::string& hash,
                           const std::string& text);
  bool PlanNotifications(const std::vector<Row>& rows, const std::string& name,
                         std::vector<std::pair<int, exchange::Notify>>* plan,
                         std::vector<FileError>* errors);

  AdapterConfig config_;
  std::unique_ptr<DropDir> dir_;
  std::string ledger_path_;
  AnswerSink& sink_;
  AdapterMetrics& metrics_;
  std::map<std::string, LedgerEntry> imported_;                // by content hash
  std::map<std::string, std::set<std::string>> answered_;      // hash -> request ids
  std::map<std::string, std::set<int>> answered_lines_;        // hash -> lines with an answer
  std::map<std::string, std::pair<uintmax_t, int64_t>> seen_;  // name -> size, mtime (ns)
};

}  // namespace vh::adapters
