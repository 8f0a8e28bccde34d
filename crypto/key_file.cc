#include "crypto/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/hex.h"

namespace vh::crypto {
namespace {
Status KeyError(const std::string& path, const std::string& why) {
  return Status::Unavailable("key_file", path + ": " + why);
}
}  // namespace

Result<SecretBytes> ReadSecretFile(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return KeyError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  const char* refused = nullptr;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    refused = "not a regular file";
  } else if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    refused = "owned by another user (chown it to the gateway's user)";
  } else if ((st.st_mode & 077) != 0) {
    refused = "readable or writable by group or others (chmod 600)";
  }
  if (refused != nullptr) {
    ::close(fd);
    return KeyError(path, refused);
  }
  // One byte more than allowed, to tell a file at the limit from a longer one.
  SecretBytes buf(max_bytes + 1);
  std::size_t len = 0;
  bool read_failed = false;
  while (len < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) read_failed = true;
    if (n <= 0) break;
    len += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (read_failed) return KeyError(path, "cannot read");
  if (len > max_bytes) {
    return KeyError(path, "longer than " + std::to_string(max_bytes) + " bytes");
  }
  return SecretBytes(buf.data(), len);
}

Result<SecretBytes> LoadKeyFile(const std::string& path, std::size_t expected_len) {
  auto text = ReadSecretFile(path, 4096);
  if (!text.ok()) return text.status();
  std::string_view hex(reinterpret_cast<const char*>(text->data()), text->size());
  auto bin = FromHex(hex);
  if (!bin) return KeyError(path, "not hex text");
  SecretBytes key(bin->data(), bin->size());
  sodium_memzero(bin->data(), bin->size());
  if (key.size() != expected_len) {
    return KeyError(path, "expected " + std::to_string(expected_len) + " bytes, found " +
                              std::to_string(key.size()));
  }
  return key;
}

static Status WriteHex(const std::string& path, const uint8_t* p, std::size_t n, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return KeyError(path, std::string("cannot create: ") + std::strerror(errno));
  SecretBytes hex(n * 2 + 2);
  sodium_bin2hex(reinterpret_cast<char*>(hex.data()), n * 2 + 1, p, n);
  hex.data()[n * 2] = '\n';
  std::size_t want = n * 2 + 1;
  std::size_t done = 0;
  while (done < want) {
    ssize_t w = ::write(fd, hex.data() + done, want - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += static_cast<std::size_t>(w);
  }
  bool ok = done == want && ::fsync(fd) == 0;
  ::fchmod(fd, mode);
  ::close(fd);
  if (!ok) return KeyError(path, "cannot write");
  return Status::Ok();
}

Status WriteKeyFile(const std::string& path, const SecretBytes& key) {
  return WriteHex(path, key.data(), key.size(), 0600);
}

Status WritePublicFile(const std::string& path, const uint8_t* p, std::size_t n) {
  return WriteHex(path, p, n, 0644);
}

Status EnsurePrivateDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return KeyError(dir, "cannot create directory: " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return KeyError(dir, "not a directory");
  if ((st.st_mode & 077) != 0) {
    return KeyError(dir, "accessible by group or others (chmod 700)");
  }
  return Status::Ok();
}

}  // namespace vh::crypto
