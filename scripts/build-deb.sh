#!/usr/bin/env bash
# Builds the Debian package dist/deb/pgha_<version>_all.deb with the standard
# tools: the bundles and the manual pages are built here (npm needs the network),
# then dpkg-buildpackage + debhelper (debian/) lay them out, exactly as
# `pgha install` does, and add the docs, man pages and maintainer scripts.
#
# The package is built from a copy of what it needs (dist/deb/pgha-<version>/),
# so dpkg-buildpackage's by-products (debian/pgha/, debian/files, the .changes
# and .buildinfo files, written to the parent directory) stay under dist/deb/.
#
# Needs: nodejs >= 18.19, npm, dpkg-dev and debhelper (apt-get install dpkg-dev debhelper).
# Usage: scripts/build-deb.sh            (prints the path of the .deb on the last line)
#        PGHA_SKIP_BUILD=1 scripts/build-deb.sh   (reuse dist/ as built by npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node dpkg-buildpackage dh; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-deb: $tool is missing (apt-get install dpkg-dev debhelper; Node.js >= 18.19)" >&2
    exit 1
  fi
done

version="$(node -p 'require("./package.json").version')"
changelog_version="$(dpkg-parsechangelog -l debian/changelog -S Version)"
if [ "$version" != "$changelog_version" ]; then
  echo "build-deb: package.json says $version but debian/changelog says $changelog_version: add a changelog entry (dch -v $version)" >&2
  exit 1
fi

if [ "${PGHA_SKIP_BUILD:-0}" != 1 ]; then
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
fi
node scripts/build-man.mjs --out dist/man >/dev/null

out=dist/deb
src="$out/pgha-$version"
rm -rf "$out"
mkdir -p "$src/dist"
cp -a debian bin ocf docs README.md package.json "$src/"
cp -a dist/*.cjs dist/man "$src/dist/"

(cd "$src" && dpkg-buildpackage --build=binary --unsigned-source --unsigned-changes --no-sign >&2)

deb="$out/pgha_${version}_all.deb"
[ -f "$deb" ] || { echo "build-deb: $deb was not produced" >&2; exit 1; }
rm -rf "$src"
echo "$(pwd)/$deb"
