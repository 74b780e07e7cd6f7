#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The container suite (ctest label "containers"; scripts/test.sh runs it):
#
#   run-tests.sh static   no podman needed: dockerfilelint on every
#                         services/*/Dockerfile, the Dockerfiles' own rules
#                         (multi-stage, shared stages identical, tagged bases,
#                         exec-form ENTRYPOINT, USER 65532:65532, HEALTHCHECK
#                         with --health-check, STOPSIGNAL, EXPOSE, OCI labels),
#                         docker-compose.yml against the Compose Specification
#                         schema (ajv) and dclint, compose/nginx.conf current
#                         with config/routes.json
#   run-tests.sh stack    with podman: builds the local base images and the
#                         three service images, checks each image (size
#                         <= 30 MB, non-root numeric user, no /bin/sh, no
#                         package manager, labels), that a change to one
#                         service's sources rebuilds no layer of the others,
#                         runs docker-compose.yml (docker-compose 1.29 against
#                         podman's Docker API), checks the running containers
#                         against the compose file (read-only root, tmpfs /tmp,
#                         user, limits, health), loads the demo catalog and
#                         runs the catalog and checkout smoke tests through
#                         the nginx ALB container, then removes the stack
#
# No podman (and no way to install it) fails the suite; set
# ECOM_SKIP_CONTAINERS=1 to skip it explicitly (exit 77, "skipped" in ctest).
# Every step prints PASS or FAIL; the last line is "N passed, M failed".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "${HERE}/../../scripts/lib/common.sh"
# shellcheck source=../../scripts/lib/containers.sh
source "${ROOT_DIR}/scripts/lib/containers.sh"
# shellcheck source=../../scripts/lib/npm-deps.sh
source "${ROOT_DIR}/scripts/lib/npm-deps.sh"

DEVTOOLS="${ROOT_DIR}/tools/devtools"
MAX_IMAGE_BYTES=$((30 * 1000 * 1000))
PROJECT="${ECOM_COMPOSE_PROJECT:-ecomtest}"
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }
# check NAME COMMAND...: runs COMMAND, PASS or FAIL with its output.
check() {
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    pass "$name"
  else
    fail "$name"
    printf '%s\n' "$out" | sed 's/^/    /' | tail -40
  fi
}

finish() {
  echo "${PASSED} passed, ${FAILED} failed"
  [ "$FAILED" -eq 0 ]
}

ensure_devtools() {
  ensure_npm_deps "$DEVTOOLS" --ignore-scripts --prefer-offline
}

# ---------------------------------------------------------------- static

DOCKERFILES=()
for s in "${SERVICE_NAMES[@]}"; do
  DOCKERFILES+=("${ROOT_DIR}/services/${s}/Dockerfile")
done

static_checks() {
  ensure_devtools
  check "dockerfilelint: every services/*/Dockerfile" \
    "${DEVTOOLS}/node_modules/.bin/dockerfilelint" -c "$HERE" "${DOCKERFILES[@]}"
  check "Dockerfile rules (stages, user, entry point, health check, labels, layer order)" \
    /usr/bin/python3 "${HERE}/check_dockerfiles.py" "${DOCKERFILES[@]}"
  check "docker-compose.yml is valid against the Compose Specification schema" \
    node "${HERE}/validate-compose.mjs" "${ROOT_DIR}/docker-compose.yml"
  check "dclint: docker-compose.yml" \
    "${DEVTOOLS}/node_modules/.bin/dclint" --max-warnings 0 -c "${HERE}/dclintrc.json" "${ROOT_DIR}/docker-compose.yml"
  check "docker-compose.yml: topology, health checks, read-only roots, limits as on Fargate" \
    /usr/bin/python3 "${HERE}/check_compose.py" "${ROOT_DIR}/docker-compose.yml"
  check "compose/nginx.conf is what render_nginx.py --compose makes of config/routes.json" \
    diff -u "${ROOT_DIR}/compose/nginx.conf" <(/usr/bin/python3 "${ROOT_DIR}/scripts/lib/render_nginx.py" --compose)
  check "shellcheck: the suite's scripts" \
    shellcheck -x -S warning "${HERE}/run-tests.sh" "${ROOT_DIR}/scripts/lib/containers.sh" \
      "${HERE}/fresh-machine.sh" "${HERE}/fresh-machine-inside.sh" \
      "${ROOT_DIR}/compose/runtime-root.sh" "${ROOT_DIR}/compose/initdb/10-roles-and-schemas.sh" \
      "${HERE}/local-images/postgres/docker-entrypoint.sh"
}

