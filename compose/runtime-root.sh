#!/usr/bin/env bash
# runtime-root.sh DEST BINARY
# Run in a Dockerfile's build stage: stages what a service image built FROM
# scratch needs, for whatever architecture the stage runs on (paths come from
# ldd and dpkg, none is written here):
#   DEST/root/  /etc/passwd and /etc/group (root, nonroot 65532),
#               /etc/nsswitch.conf, /tmp (1777), the CA certificates, exactly
#               the shared libraries BINARY loads (ldd) at the paths the
#               dynamic loader looks them up, and for each package they come
#               from its dpkg status entry (/var/lib/dpkg/status.d/, as
#               distroless images have, so image scanners see the versions)
#               and its copyright file
#   DEST/app/   BINARY without symbols or debug information
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 DEST BINARY" >&2; exit 2; }
dest="$1"
binary="$2"
root="${dest}/root"
mkdir -p "${root}/etc/ssl/certs" "${root}/tmp" "${root}/var/lib/dpkg/status.d" "${dest}/app"
chmod 1777 "${root}/tmp"

printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"${root}/etc/passwd"
printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"${root}/etc/group"
printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"${root}/etc/nsswitch.conf"
cp /etc/ssl/certs/ca-certificates.crt "${root}/etc/ssl/certs/"

strip --strip-unneeded -o "${dest}/app/$(basename "$binary")" "$binary"

# The package that owns PATH (bookworm's dpkg still lists some libraries
# under /lib, others under /usr/lib, whichever way the loader found them).
owner() {
  local path="$1" candidate
  for candidate in "$path" "$(readlink -f "$path")" "/usr${path}" "${path#/usr}"; do
    dpkg-query -S "$candidate" 2>/dev/null | head -1 | sed 's/: .*//' && return 0
  done
  return 1
}

packages=(ca-certificates)
while read -r first arrow target _; do
  case "$first" in linux-vdso.so.* | linux-gate.so.*) continue ;; esac
  if [ "$arrow" = "=>" ]; then path="$target"; else path="$first"; fi
  if [ ! -f "$path" ]; then
    echo "runtime-root.sh: ${binary} needs ${first}, which is not found" >&2
    exit 1
  fi
  mkdir -p "${root}$(dirname "$path")"
  cp -L --preserve=mode "$path" "${root}${path}"
  package="$(owner "$path")" || { echo "runtime-root.sh: no package owns ${path}" >&2; exit 1; }
  packages+=("$package")
done < <(ldd "$binary")

for package in $(printf '%s\n' "${packages[@]}" | sort -u); do
  name="${package%%:*}"
  dpkg-query -s "$package" >"${root}/var/lib/dpkg/status.d/${name}"
  if [ -f "/usr/share/doc/${name}/copyright" ]; then
    install -D -m 0644 "/usr/share/doc/${name}/copyright" "${root}/usr/share/doc/${name}/copyright"
  fi
done
echo "runtime-root.sh: $(basename "$binary") with $(ldd "$binary" | grep -c '/') libraries from: $(printf '%s\n' "${packages[@]}" | sort -u | tr '\n' ' ')"
