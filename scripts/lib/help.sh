# shellcheck shell=bash
# script_help FILE [FIRST]: prints the comment at the top of FILE (after the
# #! line and any shellcheck directive, up to the first line that is not a
# comment) without its "# ", so a script's --help is its header and cannot
# drift from it. With FIRST, from the first line that starts with FIRST
# (e.g. "Usage:"), for a short usage message on a wrong call.
script_help() {
  awk -v first="${2:-}" '
    NR == 1 && /^#!/ { next }
    /^# shellcheck / { next }
    !/^#/ { exit }
    { line = $0; sub(/^# ?/, "", line) }
    first != "" && !started { if (index(line, first) != 1) next; started = 1 }
    { print line }
  ' "$1"
}
