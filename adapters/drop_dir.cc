#include "adapters/drop_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "core/clock.h"

namespace vh::adapters {
namespace {

namespace fs = std::filesystem;

// A subdirectory of `parent_fd`, created 0750 when missing, opened without
// following a symbolic link; -1 (errno set) when it is not a directory.
int OpenSubdir(int parent_fd, const char* name) {
  const bool created = ::mkdirat(parent_fd, name, 0750) == 0;
  if (!created && errno != EEXIST) return -1;
  int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && created) ::fchmod(fd, 0750);  // whatever the umask: the partner reads reports
  return fd;
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

Result<std::unique_ptr<DropDir>> DropDir::Open(const std::string& dir) {
  std::unique_ptr<DropDir> d(new DropDir());
  auto cannot = [](const std::string& path) {
    return Status::Unavailable(
        "bad_config", path + ": cannot create or open directory (" + std::strerror(errno) + ")");
  };
  fs::path p(dir);
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  const bool created = ::mkdir(dir.c_str(), 0750) == 0;
  if (!created && errno != EEXIST) return cannot(dir);
  d->dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d->dir_fd_ < 0) return cannot(dir);
  if (created) ::fchmod(d->dir_fd_, 0750);
  d->done_fd_ = OpenSubdir(d->dir_fd_, "done");
  if (d->done_fd_ < 0) return cannot((p / "done").string());
  d->rejected_fd_ = OpenSubdir(d->dir_fd_, "rejected");
  if (d->rejected_fd_ < 0) return cannot((p / "rejected").string());
  return d;
}

DropDir::~DropDir() {
  for (int fd : {dir_fd_, done_fd_, rejected_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool DropDir::List(const std::function<bool(const std::string&)>& want,
                   std::vector<Entry>* out) const {
  int listing = ::dup(dir_fd_);
  DIR* d = listing < 0 ? nullptr : ::fdopendir(listing);
  if (d == nullptr) {
    if (listing >= 0) ::close(listing);
    return false;
  }
  ::rewinddir(d);  // the duplicate shares its offset with earlier listings
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || !want(name)) continue;
    if (auto entry = Stat(name)) out->push_back(std::move(*entry));
  }
  ::closedir(d);
  std::sort(out->begin(), out->end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return true;
}

std::optional<DropDir::Entry> DropDir::Stat(const std::string& name) const {
  struct stat st {};
  if (::fstatat(dir_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return Entry{name, static_cast<uintmax_t>(st.st_size), MtimeNs(st)};
}

DropDir::Contents DropDir::Read(const std::string& name, std::size_t max) const {
  Contents c;
  int fd =
      ::openat(dir_fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return c;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return c;
  }
  c.ino = static_cast<uint64_t>(st.st_ino);
  if (static_cast<uintmax_t>(st.st_size) > max) {
    ::close(fd);
    c.outcome = Contents::kTooLarge;
    return c;
  }
  // The size may change while it is read: never more than max + 1 bytes.
  std::string& text = c.text;
  text.resize(std::min<std::size_t>(max, static_cast<std::size_t>(st.st_size)) + 1);
  std::size_t got = 0;
  bool ok = true;
  for (;;) {
    if (got == text.size()) {
      if (got > max) break;
      text.resize(std::min(max + 1, text.size() * 2));
    }
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!ok) {
    text.clear();
    return c;
  }
  text.resize(std::min(got, max));
  c.outcome = got > max ? Contents::kTooLarge : Contents::kOk;
  if (c.outcome == Contents::kTooLarge) text.clear();
  return c;
}

std::string DropDir::MoveTo(const std::string& name, uint64_t ino, Sub to, std::string* why) {
  struct stat st {};
  if (::fstatat(dir_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      static_cast<uint64_t>(st.st_ino) != ino) {
    *why = "replaced";
    return "";
  }
  std::string target = name;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::renameat2(dir_fd_, name.c_str(), Fd(to), target.c_str(), RENAME_NOREPLACE) == 0) {
      return target;
    }
    if (errno != EEXIST) break;
    std::string stamp = FormatUtc(std::chrono::system_clock::now());
    for (char& ch : stamp) {
      if (ch == ':') ch = '-';
    }
    fs::path p(name);
    target = p.stem().string() + "." + stamp + p.extension().string();
  }
  *why = std::strerror(errno);
  return "";
}

bool DropDir::WriteReport(Sub in, const std::string& name, const std::string& text) {
  const int dir_fd = Fd(in);
  const std::string tmp = "." + name + ".tmp";
  ::unlinkat(dir_fd, tmp.c_str(), 0);
  int fd =
      ::openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0640) == 0;  // the partner reads it, whatever the umask
  const char* p = text.data();
  std::size_t left = text.size();
  while (ok && left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) {
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  if (ok && ::renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) == 0) return true;
  ::unlinkat(dir_fd, tmp.c_str(), 0);
  return false;
}

}  // namespace vh::adapters
