#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The fresh-machine check (ctest containers_fresh_machine, label containers;
# scripts/test.sh runs it in its container pass): the README's two commands,
# from a clean clone, on a brand-new Debian 12 as a new user has it.
#
# The machine is a podman container made from a minimal Debian 12 root file
# system (mmdebstrap --variant=minbase: no apt package lists, no git, curl,
# python3, compiler or CMake) plus this machine's Node.js and npm (the
# README's one prerequisite), run as root. In it, fresh-machine-inside.sh
#   1. checks that the machine is bare (no package lists, none of the tools),
#   2. runs ./scripts/run.sh until http://localhost:8080/api/products?limit=1
#      answers and the demo catalog is loaded, presses Ctrl-C (SIGINT to its
#      process group), and checks that it exits 0 and leaves nothing running,
#   3. runs ECOM_SKIP_CONTAINERS=1 ./scripts/test.sh --quick: every suite but
#      the container images and stack (no podman in podman) must pass, and
#      nothing may be left running,
#   4. checks that the commands left the clone clean (git status).
# The clone is `git clone` of this repository: its HEAD, or a commit of the
# work tree on HEAD when they differ (what is git-ignored never goes in).
# The container has a network namespace of its own (slirp4netns): its ports
# are its own; it reaches the apt mirror and the npm registry as this machine
# does (the machine's apt sources, proxy and release-date settings, its npm
# registry and proxies, and the CA files that Node.js and npm are told to
# trust here).
#
# About 7 to 10 minutes on 2 cores (a cold release build, every package
# download and the release test suite); longer when other work shares the
# cores. The root file system is cached as a tarball in $CONTAINERS_DIR/bases;
# the machine is unpacked afresh each run under $CONTAINERS_DIR/fresh-machine
# and removed after a pass (kept after a failure, with the logs in its
# fresh-machine-logs/).
#
# Options: --keep  keep the machine's files after a pass too.
# ECOM_FRESH_MACHINE_REPORTS=DIR: where to copy step 3's log and JUnit
# reports (test.sh reads the release suites' results from DIR/test.log).
# ECOM_SKIP_CONTAINERS=1 or ECOM_SKIP_FRESH_MACHINE=1 (which test.sh --quick
# sets) skips the check (exit 77, "skipped" in ctest).
# Prints PASS or FAIL for each step, "N passed, M failed", and the time taken.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "${HERE}/../../scripts/lib/common.sh"
# shellcheck source=../../scripts/lib/containers.sh
source "${ROOT_DIR}/scripts/lib/containers.sh"

KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    -h|--help) script_help "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

if [ "${ECOM_SKIP_CONTAINERS:-0}" = 1 ] || [ "${ECOM_SKIP_FRESH_MACHINE:-0}" = 1 ]; then
  echo "fresh-machine check skipped: ECOM_SKIP_CONTAINERS=1 or ECOM_SKIP_FRESH_MACHINE=1 (test.sh --quick)"
  exit 77
fi

MACHINE_DIR="${CONTAINERS_DIR}/fresh-machine"
ROOTFS="${MACHINE_DIR}/root"
LOGS="${ROOTFS}/fresh-machine-logs"
# Where the new user clones the project: root's home, as a new user would.
CLONE_PATH=/root/aws-devops-ecommerce
CONTAINER="ecom-fresh-machine-$$"
# The whole run inside the container, at most (podman kills it then).
MAX_SECONDS="${ECOM_FRESH_MACHINE_TIMEOUT:-3300}"

# A minimal Debian 12, cached: no apt lists (mmdebstrap removes them; checked
# below), apt pointed at this machine's mirror with its network settings.
bootstrap_minbase() {
  local tar="${CONTAINERS_DIR}/bases/fresh-debian-minbase.tar"
  if [ ! -s "$tar" ]; then
    say "bootstrapping a minimal Debian 12 (mmdebstrap --variant=minbase, cached in ${tar})"
    local sources=() options=() line
    mapfile -t sources < <(host_apt_sources)
    while IFS= read -r line; do
      options+=("--aptopt=${line}")
    done < <(host_apt_network_options)
    mmdebstrap --quiet --variant=minbase "${options[@]}" \
      --format=tar bookworm "${tar%.tar}.partial.tar" "${sources[@]}" >&2 || die "mmdebstrap failed"
    mv "${tar%.tar}.partial.tar" "$tar"
  fi
  echo "$tar"
}

# The CA file a Node.js or npm setting names, copied into the machine; prints
# the path inside the machine (nothing when the setting is unset).
copy_ca_file() {
  local file="$1" name="$2"
  case "$file" in ""|null|undefined) return 0 ;; esac
  [ -f "$file" ] || return 0
  mkdir -p "${ROOTFS}/usr/local/share/host-network"
  cp "$file" "${ROOTFS}/usr/local/share/host-network/${name}"
  echo "/usr/local/share/host-network/${name}"
}

# podman run's -e options: the network settings of this machine that npm and
# apt need there, and the check's own.
container_env() {
  local var value registry cafile path
  for var in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    value="${!var:-}"
    [ -n "$value" ] && printf '%s\n' -e "${var}=${value}"
  done
  registry="$(npm config get registry 2>/dev/null || true)"
  [ -n "$registry" ] && printf '%s\n' -e "npm_config_registry=${registry}"
  path="$(copy_ca_file "${NODE_EXTRA_CA_CERTS:-}" node-extra-ca-certs.pem)"
  [ -n "$path" ] && printf '%s\n' -e "NODE_EXTRA_CA_CERTS=${path}"
  cafile="$(npm config get cafile 2>/dev/null || true)"
  path="$(copy_ca_file "$cafile" npm-cafile.pem)"
  [ -n "$path" ] && printf '%s\n' -e "npm_config_cafile=${path}"
  printf '%s\n' -e "ECOM_FRESH_CLONE=${CLONE_PATH}"
}

