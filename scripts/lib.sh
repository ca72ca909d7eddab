# Shared helpers for the scripts in this folder: install what is missing (idempotently), start
# the project's private PostgreSQL. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Pinned tool versions. cargo-leptos 0.3.10 is the newest that installs on Rust 1.95; the
# wasm-bindgen CLI must equal the wasm-bindgen crate pinned in Cargo.lock.
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
LEPTOSFMT_VERSION=0.1.33

PG_PORT="${KND_PG_PORT:-55432}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"; fi
}

# ensure_apt PACKAGE... : installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# cargo_tool BINARY CRATE VERSION [extra cargo install flags...]
# Tools are built with the dev profile and no debug info: they only orchestrate builds, and
# this saves most of their compile time (cargo-leptos: ~9 instead of 20-50 minutes here).
cargo_tool() {
  local bin=$1 crate=$2 version=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q "$version"; then return 0; fi
  log "installing $crate $version (one-time)"
  CARGO_PROFILE_DEV_DEBUG=0 cargo install "$crate" --version "$version" --debug "$@"
}

ensure_rust() {
  command -v cargo >/dev/null || die "Rust is not installed: see https://rustup.rs"
  if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
    rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
  cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
  cargo_tool cargo-leptos cargo-leptos "$CARGO_LEPTOS_VERSION" --locked
}

ensure_leptosfmt() { cargo_tool leptosfmt leptosfmt "$LEPTOSFMT_VERSION" --locked; }

# cargo-nextest runs each test in its own process; machines of this kind come with it.
ensure_nextest() {
  cargo nextest --version >/dev/null 2>&1 && return 0
  log "installing cargo-nextest (one-time)"
  CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-nextest --locked --debug
}

# npm packages of end2end/ (Playwright, binaryen's wasm-opt for release builds).
ensure_node() {
  command -v npm >/dev/null || ensure_apt nodejs npm
  if [ ! -d "$ROOT/end2end/node_modules" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "installing npm packages of end2end/"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # wasm-opt from npm binaryen: Debian's binaryen is too old and breaks hydration.
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Starts the project's private PostgreSQL cluster (unless DATABASE_URL is already set) and
# exports DATABASE_URL for the database `knd` on it.
start_db() {
  if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL from the environment"; return 0; fi
  ensure_apt postgresql
  local bin data run owner
  bin="$(pg_bin)"
  [ -n "$bin" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root, and the postgres user may not reach into the checkout
    # (e.g. under /root), so the cluster lives in /var/tmp, keyed by port.
    data="/var/tmp/knd-pg-$PG_PORT"; owner=postgres
  else
    data="$ROOT/target/pg"; owner="$(id -un)"
  fi
  run() { if [ "$owner" = "$(id -un)" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi; }
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $data"
    mkdir -p "$data"; [ "$owner" = "$(id -un)" ] || chown "$owner" "$data"
    run "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/knd"
  if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='knd'" postgres | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres knd
  fi
}

# step NAME COMMAND...: runs a command, printing its name and duration.
step() {
  local name=$1; shift
  local started=$SECONDS
  log "$name"
  "$@" || die "$name failed"
  log "$name: ok ($((SECONDS - started)) s)"
}
