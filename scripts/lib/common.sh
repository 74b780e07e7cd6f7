# shellcheck shell=bash
# Helpers shared by scripts/run.sh and scripts/test.sh: logging, package
# installation on Debian/Ubuntu, free ports, the project paths.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/help.sh
source "${ROOT_DIR}/scripts/lib/help.sh"
LOCAL_DIR="${ROOT_DIR}/.local"
export ROOT_DIR LOCAL_DIR

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }

# An error stops the whole script, also from inside a command substitution
# or a pipeline: set -e applies in command substitutions, and die in a
# subshell stops the script that sourced this file (SIGUSR1 to it), not just
# the subshell. Without this, a script went on after `cmd $(f)` when f died
# (cmd itself still runs: bash handles the signal after it, so keep probes
# that can fail out of a command's arguments).
shopt -s inherit_errexit
trap 'exit 1' USR1
die() {
  printf '\033[1;31merror:\033[0m %s\n' "$*" >&2
  if [ "$BASHPID" != "$$" ]; then
    kill -USR1 "$$" 2>/dev/null || true
  fi
  exit 1
}

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

# apt's package lists are fetched at most once per run: by the first probe
# that finds nothing, or by the first installation.
APT_UPDATED=0
apt_update() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install the packages this script needs by hand"
  say "updating apt's package lists"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed (see above)"
  APT_UPDATED=1
}

apt_knows() {
  apt-cache show "$1" >/dev/null 2>&1
}

# A new machine may have no package lists until apt-get update runs: a probe
# that finds nothing updates them (once) and asks again.
package_available() {
  apt_knows "$1" && return 0
  [ "$APT_UPDATED" -eq 1 ] && return 1
  apt_update
  apt_knows "$1"
}

# first_available VAR PACKAGE...: sets VAR to the first package of the list
# that is installed or that apt knows, e.g. a Boost version that differs
# between Debian 12 (1.81) and Ubuntu 24.04 (1.83). Run it in the script's
# own shell, not in $(...): the apt update it may do counts for the run.
first_available() {
  local var="$1" p
  shift
  for p in "$@"; do
    if package_installed "$p" || package_available "$p"; then
      printf -v "$var" '%s' "$p"
      return 0
    fi
  done
  return 1
}

# Where apt finds the file that keeps it from starting services it installs.
POLICY_RC_D="${ECOM_POLICY_RC_D:-/usr/sbin/policy-rc.d}"

# ensure_packages PACKAGE...: installs those not installed yet, without
# recommended packages and without starting services (a system PostgreSQL
# or nginx).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    package_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  say "installing ${missing[*]}"
  # Lists fetched earlier in this run are current; older ones may name
  # versions the mirror no longer has.
  apt_update
  local added_policy=0
  if [ ! -e "$POLICY_RC_D" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$POLICY_RC_D" >/dev/null
    as_root chmod +x "$POLICY_RC_D"
    added_policy=1
  fi
  local status=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    status=$?
  [ "$added_policy" -eq 1 ] && as_root rm -f "$POLICY_RC_D"
  [ "$status" -eq 0 ] || die "apt-get install failed (exit ${status}) for: ${missing[*]}"
}

# ensure_build_packages [PACKAGE...]: installs what every build needs (the
# compiler, CMake, libpq, GoogleTest and Boost >= 1.81, whose package name
# apt is asked for) and the packages given, in one apt-get run.
ensure_build_packages() {
  local boost
  first_available boost libboost1.81-dev libboost1.83-dev ||
    die "no Boost >= 1.81 in apt (neither libboost1.81-dev nor libboost1.83-dev, after apt-get update): Debian 12 or Ubuntu 24.04 have it"
  local version="${boost#libboost}"
  version="${version%-dev}"
  ensure_packages g++ make cmake pkg-config libpq-dev libgtest-dev \
    "$boost" "libboost-json${version}-dev" "libboost-url${version}-dev" "$@"
}

# What ./scripts/run.sh uses besides the build: PostgreSQL (server and psql),
# nginx (the local load balancer), python3 (render_nginx.py, load_demo.py,
# free_port) and curl (the readiness probes).
# shellcheck disable=SC2034 # used by the scripts that source this file
RUN_PACKAGES=(postgresql postgresql-client nginx python3 curl)

# A free loopback port below the ephemeral range (see the picker's header).
free_port() {
  python3 "${ROOT_DIR}/tests/lib/ecomtest/ports.py"
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
    (cd "$web" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null)
    echo "$hash" >"$stamp"
  fi
  (cd "$web" && npm run --silent build >/dev/null)
}
