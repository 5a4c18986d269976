#!/usr/bin/env bash
# Installs what a fresh machine lacks: the wasm target, the wasm-bindgen CLI at exactly the
# version Cargo.lock pins, and the npm packages. Each step is skipped when already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

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

if ! cargo fuzz --version > /dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz
fi

# From Debian: Chromium and its driver for the browser tests (never a downloaded browser build), and
# the PostgreSQL server the store and service tests start on a Unix socket of their own. Debian's
# package would create and start a cluster on TCP port 5432; the tests need none, so it creates none.
apt_packages=()
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || apt_packages+=(chromium chromium-driver)
compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null || apt_packages+=(postgresql)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing ${apt_packages[*]} from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  if [[ " ${apt_packages[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $sudo_cmd mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $sudo_cmd tee /etc/postgresql-common/createcluster.conf > /dev/null
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${apt_packages[@]}"
fi

# npm ci only when a lock file changed since the last install: the workspace's packages, then,
# apart from them, the Node versions the package is tested on and wrangler (tests/runtimes).
install_npm() {
  local dir=$1 stamp=$1/node_modules/.connect-provider-lock
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "setup: installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
install_npm .
install_npm tests/runtimes
