#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what it
# needs, builds, then runs the unit tests, the tests against real PostgreSQL
# and the scenarios in a real 3-node Pacemaker lab cluster (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
prepare_pgha
npm test
