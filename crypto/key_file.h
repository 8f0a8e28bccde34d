#pragma once
// Key files: one key as hex text in a file of mode 0600 inside a directory of
// mode 0700 (docs/operations.md "Keys").
//
// LoadKeyFile refuses (FailedPrecondition-like Unavailable with reason
// "key_file") a file that is missing, unreadable, readable or writable by
// group or others, not hex, or of the wrong length; the message names the
// file and the problem, never the content. The key is wiped from every
// intermediate buffer.
// WriteKeyFile creates the file with O_EXCL and mode 0600; it refuses to
// overwrite.
//
// ReadSecretFile is the one reader of secret files (key files, the audit
// store's passphrase file): it opens without following a symlink
// (O_NOFOLLOW), and refuses a file that is not a regular file, is owned by
// another user than this process's (root excepted), is readable or writable
// by group or others, or is longer than `max_bytes`. Errors: Unavailable
// with reason "key_file", naming the file and the problem, never the content.
// The content comes back in SecretBytes; the read buffer is wiped.
//
// Thread-safety: free functions, no shared state.

#include <cstddef>
#include <string>

#include "core/status.h"
#include "crypto/secret_bytes.h"

namespace vh::crypto {

Result<SecretBytes> ReadSecretFile(const std::string& path, std::size_t max_bytes);
// A key file (hex text, surrounding whitespace allowed) of exactly
// `expected_len` bytes, read with ReadSecretFile.
Result<SecretBytes> LoadKeyFile(const std::string& path, std::size_t expected_len);
Status WriteKeyFile(const std::string& path, const SecretBytes& key);
// Writes non-secret material (a public key) as hex text, mode 0644.
Status WritePublicFile(const std::string& path, const uint8_t* p, std::size_t n);
// Creates dir (and parents) with mode 0700 when missing; refuses a dir that
// group or others can access.
Status EnsurePrivateDir(const std::string& dir);

}  // namespace vh::crypto
