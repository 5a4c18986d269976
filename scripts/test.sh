#!/usr/bin/env bash
# Everything `npm test` runs, in order: installs, static checks, native tests, wasm tests in
# Node, the package build, then the JS tests against the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

# Every node --test ends: a test or hook still waiting after 15 minutes fails, and a run still going
# after its limit (a test file held open by something it started, as a workerd was when a hook
# failed before handing it over, CI at stop 31) is killed with its process group and fails this
# script, naming the step. Without these, that hook hung the run until CI's limit, naming nothing.
# Not `--test-force-exit`: it drops the tail of a file's results from the report at exit 0
# (nodejs/node#64833; here, store_sqlite.test.mjs's last eleven tests went missing from CI's report).
node_test=(--test --test-timeout=900000)

# Runs a step under a limit several times what it takes on a 2-core machine. `timeout` puts the
# step in a process group of its own, which a Ctrl-C or a TERM to this script's group does not
# reach: they are passed on to it, and it passes them to the whole step.
bounded() {
  local limit=$1
  shift
  local status=0 pid
  timeout --kill-after=30s "$limit" "$@" &
  pid=$!
  # As TERM: a job started with & in a script ignores INT.
  trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
  wait "$pid" || status=$?
  # A signal ends `wait` early: wait again for the step to end with it.
  while kill -0 "$pid" 2>/dev/null; do
    status=0
    wait "$pid" || status=$?
  done
  trap - INT TERM
  if [[ $status == 124 || $status == 137 ]]; then
    printf '\n== this step did not finish within %s: something it started is holding it open\n' "$limit" >&2
  fi
  return "$status"
}


step "setup"
# In the foreground, unbounded: sudo may ask for a password on the terminal.
bash scripts/setup.sh

step "cargo fmt --check (the crate, and the bench's floor crate)"
cargo fmt --check
cargo fmt --check --manifest-path bench/floor/Cargo.toml

step "cargo clippy (native and wasm32) -D warnings"
bounded 20m cargo clippy --all-targets -- -D warnings
bounded 20m cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
bounded 20m cargo clippy --release --target wasm32-unknown-unknown --manifest-path bench/floor/Cargo.toml --target-dir target/floor -- -D warnings

step "native tests"
bounded 20m cargo test

step "wasm-bindgen-test in Node (wasm_bridge) and headless Chromium (wasm_browser)"
bounded 20m env CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test 'wasm_*'

step "fuzz the decoding path for ${FUZZ_SECONDS:-20} s (cargo fuzz; RUSTC_BOOTSTRAP lets it run on stable)"
bounded 20m env RUSTC_BOOTSTRAP=1 cargo fuzz run decode_command --fuzz-dir fuzz -- -max_total_time="${FUZZ_SECONDS:-20}"

step "build pkg/, and a test-only build that can be made to panic"
bounded 20m node scripts/build.mjs
bounded 20m node scripts/build.mjs --features test-panic --out target/pkg-test-panic
bounded 10m bash scripts/install-pkg.sh

step "deno test against the installed package"
bounded 15m env DENO_NO_UPDATE_CHECK=1 npx deno test --allow-read --allow-write --allow-run --allow-env --unstable-kv tests/deno/

# The suites that exercise the package itself run on every Node version it supports; the rest
# (other runtimes, the app, the examples, types, sizes) once, on the machine's Node.
per_node_version=(
  tests/js/contract.test.mjs tests/js/node_package.test.mjs tests/js/hostile_input.test.mjs
  tests/js/adapter_faults.test.mjs tests/js/secrets.test.mjs tests/js/concurrency.test.mjs
  tests/js/panic_recovery.test.mjs tests/js/long_run.test.mjs tests/js/load.test.mjs
)
for version in 20 22 24; do
  node_bin=tests/runtimes/node_modules/node$version/bin/node
  step "node --test on Node $("$node_bin" --version): contract, hostile input, faults, secrets, concurrency, panics, long run, load"
  bounded 20m "$node_bin" "${node_test[@]}" "${per_node_version[@]}"
done

step "the SQLite store's conformance suite through node:sqlite, on Node 24 (better-sqlite3 runs below)"
bounded 10m env SQLITE_CLIENTS=node:sqlite tests/runtimes/node_modules/node24/bin/node "${node_test[@]}" tests/js/store_sqlite.test.mjs

step "node --test on the machine's Node $(node --version): workerd, Chromium, Vite, types, examples, the app, sizes"
others=()
for file in tests/js/*.test.mjs; do
  [[ " ${per_node_version[*]} " == *" $file "* ]] || others+=("$file")
done
bounded 40m node "${node_test[@]}" "${others[@]}"
