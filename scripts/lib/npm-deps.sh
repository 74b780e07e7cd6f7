# shellcheck shell=bash
# ensure_npm_deps DIR [npm ci options...]: installs the npm dependencies of
# the tool folder DIR (npm ci) when its node_modules is missing or older than
# its package-lock.json. ctest runs checks that share a folder at once (the
# workflow checks use tools/tfcheck while tfcheck's own check runs): one
# install per folder at a time, the others wait for it and find it done.
# Progress goes to stderr; a failed install fails the call.
ensure_npm_deps() {
  local dir="$1" lock
  shift
  lock="${TMPDIR:-/tmp}/npm-deps-$(printf '%s' "$dir" | md5sum | cut -c1-12).lock"
  (
    flock 9
    if [[ ! -f "${dir}/node_modules/.package-lock.json" || "${dir}/package-lock.json" -nt "${dir}/node_modules/.package-lock.json" ]]; then
      echo "installing the npm dependencies of ${dir##*/} (npm ci)" >&2
      cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@" >&2
    fi
  ) 9>"$lock"
}