# ---------------------------------------------------------------- stack

SERVICE_PID=""
TICKER_PID=""
STACK_UP=0
ENV_FILE="${CONTAINERS_DIR}/compose.env"

# docker-compose for the project; --compatibility applies deploy.resources.
# (An array, not a function, so that timeout can run it.)
# The observability profile is part of the test.
COMPOSE=(env "DOCKER_HOST=unix://${CONTAINERS_DIR}/podman.sock" COMPOSE_INTERACTIVE_NO_CLI=1
  docker-compose --no-ansi --compatibility -p "$PROJECT" --env-file "$ENV_FILE" -f "${ROOT_DIR}/docker-compose.yml"
  --profile observability)

# podman's Docker-compatible API for docker-compose.
start_api_service() {
  local sock="${CONTAINERS_DIR}/podman.sock" _
  rm -f "$sock"
  podman system service --time=0 "unix://${sock}" >"${CONTAINERS_DIR}/api-service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 100); do
    [ -S "$sock" ] && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.1
  done
  die "podman system service did not start (log: ${CONTAINERS_DIR}/api-service.log)"
}

# podman runs health checks from systemd timers; without systemd (containers,
# CI machines) nothing runs them, so this loop does, every 2 seconds.
start_health_ticker() {
  (
    set +e
    while true; do
      podman ps --filter "label=com.docker.compose.project=${PROJECT}" --format '{{.ID}}' 2>/dev/null |
        while read -r id; do podman healthcheck run "$id" </dev/null >/dev/null 2>&1; done
      sleep 2
    done
  ) &
  TICKER_PID=$!
}

# The project's containers, volumes and network, removed through podman
# itself (also what an interrupted run left behind).
remove_project() {
  local ids
  ids="$(podman ps -aq --filter "label=com.docker.compose.project=${PROJECT}" 2>/dev/null)"
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id a word
    podman rm -f $ids >/dev/null 2>&1 || true
  fi
  podman volume ls -q --filter "label=com.docker.compose.project=${PROJECT}" 2>/dev/null |
    xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
}

stop_stack() {
  if [ "$STACK_UP" -eq 1 ]; then
    timeout 120 "${COMPOSE[@]}" down --volumes --remove-orphans >/dev/null 2>&1 || true
    remove_project
    STACK_UP=0
  fi
  if [ -n "$TICKER_PID" ]; then
    kill "$TICKER_PID" 2>/dev/null || true
    wait "$TICKER_PID" 2>/dev/null || true
    TICKER_PID=""
  fi
  if [ -n "$SERVICE_PID" ]; then
    kill "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=""
  fi
}

write_env_file() {
  local port="$1"
  (
    umask 077
    {
      echo "POSTGRES_PASSWORD=$(random_secret)"
      echo "CATALOG_DB_PASSWORD=$(random_secret)"
      echo "ORDERS_DB_PASSWORD=$(random_secret)"
      echo "ADMIN_API_KEY=$(random_secret)"
      echo "INTERNAL_API_KEY=$(random_secret)"
      echo "CARD_FINGERPRINT_KEY=$(random_secret)"
      echo "PUBLIC_PORT=${port}"
      echo "PROMETHEUS_PORT=$(free_port)"
      echo "LOG_LEVEL=info"
    } >"$ENV_FILE"
  )
}

env_value() {
  sed -n "s/^$1=//p" "$ENV_FILE"
}

image_ref() {
  echo "${ECOM_IMAGE_PREFIX}/$1:${ECOM_IMAGE_TAG}"
}

# The files of an image, one path a line (from an exported container).
image_files() {
  local id
  id="$(podman create --no-healthcheck "$(image_ref "$1")")"
  podman export "$id" | tar -t
  podman rm "$id" >/dev/null 2>&1
}

