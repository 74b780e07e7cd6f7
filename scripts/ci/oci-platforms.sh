#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Splits the multi-platform OCI archive of one image build (docker buildx
# --output type=oci) into one OCI image layout per platform, so that each
# platform of exactly the archive that is deployed can be scanned (Trivy
# `--input <layout>`), instead of a rebuild or only the runner's platform.
#
# Usage: scripts/ci/oci-platforms.sh split ARCHIVE DIGEST OUT_DIR PLATFORM...
#        scripts/ci/oci-platforms.sh list ARCHIVE
#
# split  checks that ARCHIVE's index.json names one image index whose digest
#        is DIGEST (the digest buildx reported, the one the deploy pushes and
#        pins), that every blob read has the sha256 its name says, and that
#        the index holds exactly the PLATFORMs given (os/arch[/variant]):
#        a platform built but not scanned, or asked for but not built, fails.
#        Writes OUT_DIR/<os>-<arch>[-<variant>]/ (oci-layout, index.json naming
#        that platform's manifest, blobs hard-linked from the archive) and
#        OUT_DIR/sbom/ for the SBOMs.
# list   prints "PLATFORM MANIFEST_DIGEST" for each platform of the archive.
# Needs tar, jq, sha256sum. Exit 0 when everything checks, 1 otherwise.
set -euo pipefail

fail() { echo "oci-platforms: $*" >&2; exit 1; }
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh"
usage() { script_help "$0" "Usage:" >&2; exit 2; }

command -v jq >/dev/null 2>&1 || fail "jq is not installed"

# blob DIR DIGEST: the path of a blob after checking its content hash.
blob() {
  local dir="$1" digest="$2" file actual
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "not a sha256 digest: '${digest}'"
  file="${dir}/blobs/sha256/${digest#sha256:}"
  [ -f "$file" ] || fail "blob ${digest} is missing from the archive"
  actual="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  [ "$actual" = "$digest" ] || fail "blob ${digest} has the content of ${actual}"
  printf '%s\n' "$file"
}

# extract ARCHIVE DIR: unpacks the archive and prints its image index's digest.
extract() {
  local archive="$1" dir="$2" count media
  [ -f "$archive" ] || fail "no archive at ${archive}"
  tar -xf "$archive" -C "$dir" || fail "${archive} is not a tar archive"
  [ -f "${dir}/index.json" ] || fail "${archive} has no index.json: not an OCI archive"
  count="$(jq '.manifests | length' "${dir}/index.json")"
  [ "$count" = 1 ] || fail "${archive}: index.json names ${count} images, expected 1"
  media="$(jq -r '.manifests[0].mediaType' "${dir}/index.json")"
  case "$media" in
    application/vnd.oci.image.index.v1+json | application/vnd.docker.distribution.manifest.list.v2+json) ;;
    *) fail "${archive}: the image is a ${media}, not a multi-platform index" ;;
  esac
  jq -r '.manifests[0].digest' "${dir}/index.json"
}

# platforms DIR INDEX_DIGEST: "os/arch[/variant] digest size mediaType" for
# each image of the index (attestation manifests are not platforms).
# (arm64/v8 is written arm64, as docker and buildx name it.)
platforms() {
  local file
  file="$(blob "$1" "$2")"
  jq -r '.manifests[]
    | select((.annotations["vnd.docker.reference.type"] // "") != "attestation-manifest")
    | select(.platform.os != "unknown")
    | .platform as $p
    | (if $p.variant and ($p.architecture != "arm64" or $p.variant != "v8") then "/" + $p.variant else "" end) as $v
    | "\($p.os)/\($p.architecture)\($v) \(.digest) \(.size) \(.mediaType)"' "$file"
}

split_archive() {
  local archive="$1" digest="$2" out="$3" work="$WORK" index p manifest_digest size media dest wanted found
  shift 3
  [ $# -gt 0 ] || fail "name at least one platform"
  index="$(extract "$archive" "$work")"
  [ "$index" = "$digest" ] || fail "${archive} holds image ${index}, not the built digest ${digest}"
  found="$(platforms "$work" "$index")"
  [ -n "$found" ] || fail "${archive}: the index names no platform image"
  for wanted in "$@"; do
    grep -q "^${wanted} " <<<"$found" || fail "${archive} has no ${wanted} image (it has: $(cut -d' ' -f1 <<<"$found" | tr '\n' ' '))"
  done
  mkdir -p "${out}/sbom"
  while read -r p manifest_digest size media; do
    [[ " $* " == *" ${p} "* ]] || fail "${archive} also holds ${p}, which is not scanned: add it to the scan steps"
    blob "$work" "$manifest_digest" >/dev/null
    dest="${out}/${p//\//-}"
    rm -rf "$dest"
    mkdir -p "$dest/blobs"
    cp -al "${work}/blobs/sha256" "${dest}/blobs/sha256" 2>/dev/null || cp -a "${work}/blobs/sha256" "${dest}/blobs/sha256"
    cp "${work}/oci-layout" "${dest}/oci-layout" 2>/dev/null || printf '{"imageLayoutVersion":"1.0.0"}\n' >"${dest}/oci-layout"
    jq -n --arg d "$manifest_digest" --argjson s "$size" --arg m "$media" --arg p "$p" \
      '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [{mediaType: $m, digest: $d, size: $s,
                     platform: {os: ($p | split("/")[0]), architecture: ($p | split("/")[1])}}]}' >"${dest}/index.json"
    echo "${p} ${manifest_digest} -> ${dest}"
  done <<<"$found"
}

list_archive() {
  local index
  index="$(extract "$1" "$WORK")"
  platforms "$WORK" "$index" | cut -d' ' -f1,2
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

case "${1:-}" in
  split) [ $# -ge 5 ] || usage; shift; split_archive "$@" ;;
  list) [ $# -eq 2 ] || usage; list_archive "$2" ;;
  -h | --help) usage ;;
  *) usage ;;
esac
