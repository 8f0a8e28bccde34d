#pragma once
// CheckConfigFile: every problem of a gateway configuration and of what it
// names, for `vhgate config check` and the start of `vhgate serve`. It binds
// no port, creates no file or directory and opens no store; it reads the
// configuration, the covenant, the TLS files and the key files (key material
// stays in wiped buffers and is never printed).
//
// In this order, each step's problems all listed:
//   1. the file reads and is JSON: a syntax error is ONE line
//      "gateway.json:12:5: unexpected string literal; expected ',' or '}'"
//      and ends the check;
//   2. its structure against docs/schemas/gateway-config.schema.json
//      (json_schema.h): "gateway.json: /tls/x: unknown key",
//      "gateway.json: /threads: expected an integer from 0 to 1000000000";
//   3. the values the schema cannot judge: "gateway.json: /listen: port out
//      of range" (and a host that is not an IP address or localhost); the adapters' own checks
//      (adapters/adapter_config.h);
//   4. the files it names: TLS ("gateway.json: tls.crl /x/crl.pem: cannot
//      read: No such file or directory"; a private key readable by others;
//      then, when all four read, whether they make a TLS context:
//      gateway/tls_context.h); keys_dir (missing, or open to group/others)
//      and every key file the gateway needs ("…: /keys_dir: /k/case-store.key:
//      missing (`vhgate keys init --config gateway.json` creates it)", or the
//      key file's own problem: mode, owner, length); the audit passphrase file
//      when one is configured; data_dir (a directory the process can write, or
//      creatable); the adapters' certificates and keys, and their drop folders;
//   5. the covenant: a syntax error as in 1 ("convenant.json:3:1: …"), else
//      the loader's lines (policy/loader.h: "convenant.json: /partners/2/id:
//      …"), all of them; with a covenant, each adapter's partner, mapping
//      targets and match field must be in it.
// A problem found by two steps is listed once.
//
// Thread-safety: a free function; it reads files and the process's
// environment (VH_AUDIT_PASSPHRASE_FILE).

#include <string>
#include <vector>

namespace vh::gw {

struct ConfigCheckResult {
  std::vector<std::string> problems;  // one line each; empty when clean
  // What was checked, for the one `ok` line: "configuration examples/gateway.json,
  // covenant vh-hollands-midden 2016.2 (12 partners), 4 TLS files, 5 key files,
  // 2 adapters".
  std::string summary;
};

ConfigCheckResult CheckConfigFile(const std::string& path);

}  // namespace vh::gw
