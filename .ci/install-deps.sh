#!/usr/bin/env bash
# Installs the Debian packages the network/JDBC tests need (database servers, JDBC drivers), and `time`
# (/usr/bin/time, with which test/robustness/large.test.ts measures peak memory).
# Idempotent: does nothing when everything is present. Never leaves system database services running:
# the tests start their own servers on free loopback ports.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in mariadb-server libpostgresql-jdbc-java libmariadb-java; do
  have_pkg "$p" || need+=("$p")
done
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ -x /usr/bin/time ] || need+=(time)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-deps: all present (mariadb-server libpostgresql-jdbc-java libmariadb-java postgresql-15 time)"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # policy-rc.d exit 101 tells invoke-rc.d not to start services the packages install.
  policy=/usr/sbin/policy-rc.d
  had_policy=0
  [ -e "$policy" ] && had_policy=1
  if [ $had_policy -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "install-deps: installed ${need[*]}"
fi

# A package may still have started a service (e.g. an init without policy-rc.d support): stop what
# this run installed, so the default ports stay free and no stray server answers the tests.
if [ ${#need[@]} -gt 0 ]; then
  for svc in mariadb mysql postgresql; do
    if command -v service >/dev/null 2>&1 && [ -e "/etc/init.d/$svc" ]; then
      service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
if command -v ss >/dev/null 2>&1 && ss -ltn 2>/dev/null | grep -Eq '[:.](3306|5432)\s'; then
  echo "install-deps: warning: something still listens on 3306 or 5432" >&2
fi
