#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what it
# needs, builds, then runs the unit tests, the tests against real PostgreSQL
# and the scenarios in a real 3-node Pacemaker lab cluster (npm test); then the
# same checkout in a Debian 13 root (scripts/test-matrix.sh, docs/platforms.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
prepare_pgha

# The Debian 13 root is built (or found cached) while the host suite runs, at a
# lower priority: a cold build is mostly dpkg unpacking (about 10 minutes).
root_log="$(mktemp /tmp/pgha-debian13-root.XXXXXX.log)"
nice -n 10 ionice -c 2 -n 7 scripts/debian-root.sh build trixie /var/cache/pgha/roots/trixie >"$root_log" 2>&1 &
root_build=$!

npm test

if ! wait "$root_build"; then
  cat "$root_log" >&2
  exit 1
fi
rm -f "$root_log"
# Every stage (docs/platforms.md): Debian 13 with PostgreSQL 17 and Pacemaker 3.0.
scripts/test-matrix.sh --suite trixie --stages build,unit,pg,lab,deb
