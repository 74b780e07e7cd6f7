# shellcheck shell=bash
# Container images with podman on a machine without a Docker engine or Docker
# Hub: shared by tests/containers/run-tests.sh and by a user (source it after
# scripts/lib/common.sh, or run tests/containers/run-tests.sh --build-only).
#
#   containers_setup        installs podman & co., points podman's config and
#                           storage at $CONTAINERS_DIR (default .local/containers)
#   containers_bootstrap    builds local stand-ins for the public base images
#                           the Dockerfiles and docker-compose.yml name
#                           (debian:bookworm, node, postgres, nginx,
#                           prometheus) from
#                           Debian packages, tagged with those exact names;
#                           the Debian root is cached as a tarball
#   containers_build_all    builds the three service images (--pull=never)
#   pm ARGS...              podman with this project's configuration
#
# Nothing here assumes the host architecture: the stand-ins are built for the
# architecture podman runs, and the Dockerfiles use only what they find.

CONTAINERS_DIR="${ECOM_CONTAINERS_DIR:-${LOCAL_DIR}/containers}"
CONTAINERS_IMAGES_DIR="${ROOT_DIR}/tests/containers/local-images"
# The names the Dockerfiles and docker-compose.yml use.
IMAGE_DEBIAN="docker.io/library/debian:bookworm"
IMAGE_NODE="docker.io/library/node:20-bookworm-slim"
IMAGE_POSTGRES="docker.io/library/postgres:15-bookworm"
IMAGE_NGINX="docker.io/library/nginx:stable-bookworm"
IMAGE_PROMETHEUS="docker.io/prom/prometheus:v2.42.0"
SERVICE_NAMES=(product-service order-service frontend)
# The tag the service images get; docker-compose.yml uses the same default.
ECOM_IMAGE_PREFIX="${ECOM_IMAGE_PREFIX:-localhost/aws-devops-ecommerce}"
ECOM_IMAGE_TAG="${ECOM_IMAGE_TAG:-local}"
export CONTAINERS_DIR ECOM_IMAGE_PREFIX ECOM_IMAGE_TAG

# podman with runc, and its network stack: without recommended packages apt
# picks the CNI plugins, not netavark (which containers.conf below names) and
# aardvark-dns (container names on compose networks); netavark runs
# iptables to set up a network (without it: "netavark: No such file or
# directory (os error 2)" at the first RUN of a build).
CONTAINER_PACKAGES=(podman buildah runc netavark aardvark-dns iptables mmdebstrap uidmap slirp4netns fuse-overlayfs)

pm() {
  podman "$@"
}

# Writes podman's configuration under $CONTAINERS_DIR and exports the
# variables that make podman, buildah and compose tools use it.
containers_setup() {
  if [ "${1:-}" != "--no-install" ]; then
    ensure_packages "${CONTAINER_PACKAGES[@]}"
  fi
  command -v podman >/dev/null 2>&1 || die "podman is not installed (apt-get install ${CONTAINER_PACKAGES[*]})"
  mkdir -p "${CONTAINERS_DIR}/bases"
  # crun fails on these machines (rlimits, hybrid cgroups): runc works. No
  # systemd here: cgroupfs and file events.
  cat >"${CONTAINERS_DIR}/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
EOF
  cat >"${CONTAINERS_DIR}/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "${CONTAINERS_DIR}/storage"
runroot = "${CONTAINERS_DIR}/run"
EOF
  export CONTAINERS_CONF="${CONTAINERS_DIR}/containers.conf"
  export CONTAINERS_STORAGE_CONF="${CONTAINERS_DIR}/storage.conf"
  # Docker image format: OCI image configs have no HEALTHCHECK.
  export BUILDAH_FORMAT=docker
  pm info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' >/dev/null 2>&1 ||
    die "podman does not work here: $(pm info 2>&1 | tail -3)"
}

image_exists() {
  pm image exists "$1"
}

# The machine's Debian apt sources file, if it has one (mmdebstrap's default
# mirror otherwise): a root made from it uses the machine's mirror and any
# snapshot pin.
host_apt_sources() {
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    echo /etc/apt/sources.list.d/debian.sources
  elif [ -s /etc/apt/sources.list ]; then
    echo /etc/apt/sources.list
  fi
}

# The machine's settings apt needs to reach its mirror (proxies, and the
# release file date checks a snapshot mirror needs off), one per line as
# apt.conf statements: mmdebstrap --aptopt takes them.
host_apt_network_options() {
  apt-config dump 2>/dev/null |
    grep -E '^Acquire::((https?|ftp)::Proxy|Check-Valid-Until|Check-Date)([: ]|$)' || true
}

