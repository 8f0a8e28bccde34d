#pragma once
// Names the calling thread (at most 15 characters), so that an operator
// reading `top -H` or a stack dump sees which of the gateway's threads is
// busy: the I/O threads (the main thread keeps the process's name, the
// others are vh-io-N), vh-audit-write, vh-audit-sync, vh-audit-wal,
// vh-retention, vh-adapter.

#include <pthread.h>

namespace vh {

inline void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace vh