check_image() {
  local service="$1" ref size
  ref="$(image_ref "$service")"
  size="$(podman image inspect --format '{{.Size}}' "$ref")"
  IMAGE_SIZES+=("${service} $((size / 1000)) kB")
  if [ "$size" -le "$MAX_IMAGE_BYTES" ]; then
    pass "${service} image: ${size} bytes <= ${MAX_IMAGE_BYTES}"
  else
    fail "${service} image: ${size} bytes > ${MAX_IMAGE_BYTES}"
  fi
  check "${service} image: config (user 65532:65532, exec-form entry point, SIGTERM, ports, health check, OCI labels)" \
    /usr/bin/python3 "${HERE}/check_image.py" "$service" "$(image_revision)" \
      <(podman image inspect "$ref")
  local files
  files="$(image_files "$service")"
  check "${service} image: no shell, no package manager, only its binary, libraries and data" \
    /usr/bin/python3 "${HERE}/check_image_files.py" "$service" <<<"$files"
  # The shell is really absent: running it fails.
  if podman run --rm --no-healthcheck --entrypoint /bin/sh "$ref" -c true >/dev/null 2>&1; then
    fail "${service} image: /bin/sh ran"
  else
    pass "${service} image: /bin/sh cannot be run"
  fi
  # Every library the binary needs is in the image: it runs (and its health
  # probe fails cleanly, nothing listens), read-only and as 65532.
  local out
  out="$(podman run --rm --no-healthcheck --read-only --tmpfs /tmp "$ref" --health-check 2>&1)" && status=0 || status=$?
  if [ "$status" -eq 1 ] && [[ "$out" == *"health check failed"* ]]; then
    pass "${service} image: the binary runs on a read-only root (its libraries are all there)"
  else
    fail "${service} image: --health-check exited ${status}: ${out}"
  fi
}

build_images() {
  local service start
  for service in "${SERVICE_NAMES[@]}"; do
    start=$(date +%s)
    if containers_build "$service" >"${CONTAINERS_DIR}/build-${service}.log" 2>&1; then
      pass "build the ${service} image ($(( $(date +%s) - start )) s)"
    else
      fail "build the ${service} image (log: ${CONTAINERS_DIR}/build-${service}.log)"
      tail -30 "${CONTAINERS_DIR}/build-${service}.log" | sed 's/^/    /'
      return 1
    fi
  done
  check_common_built_once
}

# services/common is compiled in the shared common stage, once: an image
# built after the first takes that stage from the layer cache, and its own
# stage (configured with the same preset) compiles none of it again. A
# service stage that changed the compile flags would rebuild all of it, in
# every image.
check_common_built_once() {
  local service log again
  for service in "${SERVICE_NAMES[@]:1}"; do
    log="${CONTAINERS_DIR}/build-${service}.log"
    again="$(grep -c 'Building CXX object services/common/' "$log" || true)"
    if [ "$again" -eq 0 ]; then
      pass "the ${service} image compiles no services/common source again (the shared stage is built once)"
    else
      fail "the ${service} image compiled ${again} services/common sources again (log: ${log})"
    fi
  done
}

# A copy of the build context with one line added to a product-service
# source: the other images must come entirely from the layer cache.
check_layer_cache() {
  local ctx="${CONTAINERS_DIR}/cache-check-context" service before after log
  rm -rf "$ctx"
  mkdir -p "$ctx"
  git -C "$ROOT_DIR" ls-files -z --cached --others --exclude-standard |
    (cd "$ROOT_DIR" && xargs -0 cp --parents -t "$ctx" 2>/dev/null) || true
  cp "${ROOT_DIR}/.dockerignore" "$ctx/"
  echo "// a change to product-service only" >>"${ctx}/services/product-service/src/main.cpp"
  for service in order-service frontend; do
    before="$(podman image inspect --format '{{.Id}}' "$(image_ref "$service")")"
    log="${CONTAINERS_DIR}/cache-check-${service}.log"
    ECOM_BUILD_CONTEXT="$ctx" containers_build "$service" -t "localhost/cache-check/${service}" >"$log" 2>&1 ||
      { fail "layer cache: ${service} did not build from the changed context (log: ${log})"; continue; }
    after="$(podman image inspect --format '{{.Id}}' "localhost/cache-check/${service}")"
    # A rebuilt layer would have a new identifier, and so would the image.
    if [ "$before" = "$after" ]; then
      pass "layer cache: a product-service change rebuilds no layer of ${service}"
    else
      fail "layer cache: a product-service change rebuilt ${service} (${before:0:12} -> ${after:0:12}, log: ${log})"
    fi
    podman rmi "localhost/cache-check/${service}" >/dev/null 2>&1 || true
  done
  rm -rf "$ctx"
}

