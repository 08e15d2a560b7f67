#!/usr/bin/env bash
# A Debian root of another suite (e.g. trixie) built from Debian's own packages,
# and a way to run a command inside it that is good enough for pgha's lab.
#
#   scripts/debian-root.sh build SUITE DIR       debootstrap SUITE into DIR with what
#                                                pgha's tests need (kept if already built
#                                                from the same package list)
#   scripts/debian-root.sh enter DIR -- CMD...   run CMD inside DIR, as root, in a mount
#                                                namespace of its own whose root DIR is
#
# Why not chroot: `nsenter -m` resets the root to the mount namespace's root (the
# host's under a chroot), and `ip netns exec` needs `/` to be a mount point. So
# `enter` gives DIR a mount namespace of its own and pivot_roots into it; everything
# that must see the same /run/netns (a whole lab) has to run inside one `enter`.
# The network namespace stays the host's: ports and the lab's netns names are
# shared with the host, so take the host's locks around `enter`.
set -euo pipefail

# What the tests and the lab need inside the root, one per line (the stamp below
# hashes this list: change it and the next build starts afresh). Kept lean, since a
# cold build is paid in CI: fence-agents-all would pull in ~500 cloud SDK packages,
# so only the fencing library, fence_dummy (the unit tests configure it) and two
# agents a DBA would use. The .deb is built on the host (it is arch all) and only
# installed here, so no debhelper.
ROOT_PACKAGES="
postgresql
pacemaker
pacemaker-cli-utils
corosync
pcs
crmsh
resource-agents
resource-agents-paf
fence-agents-common
fence-agents-dummy
fence-agents-ipmilan
fence-agents-virsh
libxml2-utils
iproute2
util-linux
procps
psmisc
nftables
nodejs
npm
ca-certificates
git
"

die() { echo "debian-root: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 build SUITE DIR | enter DIR -- CMD..." >&2
  exit 2
}

# The mirror the host's apt uses (deb822 .sources first, then sources.list).
host_mirror() {
  local uri
  uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit} $1 == "deb" {print $3; exit}' /etc/apt/sources.list)"
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  echo "$uri"
}

root_stamp() {
  local suite="$1"
  printf '%s\n%s\n' "$suite" "$ROOT_PACKAGES" | sha256sum | cut -d' ' -f1
}

# The host's CA bundle, DNS and npm settings, so apt and npm reach the same
# registries the same way from inside (refreshed at every enter).
copy_host_settings() {
  local dir="$1"
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$dir/usr/local/share/pgha-host-ca"
    cp -L /etc/ssl/certs/ca-certificates.crt "$dir/usr/local/share/pgha-host-ca/ca-certificates.crt"
  fi
  local rc
  for rc in /root/.npmrc /etc/npmrc /usr/etc/npmrc; do
    [ -f "$rc" ] && install -D -m 0600 "$rc" "$dir$rc"
  done
  return 0
}

install_root_packages() {
  local dir="$1"
  # No daemons started by maintainer scripts, and no default cluster on port 5432.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 0755 "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$dir/etc/postgresql-common"
  echo 'create_main_cluster = false' >"$dir/etc/postgresql-common/createcluster.conf"
  # A root that is thrown away if its build fails needs no fsync per file.
  echo force-unsafe-io >"$dir/etc/dpkg/dpkg.cfg.d/pgha-build-unsafe-io"
  # Fewer files to unpack and index: no translations, manuals or documentation
  # (what the tests read is elsewhere), as in Debian's own container images.
  echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/90pgha-no-languages"
  # testing and sid Release files expire within days (stable ones do not expire): a
  # mirror or snapshot a few weeks old is still signed, so keep the signature check
  # and skip only the freshness one.
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/90pgha-mirror-age"
  printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
    'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' \
    >"$dir/etc/dpkg/dpkg.cfg.d/90pgha-no-docs"
  # shellcheck disable=SC2086  # the list is words, one package each
  enter_root "$dir" env DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null && apt-get clean' \
    install $ROOT_PACKAGES
  rm -f "$dir/etc/dpkg/dpkg.cfg.d/pgha-build-unsafe-io"
}

