#!/usr/bin/env bash
# Installs what a fresh machine lacks: the wasm target, the wasm-bindgen CLI at exactly the
# version Cargo.lock pins, and the npm packages; then, for the tests and the bench, cargo-fuzz,
# Debian's Chromium, PostgreSQL and nats-server (through apt, as root or with sudo), Schemathesis
# and the Node versions under tests/runtimes. Each step is skipped when already in place.
#
# `setup.sh build` (npm start, npm run build) stops after what building the package and running the
# app need: no apt, no sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mode=${1:-all}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  echo "setup: installing wasm-bindgen-cli $wanted (have: ${have:-none}); this takes a few minutes"
  # No --locked: one of the CLI's locked dependencies is gone from the registry.
  cargo install wasm-bindgen-cli --version "$wanted"
fi

# better-sqlite3 is compiled when its prebuilt binary cannot be downloaded (GitHub unreachable): with
# the headers of the Node that runs it, where they are installed beside it, rather than downloaded.
node_prefix=$(node -p 'require("node:path").resolve(process.execPath, "../..")')
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir=$node_prefix
fi

# npm ci only when a lock file changed since the last install: the workspace's packages, then,
# apart from them, the Node versions the package is tested on and wrangler (tests/runtimes).
install_npm() {
  local dir=$1 stamp=$1/node_modules/.connect-provider-lock
  # The lock file and the Node version: a native addon built for another Node does not load.
  if [ ! -f "$stamp" ] || ! cmp -s <(cat "$dir/package-lock.json"; node --version) "$stamp"; then
    echo "setup: installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
    { cat "$dir/package-lock.json"; node --version; } > "$stamp"
  fi
}
install_npm .
[ "$mode" = build ] && exit 0

if ! cargo fuzz --version > /dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2
fi

# From Debian: Chromium and its driver for the browser tests (never a downloaded browser build), and
# the PostgreSQL server the store and service tests start on a Unix socket of their own. Debian's
# server package would create (and try to start) a cluster on TCP port 5432; the tests need none, so
# postgresql-common goes first and is told to create none, as PostgreSQL's own Docker image does.
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" < /dev/null
}
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup: installing chromium and chromium-driver from Debian"
  apt_install chromium chromium-driver
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null; then
  echo "setup: installing the PostgreSQL server from Debian (no cluster; the tests start their own)"
  apt_install postgresql-common
  conf=/etc/postgresql-common/createcluster.conf
  if grep -Eq '^[#[:space:]]*create_main_cluster' "$conf"; then
    $sudo_cmd sed -ri 's/^[#[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf"
  else
    echo "create_main_cluster = false" | $sudo_cmd tee -a "$conf" > /dev/null
  fi
  apt_install postgresql
fi
if ! command -v nats-server > /dev/null; then
  echo "setup: installing nats-server from Debian (the tests start their own, with JetStream)"
  apt_install nats-server
fi

# Schemathesis (the API fuzzer tests/js/schemathesis.test.mjs runs against the services), pinned, in a
# virtual environment of its own under target/ (git-ignored): never the system's Python packages.
SCHEMATHESIS_VERSION=4.32.5
st_venv=target/schemathesis-venv
if ! command -v python3 > /dev/null || ! python3 -c 'import venv, ensurepip' 2> /dev/null; then
  echo "setup: installing python3 and python3-venv from Debian (for Schemathesis)"
  apt_install python3 python3-venv
fi
if [ "$("$st_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2> /dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION in $st_venv"
  python3 -m venv "$st_venv"
  "$st_venv/bin/pip" install --quiet --disable-pip-version-check -c scripts/schemathesis-constraints.txt "schemathesis==$SCHEMATHESIS_VERSION"
fi

install_npm tests/runtimes
