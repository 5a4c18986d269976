#!/usr/bin/env bash
# Installs pkg/ into node_modules the way a user gets it: packed by npm (so the `files` list and
# exports map are what is tested), then installed from the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/npm
rm -f target/npm/connect-provider-*.tgz
tarball=$(npm pack ./pkg --pack-destination target/npm --silent | tail -n 1)
npm install --no-save --no-audit --no-fund --silent "./target/npm/$tarball"
echo "install-pkg: node_modules/connect-provider from target/npm/$tarball"
