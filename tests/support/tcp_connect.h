#pragma once
// A plain TCP connection to the gateway on 127.0.0.1 from a chosen source
// address (127.0.0.x, so that tests can play several clients), for the tests
// that speak TLS by hand or send nothing at all (floods, slow clients).
// Header only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace vh::testing {

struct TcpOptions {
  std::string source = "127.0.0.1";
  bool nodelay = false;                  // else Nagle stays on, as by default
  std::chrono::milliseconds timeout{0};  // SO_RCVTIMEO/SO_SNDTIMEO; 0: none
};

// The connected socket, or -1.
inline int TcpConnect(int port, const TcpOptions& o = {}) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, o.source.c_str(), &src.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src);
  int one = 1;
  if (o.nodelay) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (o.timeout.count() > 0) {
    timeval tv{};
    tv.tv_sec = static_cast<long>(o.timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((o.timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace vh::testing
