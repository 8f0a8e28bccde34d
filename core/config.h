#pragma once
// The gateway configuration file (examples/gateway.json).
//
// Keys (docs/schemas/gateway-config.schema.json): listen ("host:port"), metrics_listen,
// policy (covenant file), data_dir, keys_dir, tls {cert, key, client_ca, crl}.
// Optional: threads (0 = one per core), audit {checkpoint_every,
// checkpoint_seconds, store_passphrase_file}, retention {sweep_seconds}, limits {read_timeout_ms,
// write_timeout_ms, handshake_timeout_ms, max_connections, max_connections_per_address,
// handler_threads}, adapters (owned by
// adapters/, kept here as raw JSON), console_dir (the web console's files;
// gateway/console_assets.h says where they are found without it), log
// {level} (debug|info|warn|error, default info: core/log.h), comment
// and $schema (both ignored). docs/schemas/gateway-config.schema.json
// describes every key.
// Relative paths are resolved against the configuration file's directory.
//
// LoadConfig returns InvalidArgument naming the file, the key and the problem
// ("examples/gateway.json: /tls/crl: missing"; a syntax error as
// "examples/gateway.json:12:5: unexpected string literal; expected ',' or '}'");
// it stops at the first problem and checks shapes, not whether the files
// exist (the module that opens a file names it when it cannot).
// gateway/config_check.h lists every problem, files included.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/status.h"

namespace vh {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

struct TlsConfig {
  std::string cert, key, client_ca, crl;
};

struct Config {
  std::string file;  // as given
  std::string dir;   // its directory, absolute
  HostPort listen;
  HostPort metrics_listen;
  std::string policy;
  std::string data_dir;
  std::string keys_dir;
  TlsConfig tls;
  int threads = 0;
  int audit_checkpoint_every = 1000;
  int audit_checkpoint_seconds = 60;
  int retention_sweep_seconds = 3600;
  // limits {read_timeout_ms, write_timeout_ms, handshake_timeout_ms, max_connections,
  // max_connections_per_address, handler_threads}; defaults in core/limits.h.
  int read_timeout_ms = 0;               // 0: limits::kReadTimeout
  int write_timeout_ms = 0;              // 0: limits::kWriteTimeout
  int handshake_timeout_ms = 0;          // 0: limits::kHandshakeTimeout
  int max_connections = 0;               // 0: limits::kMaxConnections
  int max_connections_per_address = 0;   // 0: limits::kMaxConnectionsPerAddress
  int handler_threads = 0;               // 0: limits::kHandlerThreads
  std::string console_dir;               // "" = the default (gateway/console_assets.h)
  LogLevel log_level = LogLevel::kInfo;  // log {level}
  Json adapters = Json::array();
  Json raw;  // the whole document, for modules that own further sections
};

Result<Config> LoadConfig(const std::string& path);
// The keys LoadConfig accepts in one object: section "" (the top level),
// "tls", "audit", "retention", "limits" or "log"; empty for any other section.
// tests/core/config_schema_test.cc holds them and the schema in step.
const std::vector<std::string>& ConfigKeys(std::string_view section);
Result<HostPort> ParseHostPort(const std::string& s);
// The data directory as the gateway keeps it: created 0700 when missing;
// group and other permissions taken off it and off the files and
// directories in it (audit.db and its WAL, the case store, the checkpoint
// file, adapters/ and its ledgers), since they are the gateway's alone. One
// log line names each path it tightened (and its old mode). Unavailable
// naming data_dir when it cannot be created or is not a directory; a
// symbolic link is not followed inside it.
Status SecureDataDir(const std::string& data_dir);
// Reads a whole file; NotFound/Unavailable naming the path on failure.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

}  // namespace vh
