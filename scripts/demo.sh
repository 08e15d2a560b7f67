#!/usr/bin/env bash
# The main job on a fresh Debian 12 or 13 machine, as root: installs what it needs,
# builds pgha, brings up a 3-node lab cluster (network namespaces, Corosync,
# Pacemaker, PostgreSQL, ocf:pgha:postgresql, a VIP, real fencing), then crashes
# the primary node and shows pgha failing over. `pgha lab down` ends it.
# PostgreSQL is the one installed (PGHA_PG_VERSION=N picks one of several), or
# Debian's default when none is (15 on Debian 12, 17 on Debian 13).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
prepare_pgha
node dist/pgha.cjs install
exec node dist/pgha.cjs lab demo "$@"
