#pragma once
// DropDir: the directory of a file-drop adapter, which the partner can write
// (adapters/file_drop_adapter.h). Nothing in it is taken by path: the
// directory, `done/` and `rejected/` are opened once (Open), and every
// operation after goes relative to those descriptors, so that a symbolic
// link, FIFO or device the partner plants or swaps in is never followed,
// read from or written through.
//
//   - Open creates dir (0750), done/ and rejected/ (0750) when missing;
//     done/ and rejected/ must be directories, not symbolic links. The
//     configured path itself may be a link the operator made.
//   - List and Stat see regular files only (lstat semantics).
//   - Read opens O_NOFOLLOW|O_NONBLOCK, checks with fstat that it has a
//     regular file and reads from that descriptor, never more than `max`
//     bytes (+1 to tell that there is more).
//   - MoveTo moves a file only while its name still refers to the inode that
//     was read, and never over another file (RENAME_NOREPLACE; a taken name
//     gets a time stamp).
//   - WriteReport creates the report under a temporary name with
//     O_CREAT|O_EXCL|O_NOFOLLOW (mode 0640), after unlinking whatever had
//     that name, and renames it into place: a link the partner planted by
//     either name is replaced, never written through.
//
// Errors: Open returns Unavailable naming the directory; the others return
// their outcome and leave logging to the caller. Not thread-safe (one
// adapter thread).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace vh::adapters {

class DropDir {
 public:
  static Result<std::unique_ptr<DropDir>> Open(const std::string& dir);
  ~DropDir();
  DropDir(const DropDir&) = delete;
  DropDir& operator=(const DropDir&) = delete;

  struct Entry {
    std::string name;
    uintmax_t size = 0;
    int64_t mtime_ns = 0;
  };
  // The regular files directly in the directory whose name `want` accepts,
  // sorted by name; false when the directory cannot be read.
  bool List(const std::function<bool(const std::string&)>& want, std::vector<Entry>* out) const;
  // `name` when it is a regular file.
  std::optional<Entry> Stat(const std::string& name) const;

  struct Contents {
    enum Outcome { kOk, kGone, kTooLarge } outcome = kGone;  // kGone: missing, a link, not regular
    std::string text;
    uint64_t ino = 0;  // of the file read (also for kTooLarge)
  };
  Contents Read(const std::string& name, std::size_t max) const;

  enum class Sub { kDone, kRejected };
  // The name the file has in `to` now; "" when it was not moved (*why says
  // "replaced" when the name no longer is inode `ino`, else the error).
  std::string MoveTo(const std::string& name, uint64_t ino, Sub to, std::string* why);
  bool WriteReport(Sub in, const std::string& name, const std::string& text);

 private:
  DropDir() = default;
  int Fd(Sub s) const { return s == Sub::kDone ? done_fd_ : rejected_fd_; }
  int dir_fd_ = -1, done_fd_ = -1, rejected_fd_ = -1;
};

}  // namespace vh::adapters
