#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The C++ habits the test command holds the tree to:
#   1. clang-format (.clang-format): every C++ file of services/, tools/ and
#      bench/ is formatted, checked without changing anything;
#   2. clang-tidy (.clang-tidy, a small chosen check set, findings are
#      errors) on the changed C++ files: those that differ from the branch's
#      upstream (the commits not pushed yet and the work tree), or, when there
#      is no such difference (a clean clone), those the last commit changed.
#      A changed header is checked through the sources that include it.
# The compile commands come from a configure-only clang build folder
# (build/tidy, no precompiled headers), configured on every run.
#
# Usage: scripts/lint-cpp.sh [--all] [--fix] [FILE...]
#   --all   clang-tidy on every C++ source (several minutes on 2 cores)
#   --fix   rewrite the files clang-format would change (no check)
#   FILE    clang-tidy on these files instead of the changed ones
# Needs clang-format-14 and clang-tidy-14 (apt packages clang-format and
# clang-tidy); scripts/test.sh installs them. Exit 0 with zero findings,
# 1 otherwise, 2 on a usage error.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/help.sh"

ALL=0
FIX=0
FILES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --all) ALL=1 ;;
    --fix) FIX=1 ;;
    -h | --help) script_help "$0"; exit 0 ;;
    -*) echo "lint-cpp: unknown option $1" >&2; script_help "$0" "Usage:" >&2; exit 2 ;;
    *) FILES+=("$1") ;;
  esac
  shift
done

CLANG_FORMAT="$(command -v clang-format-14 || command -v clang-format || true)"
CLANG_TIDY="$(command -v clang-tidy-14 || command -v clang-tidy || true)"
[ -n "$CLANG_FORMAT" ] || die "clang-format is not installed (apt-get install clang-format)"
[ -n "$CLANG_TIDY" ] || die "clang-tidy is not installed (apt-get install clang-tidy)"
cd "$ROOT_DIR"

