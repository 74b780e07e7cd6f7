#!/usr/bin/python3
"""The files of a service image (an exported container's tar listing on
stdin): its binary, shared libraries, a few files under /etc, package
status and copyright files, the web app for the frontend; no shell, no
package manager, no other program.

  podman export CONTAINER | tar -t | check_image_files.py SERVICE"""

import re
import sys

ALLOWED = [
    r"app/?", r"app/{service}",
    r"tmp/?", r"etc/?", r"etc/(passwd|group|nsswitch\.conf|hosts|hostname|resolv\.conf)",
    r"etc/ssl/?", r"etc/ssl/certs/?", r"etc/ssl/certs/ca-certificates\.crt",
    r"(usr/)?lib(64|32)?/?", r"(usr/)?lib(64|32)?/[^/]+/?", r"(usr/)?lib(64|32)?/[^/]+/[^/]+\.so[.0-9]*",
    r"(usr/)?lib(64|32)?/ld-linux[^/]*\.so[.0-9]*",
    r"usr/?", r"usr/share/?", r"usr/share/doc/?", r"usr/share/doc/[^/]+/?", r"usr/share/doc/[^/]+/copyright",
    r"var/?", r"var/lib/?", r"var/lib/dpkg/?", r"var/lib/dpkg/status\.d/?", r"var/lib/dpkg/status\.d/[^/]+",
    # What the container runtime adds to every container.
    r"(dev|proc|sys|run)(/.*)?",
]
FRONTEND = [r"srv/?", r"srv/web(/.*)?"]
FORBIDDEN = re.compile(r"(^|/)(sh|bash|dash|busybox|apt|apt-get|dpkg|perl|python3?)$")


def main(service):
    patterns = [re.compile(p.format(service=service) + "$") for p in ALLOWED + (FRONTEND if service == "frontend" else [])]
    names = [line.strip().lstrip("./") for line in sys.stdin if line.strip() and line.strip() not in (".", "./")]
    errors = [f"forbidden: /{n}" for n in names if not n.endswith("/") and FORBIDDEN.search(n)]
    errors += [f"unexpected: /{n}" for n in names if not any(p.match(n) for p in patterns)]
    if f"app/{service}" not in names:
        errors.append(f"no /app/{service}")
    # Image scanners read the packages from /var/lib/dpkg/status.d.
    needed = {"libc6": "libc.so.6", "libstdc++6": "libstdc++.so.6", "libpq5": "libpq.so.5"}
    for package, library in needed.items():
        has_library = any(n.endswith("/" + library) for n in names)
        if has_library and f"var/lib/dpkg/status.d/{package}" not in names:
            errors.append(f"{library} without the package status of {package}")
    for e in errors[:40]:
        print(f"{service}: {e}")
    if not errors:
        print(f"{service}: {len(names)} entries, all expected")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
