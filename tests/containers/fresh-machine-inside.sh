#!/bin/bash
# The steps of the fresh-machine check, run by fresh-machine.sh as the first
# process of the fresh machine (a minimal Debian 12 container), as root, in
# the clone ($ECOM_FRESH_CLONE). It uses nothing but what such a machine has
# (bash, coreutils, grep, Node.js) until the commands under test have
# installed more. Logs go to /fresh-machine-logs/.
set -uo pipefail

REPO="${ECOM_FRESH_CLONE:?ECOM_FRESH_CLONE is not set}"
LOGS=/fresh-machine-logs
URL='http://localhost:8080/api/products?limit=1'
# run.sh installs and builds before it serves: a cold build takes a while.
RUN_READY_SECONDS="${ECOM_FRESH_RUN_READY_SECONDS:-2400}"
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }

# The processes of the machine other than this script, one a line (pid and
# command line). Exited processes not yet reaped (zombies) are not running.
# Reads /proc with shell builtins only, so that it lists no helper of its own.
LEFT=()
list_running() {
  LEFT=()
  local dir pid stat state args comm
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    [ "$pid" = "$$" ] && continue
    read -r stat <"${dir}/stat" 2>/dev/null || continue
    state="${stat##*) }"
    state="${state%% *}"
    [ "$state" = Z ] && continue
    mapfile -d '' args <"${dir}/cmdline" 2>/dev/null || args=()
    # A process that is exiting has no command line any more: its name and
    # state (from stat) still say what it was.
    comm="${stat#*(}"
    comm="${comm%)*}"
    LEFT+=("${pid} [${comm} ${state}] ${args[*]:-}")
  done
}

