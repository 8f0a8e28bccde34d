#pragma once
// AdapterConfig: one entry of the "adapters" array of gateway.json, checked.
//
// Shapes (documented for partners in adapters/README.md):
//   {"partner": "politie", "kind": "https-pull",
//    "url": "https://host:port/path", "ca": "ca.crt", "cert": "client.crt",
//    "key": "client.key", "server_fingerprint": "<sha-256 hex>" (optional),
//    "mapping": {"their_name": "covenant.field"},
//    "connect_timeout_ms": 2000, "timeout_ms": 3000, "retries": 3,
//    "backoff_ms": 250, "interval_seconds": 5, "max_backoff_seconds": 300,
//    "max_requests_per_round": 100}
//   {"partner": "gemeente-leiden", "kind": "file-drop", "dir": "drop/leiden",
//    "format": "csv" | "json", "delimiter": "," | ";", "match": "persoon.bsn",
//    "mapping": {...}, "ignore_columns": [...], "settle_seconds": 2,
//    "poll_seconds": 2, "max_file_bytes": 10485760,
//    "mode": "answers" | "notifications"}
// Relative paths are resolved against `base_dir` (the configuration file's
// directory). Unknown keys are errors (a typo must not silently disable a
// timeout).
//
// ParseAdapterConfigs returns InvalidArgument (reason "bad_config") whose
// message names the configuration file, the JSON path and the problem:
//   "examples/gateway.json: /adapters/1/format: expected \"csv\" or \"json\"".
// It checks shapes, not whether files exist; the adapters name a missing
// file when they start.

#include <string>
#include <vector>

#include "adapters/field_mapping.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::adapters {

enum class AdapterKind { kHttpsPull, kFileDrop };
enum class DropFormat { kCsv, kJson };
// What a file-drop's rows are: answers to information requests, or
// notifications (adapters/file_drop_notifications.cc).
enum class DropMode { kAnswers, kNotifications };

struct PullSettings {
  std::string url;
  std::string ca;    // PEM bundle that must verify the partner's server certificate
  std::string cert;  // the gateway's client certificate towards the partner
  std::string key;
  // The partner's server identity, checked in the handshake before anything
  // is sent: the SHA-256 fingerprint of its certificate (hex, lower case;
  // colons allowed in the file) when given, else the certificate's subject O
  // must be the partner id.
  std::string server_fingerprint;
  int connect_timeout_ms = 2000;
  int timeout_ms = 3000;          // whole exchange (connect, send, wait, read)
  int retries = 3;                // further attempts after the first, per round
  int backoff_ms = 250;           // first pause between attempts; doubles each time
  int interval_seconds = 5;       // pause between polling rounds
  int max_backoff_seconds = 300;  // cap for a failing request's pause between rounds
  int max_requests_per_round = 100;
};

struct DropSettings {
  std::string dir;
  DropFormat format = DropFormat::kCsv;
  char delimiter = ',';
  std::string match = "persoon.bsn";  // identity field that rows are matched on
  std::vector<std::string> ignore_columns;
  int settle_seconds = 2;  // a file must be unchanged this long before it is read
  int poll_seconds = 2;
  long long max_file_bytes = 10LL << 20;
  DropMode mode = DropMode::kAnswers;
};

struct AdapterConfig {
  std::string partner;
  AdapterKind kind = AdapterKind::kHttpsPull;
  std::string pointer;  // "/adapters/<i>", for messages
  FieldMapping mapping;
  PullSettings pull;  // kHttpsPull
  DropSettings drop;  // kFileDrop
};

Result<std::vector<AdapterConfig>> ParseAdapterConfigs(const Json& adapters,
                                                       const std::string& config_file,
                                                       const std::string& base_dir);

}  // namespace vh::adapters
