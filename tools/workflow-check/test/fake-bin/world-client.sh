# shellcheck shell=bash
# Sourced by the fake-bin wrappers: with FAKE_WORLD_PORT set, the call goes
# to the tests' in-process fake world (../fake-world/server.js) over TCP
# instead of starting Node; the wrapper exits with the call's exit code.
# Usage: . world-client.sh TOOL ARGS...
if [ -n "${FAKE_WORLD_PORT:-}" ]; then
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
  exec 3<>"/dev/tcp/127.0.0.1/${FAKE_WORLD_PORT}"
  {
    printf '%s\0%s\0%s\0' "$PWD" "$fake_tool" "$#"
    [ "$#" -eq 0 ] || printf '%s\0' "$@"
    printf '%s\0%s' "$(printf '%s' "$fake_stdin" | wc -c | tr -d ' ')" "$fake_stdin"
  } >&3
  IFS= read -r fake_exit <&3
  IFS= read -r fake_length <&3
  head -c "$fake_length" <&3
  cat <&3 >&2
  exec 3<&-
  exit "$fake_exit"
fi