is_current() { [ -f "$1/.pgha-root-stamp" ] && [ "$(cat "$1/.pgha-root-stamp")" = "$2" ]; }

# Builds DIR unless it is current. A rebuild holds DIR.lock exclusively, so it waits
# for every enter (which holds it shared) to end, and two builds never race.
build_root() {
  local suite="$1" dir="$2" stamp lock
  stamp="$(root_stamp "$suite")"
  if ! is_current "$dir" "$stamp"; then
    mkdir -p "$(dirname "$dir")"
    exec {lock}>"$dir.lock"
    flock -x "$lock"
    is_current "$dir" "$stamp" || rebuild_root "$suite" "$dir" "$stamp"
    exec {lock}>&-
  fi
  echo "debian-root: $dir is $suite with the current package list" >&2
}

# rm -rf DIR, but never through a mount (a checkout bound in must survive).
remove_root() {
  local dir="$1"
  [ -e "$dir" ] || return 0
  if findmnt -rn -o TARGET | grep -qF -- "$(realpath "$dir")/"; then
    die "something is mounted under $dir; unmount it first, nothing was removed"
  fi
  rm -rf --one-file-system "$dir"
}

rebuild_root() {
  local suite="$1" dir="$2" stamp="$3"
  command -v debootstrap >/dev/null 2>&1 || {
    echo "debian-root: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local new="$dir.new"
  remove_root "$new"
  local mirror
  mirror="$(host_mirror)"
  echo "debian-root: debootstrap $suite from $mirror into $new" >&2
  debootstrap --variant=minbase "$suite" "$new" "$mirror" >"$new.log" 2>&1 \
    || { tail -n 20 "$new.log" >&2; die "debootstrap failed (log: $new.log)"; }
  install_root_packages "$new"
  echo "$stamp" >"$new/.pgha-root-stamp"
  remove_root "$dir"
  mv "$new" "$dir"
  rm -f "$new.log" "$new.lock"
  echo "debian-root: built $dir" >&2
}

# Runs "$@" with DIR as / in a fresh mount namespace (see the header for why).
enter_root() {
  local dir
  dir="$(realpath "$1")"; shift
  [ -x "$dir/bin/sh" ] || die "$dir is not a root (no /bin/sh)"
  # Held (shared) by everything run inside, so a rebuild waits for them.
  local lock
  exec {lock}>"$dir.lock"
  flock -s "$lock"
  copy_host_settings "$dir"
  local env_args=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM="${TERM:-dumb}")
  [ -f "$dir/usr/local/share/pgha-host-ca/ca-certificates.crt" ] && env_args+=(
    NODE_EXTRA_CA_CERTS=/usr/local/share/pgha-host-ca/ca-certificates.crt
    npm_config_cafile=/usr/local/share/pgha-host-ca/ca-certificates.crt
  )
  local var
  while IFS= read -r var; do env_args+=("$var=${!var}"); done < <(
    compgen -e | grep -E '^(npm_config_[A-Za-z_]+|https?_proxy|no_proxy|HTTPS?_PROXY|NO_PROXY|CI)$' || true)
  unshare --mount --propagation private -- /bin/sh -euc '
    dir="$1"; shift
    mount --bind "$dir" "$dir"
    mount --rbind /dev "$dir/dev"
    mount --rbind /sys "$dir/sys"
    mount -t tmpfs -o mode=0755 tmpfs "$dir/run"
    mkdir -p "$dir/.old-root"
    cd "$dir"
    pivot_root . .old-root
    mount -t proc proc /proc
    umount -l /.old-root
    cd /
    exec env -i "$@"
  ' enter-root "$dir" "${env_args[@]}" "$@"
}

[ "$(id -u)" -eq 0 ] || die "run this as root (debootstrap, mount namespaces)"
case "${1:-}" in
  build)
    [ $# -eq 3 ] || usage
    build_root "$2" "$3"
    ;;
  enter)
    [ $# -ge 4 ] && [ "$3" = "--" ] || usage
    dir="$2"; shift 3
    enter_root "$dir" "$@"
    ;;
  *) usage ;;
esac
