# shellcheck shell=bash
# Sourced by the fake-bin wrappers: with FAKE_SERVER_PORT set, the call goes
# to the tests' in-process fakes (../fake-world/server.js: the world of
# FAKE_DIR, or its rules) over TCP instead of starting Node; the wrapper exits
# with the call's exit code.
# Usage: . server-client.sh TOOL ARGS...
# Kept to bash builtins (no dirname, wc, head or cat per call) and to one
# write of the request (several small writes wait on delayed ACKs): a
# scenario makes hundreds of calls.
if [ -n "${FAKE_SERVER_PORT:-}" ]; then
  fake_tool="$1"
  shift
  fake_stdin=""
  case "$fake_tool" in
    docker) [ "${1:-}" != login ] || fake_stdin="$(cat)" ;;
    terraform)
      if [[ " $* " == *" apply "* || " $* " == *" destroy "* ]] && [[ " $* " != *" -auto-approve "* ]]; then
        fake_stdin="$(cat)"
        fake_stdin+=$'\n'
      fi
      ;;
  esac
  LC_ALL=C # lengths and reads in bytes
  exec 3<>"/dev/tcp/127.0.0.1/${FAKE_SERVER_PORT}"
  # cwd NUL tool NUL argc NUL args... NUL stdin-length NUL stdin NUL
  printf '%s\0' "$PWD" "$fake_tool" "$#" "$@" "${#fake_stdin}" "$fake_stdin" >&3
  # exit-code LF stdout-length LF stderr-length LF stdout stderr
  IFS= read -r fake_exit <&3
  IFS= read -r fake_out <&3
  IFS= read -r fake_err <&3
  if [ "${fake_out:-0}" -gt 0 ]; then
    IFS= read -r -d '' -N "$fake_out" fake_text <&3
    printf '%s' "$fake_text"
  fi
  if [ "${fake_err:-0}" -gt 0 ]; then
    IFS= read -r -d '' -N "$fake_err" fake_text <&3
    printf '%s' "$fake_text" >&2
  fi
  exec 3<&-
  exit "${fake_exit:-98}"
fi