dump_logs() {
  local c
  for c in $(podman ps -a --filter "label=com.docker.compose.project=${PROJECT}" --format '{{.Names}}'); do
    echo "---- logs of ${c}"
    # The first lines show how a service started, the last what it did
    # when the check failed (a short log whole).
    podman logs "$c" 2>&1 | awk '
      { line[NR] = $0 }
      END {
        for (i = 1; i <= NR; i++) {
          if (NR > 70 && i == 31) { print "..."; i = NR - 40; continue }
          print line[i]
        }
      }' | sed 's/^/    /'
  done
}

# What the services' name lookups met, printed when a check failed: the
# resolver configuration in order-service's container, the names podman's DNS
# server (aardvark-dns) holds for the network, and timed lookups from a
# throwaway container on the same network with the services' DNS options.
dns_report() {
  local network resolv config name
  network="${PROJECT}_default"
  echo "---- name lookups on ${network}"
  resolv="$(podman inspect --format '{{.ResolvConfPath}}' "${PROJECT}_order-service_1" 2>/dev/null || true)"
  if [ -n "$resolv" ] && [ -f "$resolv" ]; then
    sed 's/^/    resolv.conf: /' "$resolv"
  fi
  config=/run/containers/networks/aardvark-dns/"${network}"
  if [ -f "$config" ]; then
    sed 's/^/    aardvark-dns: /' "$config"
  fi
  for name in product-service postgres order-service; do
    for _ in 1 2 3; do
      podman run --rm --network "$network" --dns-opt timeout:1 --dns-opt attempts:5 "${IMAGE_DEBIAN}" \
        bash -c 's=$(date +%s%N); r=$(getent ahostsv4 "$1" | head -1); echo "    lookup $1: ${r:-FAILED} in $(( ($(date +%s%N) - s) / 1000000 )) ms"' \
        _ "$name" 2>&1 | grep -v 'level=warning' || true
    done
  done
}

stack_up() {
  local port start
  port="$(free_port)"
  write_env_file "$port"
  start_api_service
  start_health_ticker
  remove_project
  start=$(date +%s)
  STACK_UP=1
  # docker-compose waits for each service_healthy dependency without end.
  if timeout "${ECOM_COMPOSE_UP_TIMEOUT:-300}" "${COMPOSE[@]}" up --detach --no-build >"${CONTAINERS_DIR}/compose-up.log" 2>&1; then
    pass "docker-compose up: every service healthy in dependency order ($(( $(date +%s) - start )) s)"
  else
    fail "docker-compose up (log: ${CONTAINERS_DIR}/compose-up.log)"
    tail -20 "${CONTAINERS_DIR}/compose-up.log" | sed 's/^/    /'
    dump_logs
    return 1
  fi
}

# Every container of the project running and, where it has a health check,
# healthy (the ALB has no dependents, so docker-compose does not wait for it);
# the one-shot seed exited 0.
wait_all_healthy() {
  local _ status
  for _ in $(seq 1 60); do
    status="$(podman ps -a --filter "label=com.docker.compose.project=${PROJECT}" --format '{{.Names}} {{.Status}}')"
    # Up and healthy, or up without a health check (Prometheus), or the seed done.
    if [ -n "$status" ] && ! grep -qvE ' Up .*\(healthy\)$| Up [^()]*$|_seed_1 Exited \(0\) ' <<<"$status"; then
      return 0
    fi
    sleep 1
  done
  echo "$status"
  return 1
}