# Every tracked C++ file the habits cover.
mapfile -t CPP_FILES < <(git ls-files -- 'services/*.cpp' 'services/*.hpp' 'tools/*.cpp' 'tools/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
[ "${#CPP_FILES[@]}" -gt 0 ] || die "no C++ files found (is this a git checkout?)"

if [ "$FIX" -eq 1 ]; then
  "$CLANG_FORMAT" -i "${CPP_FILES[@]}"
  echo "lint-cpp: formatted ${#CPP_FILES[@]} files"
  exit 0
fi

# The gate can fail: the configuration finds a known mistake in a sample
# (a use after move, and code clang-format would change) before it is trusted
# with the tree's files.
self_test() {
  local sample
  sample="$(mktemp --suffix=.cpp)"
  printf '#include <string>\n#include <utility>\nstd::size_t f(std::string a) {\n    std::string b = std::move(a);\n    return a.size() + b.size();\n}\n' >"$sample"
  local found
  found="$("$CLANG_TIDY" --quiet --config-file="${ROOT_DIR}/.clang-tidy" "$sample" -- -std=c++20 2>&1 || true)"
  if [[ "$found" != *bugprone-use-after-move* ]]; then
    rm -f "$sample"
    die "self-test: clang-tidy with .clang-tidy found no use after move in a sample that has one"
  fi
  if printf 'int  f( ){return 1;}\n' | "$CLANG_FORMAT" --dry-run --Werror --assume-filename="${ROOT_DIR}/services/sample.cpp" >/dev/null 2>&1; then
    rm -f "$sample"
    die "self-test: clang-format with .clang-format accepted a badly formatted sample"
  fi
  rm -f "$sample"
}
self_test

status=0
unformatted=()
for f in "${CPP_FILES[@]}"; do
  "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ "${#unformatted[@]}" -eq 0 ]; then
  echo "lint-cpp: clang-format: ${#CPP_FILES[@]} files formatted"
else
  echo "lint-cpp: clang-format: ${#unformatted[@]} of ${#CPP_FILES[@]} files not formatted (scripts/lint-cpp.sh --fix formats them):" >&2
  for f in "${unformatted[@]}"; do
    echo "  $f" >&2
    "$CLANG_FORMAT" "$f" | diff -u "$f" - | sed -n '3,12p' | sed 's/^/    /' >&2 || true
  done
  status=1
fi

# The sources to run clang-tidy on: those that differ from the branch's
# upstream; without such a difference (a clean clone), the C++ files of the
# latest commits, newest first, up to MAX_RECENT sources.
MAX_RECENT=30
PATHSPECS=('services/*.cpp' 'services/*.hpp' 'tools/*.cpp' 'tools/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
upstream_base() {
  local upstream base
  upstream="$(git rev-parse --verify --quiet '@{upstream}' 2>/dev/null)" || return 1
  base="$(git merge-base HEAD "$upstream")"
  if [ "$base" != "$(git rev-parse HEAD)" ] || ! git diff --quiet HEAD -- "${PATHSPECS[@]}"; then
    echo "$base"
    return 0
  fi
  return 1
}
recent_files() {
  git log --format= --name-only --diff-filter=d -n 200 -- "${PATHSPECS[@]}" | awk 'NF && !seen[$0]++' |
    while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done
}

# A header stands for the sources that include it (by file name).
sources_for() {
  local f
  for f in "$@"; do
    case "$f" in
      *.cpp) echo "$f" ;;
      *.hpp) git grep -l --fixed-strings "$(basename "$f")\"" -- '*.cpp' | grep -v '/fuzz/' || true ;;
    esac
  done | awk '!seen[$0]++'
}

if [ "$ALL" -eq 1 ]; then
  mapfile -t TIDY < <(printf '%s\n' "${CPP_FILES[@]}" | grep '\.cpp$' | grep -v '/fuzz/')
  why="every source"
elif [ "${#FILES[@]}" -gt 0 ]; then
  mapfile -t TIDY < <(sources_for "${FILES[@]}")
  why="the files named"
else
  if base="$(upstream_base)"; then
    mapfile -t CHANGED < <(git diff --name-only --diff-filter=d "$base" -- "${PATHSPECS[@]}")
    mapfile -t TIDY < <(sources_for "${CHANGED[@]}")
    why="the files changed since ${base:0:12}"
  else
    mapfile -t CHANGED < <(recent_files)
    mapfile -t TIDY < <(sources_for "${CHANGED[@]}" | head -n "$MAX_RECENT")
    why="the latest commits' files, newest first, at most ${MAX_RECENT}"
  fi
fi

# Sources the project builds (in compile_commands.json); others are skipped.
TIDY_DIR="${ROOT_DIR}/build/tidy"
if [ "${#TIDY[@]}" -gt 0 ]; then
  # Configured on every run (a few seconds): new sources are in the list.
  cmake -S "$ROOT_DIR" -B "$TIDY_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"${TIDY_DIR}.log" 2>&1 ||
    { cat "${TIDY_DIR}.log" >&2; die "cmake could not configure ${TIDY_DIR}"; }
  mapfile -t TIDY < <(for f in "${TIDY[@]}"; do
    grep -q "\"file\": \"${ROOT_DIR}/${f}\"" "${TIDY_DIR}/compile_commands.json" && echo "$f"
  done)
fi

if [ "${#TIDY[@]}" -eq 0 ]; then
  echo "lint-cpp: clang-tidy: no C++ source among ${why}"
else
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if printf '%s\n' "${TIDY[@]}" | xargs -P "$(jobs_count)" -n 1 "$CLANG_TIDY" -p "$TIDY_DIR" --quiet >"$log" 2>&1; then
    echo "lint-cpp: clang-tidy: ${#TIDY[@]} sources (${why}), 0 findings"
  else
    grep -E 'error:|warning:' "$log" | sort -u | head -60 >&2 || cat "$log" >&2
    echo "lint-cpp: clang-tidy: findings in ${#TIDY[@]} sources (${why})" >&2
    status=1
  fi
fi
exit "$status"
