# Shared by scripts/test.sh and scripts/demo.sh: what a fresh Debian 12 machine
# needs for pgha's tests and lab, installed only when missing. Sourced, not run.

PGHA_PACKAGES=(
  postgresql-15 postgresql-client-15          # the database, and pg_basebackup/pg_rewind/pg_waldump
  pacemaker pacemaker-cli-utils corosync      # the cluster stack the agent runs under
  pcs crmsh                                   # both configuration front ends (pgha configure emits either)
  resource-agents resource-agents-paf         # IPaddr2, ocf-tester, and PAF (the agent benchmarked against)
  fence-agents                                # fence_* agents; pgha fence verify reads their metadata
  libxml2-utils                               # xmllint: meta-data checked against the OCF and fence-agents schemas
  iproute2 util-linux procps psmisc           # ip netns, unshare/nsenter/setpriv, pgrep
  dpkg-dev debhelper lintian                  # scripts/build-deb.sh and its test (test/package)
  groff-base man-db                           # man pages checked with groff -ww and man -l
  vagrant                                     # vagrant validate of the Vagrantfile (no provider needed)
)

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "pgha: run this as root (it installs packages and builds network namespaces)" >&2
    exit 1
  fi
}

require_node20() {
  if ! command -v node >/dev/null 2>&1 || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    echo "pgha: Node.js 20 or later is required (found: $(node --version 2>/dev/null || echo none)); Debian 12's nodejs package is 18" >&2
    exit 1
  fi
}

install_packages() {
  local missing=()
  for pkg in "${PGHA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "pgha: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_pgha() {
  npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
}

# Everything both entry points need before they do their own job.
prepare_pgha() {
  require_root
  require_node20
  install_packages
  build_pgha
}