# The Debian root: mmdebstrap minbase from the host's apt sources, cached as
# a tarball.
bootstrap_debian() {
  local tar="${CONTAINERS_DIR}/bases/debian-bookworm.tar"
  if [ ! -s "$tar" ]; then
    say "bootstrapping a Debian 12 root for ${IMAGE_DEBIAN} (mmdebstrap, cached in ${tar})"
    local sources=()
    mapfile -t sources < <(host_apt_sources)
    mmdebstrap --quiet --variant=minbase --include=ca-certificates \
      --aptopt='APT::Install-Recommends "false"' \
      --format=tar bookworm "${tar%.tar}.partial.tar" "${sources[@]}" || die "mmdebstrap failed"
    mv "${tar%.tar}.partial.tar" "$tar"
  fi
  if ! image_exists "$IMAGE_DEBIAN"; then
    pm import --quiet --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$tar" "$IMAGE_DEBIAN" >/dev/null
  fi
}

# copy_host_node ROOT: this machine's Node.js and npm into the root file
# system ROOT, under /usr/local (node, npm's folder, the npm and npx links).
copy_host_node() {
  local root="$1" node_bin npm_dir
  node_bin="$(readlink -f "$(command -v node)")"
  npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  [ -f "${npm_dir}/package.json" ] || die "cannot find npm's folder (from $(command -v npm))"
  mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules"
  cp "$node_bin" "$root/usr/local/bin/node"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
}

# node:20-bookworm-slim: the machine's own Node.js (>= 20.19, as require_node
# checks) in the Debian root; only the storefront's build stage uses it.
bootstrap_node() {
  require_node
  say "local ${IMAGE_NODE} from this machine's Node.js $(node --version)"
  local ctx="${CONTAINERS_DIR}/bases/node-context"
  rm -rf "$ctx"
  copy_host_node "$ctx/root"
  # The machine's CA bundle: npm in a build then trusts what the machine
  # trusts (a TLS-inspecting proxy's CA, for one).
  mkdir -p "$ctx/root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/root/etc/ssl/certs/ca-certificates.crt"
  cp "${CONTAINERS_IMAGES_DIR}/node/Containerfile" "$ctx/Containerfile"
  pm build --quiet --pull=never --layers -t "$IMAGE_NODE" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# postgres and nginx: built from Debian's packages by the Containerfiles in
# tests/containers/local-images/, which mimic what docker-compose.yml uses of
# the official images. Rebuilt from the layer cache on every call, so a
# change to a Containerfile takes effect.
bootstrap_from_containerfile() {
  local image="$1" dir="$2"
  say "local ${image} from Debian packages"
  pm build --quiet --pull=never --layers -t "$image" "${CONTAINERS_IMAGES_DIR}/${dir}" >/dev/null
}

containers_bootstrap() {
  bootstrap_debian
  bootstrap_node
  bootstrap_from_containerfile "$IMAGE_POSTGRES" postgres
  bootstrap_from_containerfile "$IMAGE_NGINX" nginx
  bootstrap_from_containerfile "$IMAGE_PROMETHEUS" prometheus
}

# The OCI labels' values: the commit, and the version from the top CMakeLists.
image_revision() {
  if [ -n "${ECOM_IMAGE_REVISION:-}" ]; then
    echo "$ECOM_IMAGE_REVISION"
  else
    git -C "$ROOT_DIR" rev-parse HEAD 2>/dev/null || echo unknown
  fi
}

image_version() {
  sed -n 's/^ *VERSION \([0-9][0-9.]*\).*/\1/p' "${ROOT_DIR}/CMakeLists.txt" | head -1
}

# The build arguments of every image build. The labels are given to podman
# too: buildah 1.28 reuses a cached LABEL step whose ARG values changed.
image_build_args() {
  local revision version
  revision="$(image_revision)"
  version="$(image_version)"
  printf '%s\n' --pull=never --layers --format docker \
    --build-arg "REVISION=${revision}" --build-arg "VERSION=${version}" \
    --label "org.opencontainers.image.revision=${revision}" --label "org.opencontainers.image.version=${version}"
}

# containers_build SERVICE [podman build args...]: builds one service image
# from the repository (or from $ECOM_BUILD_CONTEXT).
containers_build() {
  local service="$1" context="${ECOM_BUILD_CONTEXT:-$ROOT_DIR}" args
  shift
  mapfile -t args < <(image_build_args)
  pm build "${args[@]}" -f "${context}/services/${service}/Dockerfile" \
    -t "${ECOM_IMAGE_PREFIX}/${service}:${ECOM_IMAGE_TAG}" "$@" "$context"
}

containers_build_all() {
  local service
  for service in "${SERVICE_NAMES[@]}"; do
    say "building the ${service} image"
    containers_build "$service" "$@"
  done
}
