# Shared by scripts/test.sh and scripts/demo.sh: what a fresh Debian 12 or 13
# machine needs for pgha's tests and lab, installed from Debian only when
# missing. Sourced, not run.

PGHA_PACKAGES=(
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

# Node.js and npm, from the distribution when missing (Debian 13 packages npm
# separately; another nodejs, such as one that bundles npm, is kept as it is).
install_node() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "pgha: installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# Debian 12's nodejs is 18.19 or later (package.json's engines).
require_node() {
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)'; then
    echo "pgha: Node.js 18.19 or later is required (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
  fi
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_packages() {
  local missing=()
  for pkg in "${PGHA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  # Any installed major version will do (pgha discovers it); else the distribution's own.
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql postgresql-client)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "pgha: installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

build_pgha() {
  npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
}

# Everything both entry points need before they do their own job.
prepare_pgha() {
  require_root
  install_node
  require_node
  install_packages
  build_pgha
}