# The commit the machine gets: HEAD, or when the work tree differs from it
# (changed or new files that .gitignore does not exclude), a commit of the
# work tree on top of HEAD, made with an index of its own: the repository's
# index, HEAD and files are not touched. Prints the commit.
work_tree_commit() {
  local head index tree
  head="$(git -C "$ROOT_DIR" rev-parse HEAD)" || die "${ROOT_DIR} is not a git checkout"
  index="$(mktemp)"
  GIT_INDEX_FILE="$index" git -C "$ROOT_DIR" read-tree "$head"
  GIT_INDEX_FILE="$index" git -C "$ROOT_DIR" add --all
  tree="$(GIT_INDEX_FILE="$index" git -C "$ROOT_DIR" write-tree)"
  rm -f "$index"
  if [ "$tree" = "$(git -C "$ROOT_DIR" rev-parse "${head}^{tree}")" ]; then
    echo "$head"
  else
    GIT_AUTHOR_NAME=fresh-machine GIT_AUTHOR_EMAIL=fresh-machine@localhost \
      GIT_COMMITTER_NAME=fresh-machine GIT_COMMITTER_EMAIL=fresh-machine@localhost \
      git -C "$ROOT_DIR" commit-tree "$tree" -p "$head" -m "the work tree (fresh-machine check)"
  fi
}

# That commit, cloned (git clone, so only what is or would be committed:
# nothing git-ignored, no build output). A work-tree commit is fetched
# through a temporary ref, removed afterwards.
clone_work_tree() {
  local dest="${ROOTFS}${CLONE_PATH}" commit ref=refs/ecom/fresh-machine
  commit="$(work_tree_commit)"
  git -C "$ROOT_DIR" update-ref "$ref" "$commit"
  git clone --quiet --no-local --no-checkout "$ROOT_DIR" "$dest"
  git -C "$dest" fetch --quiet origin "$ref"
  git -C "$ROOT_DIR" update-ref -d "$ref"
  git -C "$dest" checkout --quiet --detach "$commit"
  echo "$commit"
}

# With ECOM_FRESH_MACHINE_REPORTS=DIR: the log of ./scripts/test.sh --quick
# (DIR/test.log, where test.sh reads the release suites' results) and its
# JUnit reports (DIR/*.xml), kept when the machine is removed.
copy_reports() {
  local dir="${ECOM_FRESH_MACHINE_REPORTS:-}"
  [ -n "$dir" ] || return 0
  mkdir -p "$dir"
  [ -f "${LOGS}/test.log" ] && cp "${LOGS}/test.log" "${dir}/test.log"
  find "${ROOTFS}${CLONE_PATH}/build/release/test-reports" -maxdepth 1 -name '*.xml' -exec cp -t "$dir" {} + 2>/dev/null || true
}

remove_container() {
  pm rm -f --time 5 "$CONTAINER" >/dev/null 2>&1 || true
}

main() {
  local start=$SECONDS
  require_node
  command -v git >/dev/null 2>&1 || die "git is not installed"
  containers_setup
  trap remove_container EXIT
  trap 'exit 130' INT TERM

  local tar
  tar="$(bootstrap_minbase)"
  say "unpacking a fresh machine in ${MACHINE_DIR}"
  rm -rf "$MACHINE_DIR"
  mkdir -p "$ROOTFS"
  tar -C "$ROOTFS" -xf "$tar"
  copy_host_node "$ROOTFS"
  local head
  head="$(clone_work_tree)"
  mkdir -p "$LOGS"
  cp "${HERE}/fresh-machine-inside.sh" "${ROOTFS}/fresh-machine-inside.sh"
  local env_args=()
  mapfile -t env_args < <(container_env)

  say "running the README commands on the fresh machine (commit ${head:0:12}, Node.js $(node --version), load average $(cut -d' ' -f1-3 /proc/loadavg); log: ${LOGS}/)"
  # A machine's /dev/shm and process count, not a container's defaults
  # (Chromium uses /dev/shm).
  # In the background: a signal to this script then stops the wait (and the
  # EXIT trap removes the container); podman run in the foreground would
  # hold it off until the container ends.
  local status=0
  pm run --rm --name "$CONTAINER" --rootfs --network slirp4netns --hostname fresh-debian \
    --shm-size 2g --pids-limit -1 --timeout "$MAX_SECONDS" --workdir "$CLONE_PATH" \
    "${env_args[@]}" "$ROOTFS" /bin/bash /fresh-machine-inside.sh &
  wait "$!" || status=$?
  echo "fresh-machine check took $((SECONDS - start)) s (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
  copy_reports
  if [ "$status" -eq 0 ] && [ "$KEEP" -eq 0 ]; then
    rm -rf "$MACHINE_DIR"
  elif [ "$status" -ne 0 ]; then
    echo "the machine's files and logs are kept in ${MACHINE_DIR} (logs: ${LOGS}/)"
  fi
  return "$status"
}

main
