#!/usr/bin/env bash
# pgha's tests on another Debian suite, in a root built from Debian's own packages
# (scripts/debian-root.sh): the platform matrix of docs/platforms.md beyond the host.
#
#   scripts/test-matrix.sh [--suite SUITE] [--stages LIST]
#
# SUITE is a Debian suite (trixie by default). LIST is a comma-separated choice of
# these stages, run in this order (all by default):
#   build  npm ci and the build with the suite's nodejs and npm (the typecheck is the host's)
#   unit   the unit tests
#   pg     the tests against real PostgreSQL (the suite's version)
#   lab    the main lab scenarios against the suite's Pacemaker: postmaster kill,
#          node crash and rejoin, switchover, synchronous quorum
#   deb    the .deb (built on the host: it is arch all) installs with apt, and
#          pcs resource describe / crm ra info render the agent
# The root is cached in $PGHA_ROOT_CACHE/SUITE (/var/cache/pgha/roots by default) and
# rebuilt when its package list changes. The checkout is copied in afresh each run
# (DIR/work/pgha-run-PID, removed at the end).
# The root shares the host's network namespace, so the pg and lab stages take the
# host's locks, and the lab stage must run when no host lab is up.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

suite=trixie
stages=build,unit,pg,lab,deb
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite="${2:?--suite needs a value}"; shift 2 ;;
    --stages) stages="${2:?--stages needs a value}"; shift 2 ;;
    *) echo "usage: $0 [--suite SUITE] [--stages build,unit,pg,lab,deb]" >&2; exit 2 ;;
  esac
done
for stage in ${stages//,/ }; do
  case "$stage" in build|unit|pg|lab|deb) ;; *) echo "test-matrix: unknown stage '$stage'" >&2; exit 2 ;; esac
done
wants() { [[ ",$stages," == *",$1,"* ]]; }

root="${PGHA_ROOT:-${PGHA_ROOT_CACHE:-/var/cache/pgha/roots}/$suite}"
# One checkout per run, so that two runs on one machine do not share it.
inside="/work/pgha-run-$$"
# The lab scenarios that stand for the platform (the host suite runs them all).
LAB_FILES=(test/cluster/scenarios.test.ts test/cluster/sync.test.ts)
LAB_TESTS='^(1\. kill -9 of the primary postmaster|2\. the primary node crashes|4\. planned switchover|quorum with sync_count=2)'

step() { echo "test-matrix[$suite]: $*" >&2; }
timed() {
  local name="$1" start=$SECONDS; shift
  step "$name"
  "$@"
  step "$name: passed in $((SECONDS - start)) s"
}
in_root() { scripts/debian-root.sh enter "$root" -- "$@"; }
in_checkout() { in_root sh -euc "cd $inside && $1"; }

# The checkout as git sees it (tracked and untracked-but-not-ignored files), without
# the host's node_modules or dist, so npm ci and the build run with the suite's node.
copy_checkout() {
  mkdir -p "$root$inside"
  trap 'rm -rf --one-file-system "$root$inside"' EXIT
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --no-recursion -T - -cf - \
    | tar -C "$root$inside" -xf -
}

stage_build() { in_checkout 'npm ci --no-audit --no-fund --loglevel=error && npm run build --silent'; }
stage_unit() { in_checkout 'npm run test:unit'; }
stage_pg() { flock /tmp/pgha-pg.lock scripts/debian-root.sh enter "$root" -- sh -euc "cd $inside && npm run test:pg"; }

stage_lab() {
  local pattern
  pattern="$(printf '%q' "$LAB_TESTS")"
  flock /tmp/pgha-lab.lock scripts/debian-root.sh enter "$root" -- sh -euc \
    "cd $inside && node --import tsx --test --test-concurrency=1 --test-name-pattern=$pattern ${LAB_FILES[*]}"
}

# The .deb of this checkout installed by apt in the root, the agent rendered by both
# front ends, then removed again so the cached root stays as it was built.
stage_deb() {
  local deb
  deb="$(PGHA_SKIP_BUILD=1 scripts/build-deb.sh | tail -n1)"
  cp "$deb" "$root/tmp/pgha.deb"
  in_root sh -euc '
    trap "apt-get purge -y -qq pgha >/dev/null 2>&1 || true; rm -f /tmp/pgha.deb" EXIT
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/pgha.deb >/dev/null
    pcs resource describe ocf:pgha:postgresql >/tmp/pcs.out 2>/tmp/pcs.err
    crm ra info ocf:pgha:postgresql >/tmp/crm.out 2>/tmp/crm.err
    params="$(/usr/lib/ocf/resource.d/pgha/postgresql meta-data \
      | xmllint --xpath "//parameters/parameter/@name" - | tr " " "\n" | sed -n "s/^name=\"\(.*\)\"\$/\1/p")"
    [ -n "$params" ] || { echo "the agent installed by the .deb gave no parameters in its meta-data" >&2; exit 1; }
    for tool in pcs crm; do
      if [ -s /tmp/$tool.err ]; then echo "$tool warned about the agent:" >&2; cat /tmp/$tool.err >&2; exit 1; fi
      for param in $params; do
        grep -qw -- "$param" /tmp/$tool.out || { echo "$tool does not render the parameter $param:" >&2; cat /tmp/$tool.out >&2; exit 1; }
      done
    done
    pgha --version
  '
}

start=$SECONDS
timed "root ($root)" scripts/debian-root.sh build "$suite" "$root"
copy_checkout
for stage in build unit pg lab deb; do
  wants "$stage" && timed "$stage" "stage_$stage"
done
step "all of $stages passed in $((SECONDS - start)) s"
