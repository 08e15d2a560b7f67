#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: installs what it needs,
# builds pgha, brings up a 3-node lab cluster (network namespaces, Corosync,
# Pacemaker, PostgreSQL 15, ocf:pgha:postgresql, a VIP, real fencing), then
# crashes the primary node and shows pgha failing over. `pgha lab down` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
prepare_pgha
node dist/pgha.cjs install
exec node dist/pgha.cjs lab demo "$@"