wait_for_alb() {
  local base="$1" _
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "${base}/api/products?limit=1" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# wait_for_catalog BASE N: the catalog lists N products (the one-shot seed
# service may still be loading it).
wait_for_catalog() {
  local _ n=""
  for _ in $(seq 1 60); do
    n="$(curl -fsS "$1/api/products?limit=100" 2>/dev/null | jq '.items | length' 2>/dev/null || true)"
    [ "$n" = "$2" ] && return 0
    sleep 1
  done
  echo "the catalog lists ${n:-no} products, expected $2"
  return 1
}

# The compose database checks passwords as RDS does: a role with its own
# password connects over TCP; a wrong password, the superuser without one,
# and anyone but the postgres OS user on the socket are refused.
database_checks_passwords() {
  local c="${PROJECT}_postgres_1" password
  password="$(env_value CATALOG_DB_PASSWORD)"
  if ! podman exec -e PGPASSWORD="$password" "$c" psql -X -w -h 127.0.0.1 -U catalog_svc -d shop -tAc 'SELECT 1' |
      grep -qx 1; then
    echo "catalog_svc could not connect with its password"
    return 1
  fi
  if podman exec -e PGPASSWORD=wrong-password "$c" psql -X -w -h 127.0.0.1 -U catalog_svc -d shop -c 'SELECT 1'; then
    echo "a wrong password was accepted"
    return 1
  fi
  if podman exec "$c" psql -X -w -h 127.0.0.1 -U postgres -d shop -c 'SELECT 1'; then
    echo "the superuser connected over TCP without a password"
    return 1
  fi
  if podman exec -u 0 "$c" psql -X -w -U postgres -d shop -c 'SELECT 1'; then
    echo "root connected on the socket as the superuser"
    return 1
  fi
  return 0
}

stack_checks() {
  local port base admin_key
  port="$(env_value PUBLIC_PORT)"
  admin_key="$(env_value ADMIN_API_KEY)"
  base="http://127.0.0.1:${port}"
  check "every container up, and healthy where it has a health check" wait_all_healthy
  check "the running containers match docker-compose.yml (read-only roots, tmpfs /tmp, users, limits, health)" \
    /usr/bin/python3 "${HERE}/check_compose.py" "${ROOT_DIR}/docker-compose.yml" --running "$PROJECT"
  check "the local ALB answers on ${base}" wait_for_alb "$base"
  check "the seed service loaded the demo catalog (50 products through the ALB)" wait_for_catalog "$base" 50
  check "demo catalog loaded through the ALB again by load_demo.py: nothing to add (admin API key from the env file)" \
    /usr/bin/python3 "${ROOT_DIR}/scripts/lib/load_demo.py" "$base" "$admin_key" \
      "${ROOT_DIR}/services/product-service/demo/catalog.json"
  check "smoke test through the ALB container: catalog, a declined checkout read back, stock unchanged" \
    env SMOKE_WAIT_SECONDS=60 SMOKE_CHECKOUT_TRIES=20 bash "${ROOT_DIR}/scripts/smoke-test.sh" "$base"
  check "routing through the ALB: storefront, BFF, /internal/ not routed, no Host answered, slow headers cut off" \
    /usr/bin/python3 "${HERE}/check_routes.py" "$base"
  check "the database refuses wrong and missing passwords (scram-sha-256 on TCP, peer on the socket)" \
    database_checks_passwords
  check "observability profile: Prometheus scrapes the three services' /metrics" \
    /usr/bin/python3 "${HERE}/check_routes.py" --prometheus "http://127.0.0.1:$(env_value PROMETHEUS_PORT)"
}

run_stack() {
  local start
  start=$(date +%s)
  # One revision for the builds and the label checks, whatever is committed meanwhile.
  ECOM_IMAGE_REVISION="$(image_revision)"
  export ECOM_IMAGE_REVISION
  if [ "${ECOM_SKIP_CONTAINERS:-0}" = 1 ]; then
    echo "container suite skipped: ECOM_SKIP_CONTAINERS=1"
    exit 77
  fi
  command -v docker-compose >/dev/null 2>&1 || ensure_packages docker-compose
  containers_setup
  command -v docker-compose >/dev/null 2>&1 || die "docker-compose is not installed (apt-get install docker-compose)"
  trap 'stop_stack' EXIT
  trap 'exit 130' INT TERM
  local t0
  t0=$(date +%s)
  containers_bootstrap
  pass "local base images (debian, node, postgres, nginx, prometheus) ($(( $(date +%s) - t0 )) s)"
  IMAGE_SIZES=()
  if build_images; then
    local service
    for service in "${SERVICE_NAMES[@]}"; do
      check_image "$service"
    done
    check_layer_cache
    if stack_up; then
      stack_checks
      [ "$FAILED" -eq 0 ] || { dump_logs; dns_report; }
    fi
  fi
  stop_stack
  echo "image sizes: ${IMAGE_SIZES[*]:-none}"
  echo "container suite took $(( $(date +%s) - start )) s"
}

case "${1:-}" in
  static) static_checks; finish ;;
  stack) run_stack; finish ;;
  *) script_help "$0" >&2; exit 2 ;;
esac
