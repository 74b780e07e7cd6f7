# shellcheck shell=bash
# Helpers shared by scripts/run.sh and scripts/test.sh: logging, package
# installation on Debian/Ubuntu, free ports, the project paths.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${ROOT_DIR}/.local"
export ROOT_DIR LOCAL_DIR

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $* (install sudo or run as root)"
  fi
}

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

package_available() {
  apt-cache show "$1" >/dev/null 2>&1
}

# The first package of the list that apt knows, e.g. a Boost version that
# differs between Debian 12 (1.81) and Ubuntu 24.04 (1.83).
first_available() {
  local p
  for p in "$@"; do
    if package_installed "$p" || package_available "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

APT_UPDATED=0
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    package_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  say "installing ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  # policy-rc.d keeps apt from starting a system PostgreSQL or nginx.
  local added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$added_policy" -eq 1 ] && as_root rm -f /usr/sbin/policy-rc.d
  return 0
}

# Packages every build needs.
build_packages() {
  local boost
  boost="$(first_available libboost1.81-dev libboost1.83-dev)" || die "no Boost >= 1.81 in apt"
  local version="${boost#libboost}"
  version="${version%-dev}"
  echo g++ make cmake pkg-config libpq-dev libgtest-dev "$boost" "libboost-json${version}-dev" "libboost-url${version}-dev"
}

# Packages to run the platform locally.
runtime_packages() {
  echo postgresql postgresql-client
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { exec 3>&-; return 0; }
  return 1
}

jobs_count() {
  local n
  n="$(nproc 2>/dev/null || echo 2)"
  echo "$n"
}

# Configure and build one CMake preset.
build_preset() {
  local preset="$1"
  shift
  say "building (${preset})"
  cmake --preset "$preset" -S "$ROOT_DIR" >/dev/null
  cmake --build "${ROOT_DIR}/build/${preset}" -j "$(jobs_count)" "$@"
}

random_secret() {
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

# Node.js >= 20.19 (Vite 7) builds the storefront; Debian 12's own nodejs is
# older, so say what to do instead of failing half-way.
require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20.19 or newer (e.g. from NodeSource) to build the storefront"
  local version major minor
  version="$(node --version)"
  version="${version#v}"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    die "Node.js ${version} is too old to build the storefront: install 20.19 or newer (e.g. from NodeSource)"
  fi
  command -v npm >/dev/null 2>&1 || die "npm is not installed (it comes with Node.js)"
}

# Builds services/frontend/web/dist when it is missing or older than its sources.
build_web() {
  local web="${ROOT_DIR}/services/frontend/web"
  require_node
  if [ -f "${web}/dist/index.html" ] &&
     [ -z "$(find "${web}/src" "${web}/public" "${web}/index.html" "${web}/package-lock.json" "${web}/vite.config.ts" \
               "${ROOT_DIR}/docs/api" -newer "${web}/dist/index.html" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  say "building the storefront web app"
  local stamp="${web}/node_modules/.installed-lock-sha256" hash
  hash="$(sha256sum "${web}/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$hash" >"$stamp"
  fi
  (cd "$web" && npm run --silent build >/dev/null)
}
