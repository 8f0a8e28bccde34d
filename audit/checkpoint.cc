#include "audit/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/json.h"
#include "crypto/hex.h"

namespace vh::audit {

std::string SigningMessage(int64_t seq, const crypto::Hash& hash, std::string_view time) {
  std::string m = "vh-audit-checkpoint-v1\n";
  m += std::to_string(seq);
  m += '\n';
  m += crypto::ToHex(hash.data(), hash.size());
  m += '\n';
  m.append(time);
  return m;
}

Checkpoint SignCheckpoint(const crypto::SecretBytes& sign_secret, int64_t seq,
                          const crypto::Hash& hash, std::string time) {
  Checkpoint cp;
  cp.seq = seq;
  cp.hash = hash;
  cp.time = std::move(time);
  cp.signature = crypto::Sign(sign_secret, SigningMessage(seq, hash, cp.time));
  return cp;
}

bool CheckpointSignatureValid(const std::vector<uint8_t>& sign_public, const Checkpoint& cp) {
  return crypto::Verify(sign_public, SigningMessage(cp.seq, cp.hash, cp.time), cp.signature);
}

std::string CheckpointToLine(const Checkpoint& cp) {
  Json j = {{"seq", cp.seq},
            {"hash", crypto::ToHex(cp.hash.data(), cp.hash.size())},
            {"time", cp.time},
            {"sig", crypto::ToHex(cp.signature)}};
  return DumpJson(j);
}

Result<Checkpoint> CheckpointFromLine(std::string_view line) {
  auto bad = [] { return Status::InvalidArgument("bad_checkpoint", "not a checkpoint line"); };
  auto parsed = ParseJson(line);
  if (!parsed.ok() || !parsed->is_object()) return bad();
  const Json& j = *parsed;
  auto seq = j.find("seq");
  auto hash = j.find("hash");
  auto time = j.find("time");
  auto sig = j.find("sig");
  if (seq == j.end() || !seq->is_number_integer() || hash == j.end() || !hash->is_string() ||
      time == j.end() || !time->is_string() || sig == j.end() || !sig->is_string()) {
    return bad();
  }
  Checkpoint cp;
  cp.seq = seq->get<int64_t>();
  auto h = crypto::FromHex(hash->get<std::string>());
  auto s = crypto::FromHex(sig->get<std::string>());
  if (!h || h->size() != crypto::kHashBytes || !s) return bad();
  std::copy(h->begin(), h->end(), cp.hash.begin());
  cp.time = time->get<std::string>();
  cp.signature = std::move(*s);
  return cp;
}

Status AppendCheckpointFile(const std::string& path, const Checkpoint& cp, int64_t* bytes_written) {
  std::string line = CheckpointToLine(cp) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Status::Unavailable("audit_unavailable",
                               path + ": cannot open checkpoint file: " + std::strerror(errno));
  }
  std::size_t done = 0;
  bool ok = true;
  while (done < line.size()) {
    ssize_t w = ::write(fd, line.data() + done, line.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(w);
  }
  if (ok && ::fsync(fd) != 0) ok = false;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    return Status::Unavailable("audit_unavailable",
                               path + ": cannot write checkpoint file: " + std::strerror(saved));
  }
  if (bytes_written) *bytes_written = static_cast<int64_t>(line.size());
  return Status::Ok();
}

Result<CheckpointFileContents> ReadCheckpointFile(const std::string& path) {
  CheckpointFileContents out;
  // Missing is empty; decided by the open itself, not by a second look that
  // a writer creating the file in between would make a failure.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    return Status::Unavailable("audit_unavailable",
                               path + ": cannot read checkpoint file: " + std::strerror(errno));
  }
  std::string all;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return Status::Unavailable("audit_unavailable",
                                 path + ": cannot read checkpoint file: " + std::strerror(saved));
    }
    if (n == 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < all.size()) {
    std::size_t nl = all.find('\n', pos);
    ++line_no;
    if (nl == std::string::npos) {
      // No newline: a write torn by a crash (each line is written whole with
      // its newline, so only the last one can be incomplete).
      out.torn_tail = true;
      break;
    }
    std::string_view line(all.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    auto cp = CheckpointFromLine(line);
    if (!cp.ok()) {
      return Status::InvalidArgument(
          "bad_checkpoint", path + ": line " + std::to_string(line_no) + ": not a checkpoint");
    }
    out.checkpoints.push_back(std::move(*cp));
  }
  return out;
}

}  // namespace vh::audit