# wait_nothing_running SECONDS: lists what runs until nothing does or the
# time is up; processes still exiting (a stopped server's last children)
# get those seconds to finish.
wait_nothing_running() {
  local deadline=$((SECONDS + $1))
  list_running
  while [ "${#LEFT[@]}" -gt 0 ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 1
    list_running
  done
}

check_nothing_running() {
  local after="$1"
  wait_nothing_running 10
  if [ "${#LEFT[@]}" -eq 0 ]; then
    pass "nothing left running after ${after}"
  else
    fail "left running after ${after}:"
    printf '    %s\n' "${LEFT[@]}"
  fi
}

# A job of its own process group (set -m), as a terminal runs a command:
# SIGINT to the group is what Ctrl-C sends.
set -m

# A command's log as it grows, each line with the seconds since the check
# started; a job (process group) of its own, stopped as a whole.
TAIL_PID=""
follow_log() {
  (
    tail -n +1 -f "$1" | while IFS= read -r line; do
      printf '%5d s  %s\n' "$SECONDS" "$line"
    done
  ) &
  TAIL_PID=$!
}
stop_following() {
  if [ -n "$TAIL_PID" ]; then
    sleep 1
    kill -- "-${TAIL_PID}" 2>/dev/null
    wait "$TAIL_PID" 2>/dev/null
    TAIL_PID=""
  fi
}

step_bare_machine() {
  local lists tools=() t
  lists="$(find /var/lib/apt/lists -type f ! -name lock 2>/dev/null | head -3)"
  if [ -z "$lists" ]; then
    pass "the machine is fresh: no apt package lists"
  else
    fail "the machine has apt package lists: ${lists}"
  fi
  for t in git curl jq python3 gcc g++ cmake psql nginx chromium shellcheck; do
    command -v "$t" >/dev/null 2>&1 && tools+=("$t")
  done
  if [ "${#tools[@]}" -eq 0 ]; then
    pass "the machine is fresh: no git, curl, jq, python3, compiler, CMake, PostgreSQL, nginx, Chromium"
  else
    fail "the machine already has: ${tools[*]}"
  fi
  if node --version >/dev/null 2>&1 && npm --version >/dev/null 2>&1; then
    pass "Node.js $(node --version) and npm $(npm --version) are there (the README's prerequisite)"
  else
    fail "Node.js or npm is missing from the machine"
  fi
}

answers() {
  command -v curl >/dev/null 2>&1 && curl -fsS -o /dev/null --max-time 5 "$URL" 2>/dev/null
}

step_run() {
  local log="${LOGS}/run.log" start=$SECONDS pid status
  echo "== ./scripts/run.sh (log: ${log})"
  ./scripts/run.sh >"$log" 2>&1 &
  pid=$!
  follow_log "$log"
  while ! answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      stop_following
      wait "$pid"
      fail "./scripts/run.sh exited ($?) before ${URL} answered"
      return 1
    fi
    if [ $((SECONDS - start)) -ge "$RUN_READY_SECONDS" ]; then
      stop_following
      kill -INT -- "-${pid}" 2>/dev/null
      fail "./scripts/run.sh: ${URL} did not answer within ${RUN_READY_SECONDS} s"
      return 1
    fi
    sleep 2
  done
  pass "./scripts/run.sh: ${URL} answers ($((SECONDS - start)) s from a bare machine)"
  # The demo catalog loads once the load balancer answers: Ctrl-C after it.
  local waited=0
  until grep -q 'the platform is up' "$log"; do
    if [ "$waited" -ge 300 ] || ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  if grep -q 'the platform is up' "$log"; then
    pass "./scripts/run.sh: the platform is up, demo catalog loaded"
  else
    fail "./scripts/run.sh did not report the platform up"
  fi

  echo "== Ctrl-C"
  kill -INT -- "-${pid}"
  local _
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "./scripts/run.sh still runs 60 s after Ctrl-C"
    kill -KILL -- "-${pid}" 2>/dev/null
  fi
  wait "$pid"
  status=$?
  stop_following
  if [ "$status" -eq 0 ]; then
    pass "./scripts/run.sh exits 0 on Ctrl-C"
  else
    fail "./scripts/run.sh exited ${status} on Ctrl-C"
  fi
  check_nothing_running "./scripts/run.sh"
}

step_test() {
  local log="${LOGS}/test.log" start=$SECONDS status summary
  echo "== ECOM_SKIP_CONTAINERS=1 ./scripts/test.sh --quick (log: ${log})"
  ECOM_SKIP_CONTAINERS=1 ./scripts/test.sh --quick >"$log" 2>&1 &
  local pid=$!
  follow_log "$log"
  wait "$pid"
  status=$?
  stop_following
  summary="$(tail -n 1 "$log")"
  if [ "$status" -eq 0 ] && [[ "$summary" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
    pass "./scripts/test.sh --quick: ${summary} ($((SECONDS - start)) s)"
  else
    fail "./scripts/test.sh --quick exited ${status}: ${summary}"
  fi
  check_nothing_running "./scripts/test.sh --quick"
}

step_clean_clone() {
  local changes
  if ! command -v git >/dev/null 2>&1; then
    fail "git is not installed after ./scripts/test.sh"
    return
  fi
  changes="$(git -C "$REPO" status --porcelain 2>&1)"
  if [ -z "$changes" ]; then
    pass "the commands left the clone clean (git status: outputs are all git-ignored)"
  else
    fail "the commands changed the clone:"
    printf '%s\n' "$changes" | sed 's/^/    /' | head -20
  fi
}

main() {
  mkdir -p "$LOGS"
  cd "$REPO" || exit 1
  local start=$SECONDS
  step_bare_machine
  step_run
  step_test
  step_clean_clone
  echo "fresh machine: both commands took $((SECONDS - start)) s"
  # The CPU time of all they ran, which other work on the machine does not
  # stretch: what the check costs on idle cores.
  echo "CPU time (user, system) of this script, then of everything it ran:"
  times
  echo "${PASSED} passed, ${FAILED} failed"
  [ "$FAILED" -eq 0 ]
}

main
