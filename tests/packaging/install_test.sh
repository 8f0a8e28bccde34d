#!/usr/bin/env bash
# `make install`'s rules (cmake --install) into a temporary DESTDIR: the files
# land where docs/operations.md says, the unit names the installed binary, and
# `systemd-analyze verify` accepts the unit without a word.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build="$1"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
fail=0
check() {  # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    fail=1
  fi
}

DESTDIR="$root" cmake --install "$build" --prefix /usr/local >"$root.log" 2>&1 ||
  { cat "$root.log"; echo "FAIL cmake --install"; exit 1; }
rm -f "$root.log"
p="$root/usr/local"
check "bin/vhgate is executable" test -x "$p/bin/vhgate"
check "the installed binary runs" "$p/bin/vhgate" --version
# The web console's static files (console/ in the tree), under both prefixes.
console_files="share/vhgate/console/index.html share/vhgate/console/js/main.js"
for f in lib/systemd/system/vhgate.service lib/sysusers.d/vhgate.conf $console_files \
  share/vhgate/examples/gateway.json share/vhgate/examples/convenant.json \
  share/vhgate/schemas/gateway-config.schema.json share/vhgate/schemas/covenant.schema.json \
  share/doc/vhgate/operations.md share/doc/vhgate/covenant-format.md share/doc/vhgate/api.md \
  share/doc/vhgate/audit-events.md share/doc/vhgate/openapi.json; do
  check "$f" test -s "$p/$f"
done

unit="$p/lib/systemd/system/vhgate.service"
for line in 'User=vhgate' 'ExecStart=/usr/local/bin/vhgate serve --config /etc/vhgate/gateway.json' \
  'ExecReload=/bin/kill -HUP $MAINPID' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
  'ReadWritePaths=/var/lib/vhgate' 'PrivateTmp=yes' 'CapabilityBoundingSet=' 'ProtectHome=yes' \
  'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' 'ProtectKernelLogs=yes' \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
  'LockPersonality=yes' 'MemoryDenyWriteExecute=yes' 'UMask=0077' 'StateDirectory=vhgate vhgate/data vhgate/keys' \
  'ConfigurationDirectory=vhgate'; do
  check "unit: $line" grep -qxF "$line" "$unit"
done
check "sysusers.d names the user vhgate" grep -q '^u vhgate ' "$p/lib/sysusers.d/vhgate.conf"
if command -v systemd-sysusers >/dev/null; then  # applied to the temporary root's /etc
  mkdir -p "$root/etc"
  systemd-sysusers --root="$root" "$p/lib/sysusers.d/vhgate.conf" >/dev/null 2>&1 || true
  check "systemd-sysusers creates the user vhgate" grep -q '^vhgate:.*:/var/lib/vhgate:' \
    "$root/etc/passwd"
fi

# The template is a configuration the schema accepts: config check names only
# files it cannot find on this machine, never a key or a value.
out="$("$p/bin/vhgate" config check --config "$p/share/vhgate/examples/gateway.json" 2>/dev/null || true)"
if grep -E ': /[a-z_/0-9]*: (unknown key|missing$|expected)' <<<"$out"; then
  echo "FAIL the installed gateway.json template against the schema"
  fail=1
else
  echo "ok   the installed gateway.json template against the schema"
fi

# systemd-analyze verify in the DESTDIR as root: it loads the unit's
# dependencies (sysinit.target, ...) and checks the commands it names there,
# so the root gets this machine's system units and /bin/kill. Any word from it
# (an unknown key, a value it ignores) fails the test.
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$root/usr/lib/systemd" "$root/bin"
  cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp "$(type -P kill)" "$root/bin/kill"
  if words="$(systemd-analyze verify --root="$root" vhgate.service 2>&1)" && [ -z "$words" ]; then
    echo "ok   systemd-analyze verify vhgate.service"
  else
    echo "FAIL systemd-analyze verify vhgate.service:"
    echo "$words"
    fail=1
  fi
else
  echo "FAIL systemd-analyze not found (scripts/install-deps.sh installs systemd)"
  fail=1
fi

# Another prefix: the unit follows it.
other="$(mktemp -d)"
DESTDIR="$other" cmake --install "$build" --prefix /opt/vhgate >/dev/null 2>&1
check "PREFIX=/opt/vhgate: the unit runs /opt/vhgate/bin/vhgate" \
  grep -qxF 'ExecStart=/opt/vhgate/bin/vhgate serve --config /etc/vhgate/gateway.json' \
  "$other/opt/vhgate/lib/systemd/system/vhgate.service"
for f in $console_files; do
  check "PREFIX=/opt/vhgate: console: /opt/vhgate/$f installed" test -s "$other/opt/vhgate/$f"
done
rm -rf "$other"
exit $fail
