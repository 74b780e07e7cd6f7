#!/usr/bin/python3
"""The rules every services/*/Dockerfile follows (dockerfilelint does not know
multi-stage builds well enough to check them):

- multi-stage, the runtime stage FROM scratch; every other base is an earlier
  stage or an ARG whose default names a tag;
- the stages before a service's own ("toolchain", "common") are the same text
  in every Dockerfile, so the layer cache shares them;
- a service's sources are copied only into its own stages, after the shared
  ones; no Dockerfile copies another service's folder;
- runtime: USER 65532:65532, exec-form ENTRYPOINT /app/<service>, HEALTHCHECK
  running the binary's --health-check, STOPSIGNAL SIGTERM, EXPOSE 8080 9090,
  OCI labels source/revision/version from build arguments;
- nothing names an architecture (the images build for amd64 and arm64).

Usage: check_dockerfiles.py services/*/Dockerfile"""

import json
import os
import re
import sys

SHARED_STAGES = ("toolchain", "common")
ARCH_WORDS = re.compile(r"x86_64|x86-64|amd64|aarch64|arm64|i386|i686", re.I)


def instructions(path):
    """(keyword, arguments) per instruction, continuation lines joined."""
    text = open(path).read()
    out, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        out.append((keyword.upper(), " ".join(args.split())))
        current = ""
    return out


def stages(instrs):
    """[(name, base, [instructions])], and the ARGs before the first FROM."""
    global_args, result = {}, []
    for keyword, args in instrs:
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append([name, words[0], []])
        elif not result:
            if keyword == "ARG":
                key, _, value = args.partition("=")
                global_args[key] = value
        else:
            result[-1][2].append((keyword, args))
    return global_args, result


def stage_text(path, name):
    """The source text of stage NAME, from its FROM up to the next FROM."""
    lines = open(path).read().splitlines()
    start = next(i for i, l in enumerate(lines) if re.match(rf"FROM \S+ AS {name}$", l))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("FROM ")), len(lines))
    return "\n".join(lines[start:end]).strip()


def check(path):
    errors = []
    service = os.path.basename(os.path.dirname(path))
    text = open(path).read()
    instrs = instructions(path)
    global_args, st = stages(instrs)
    if ARCH_WORDS.search(text):
        errors.append("names an architecture: " + ARCH_WORDS.search(text).group(0))
    if len(st) < 2:
        errors.append("not a multi-stage build")
        return errors
    names = set()
    for name, base, _ in st:
        if base == "scratch" or base in names:
            pass
        elif base.startswith("${"):
            arg = base[2:-1]
            default = global_args.get(arg, "")
            if not re.search(r":[\w.-]+$|@sha256:[0-9a-f]{64}$", default):
                errors.append(f"FROM {base}: ARG {arg} has no tagged default ({default!r})")
        elif not re.search(r":[\w.-]+$|@sha256:", base):
            errors.append(f"FROM {base}: no tag")
        if name:
            names.add(name)
    for shared in SHARED_STAGES:
        if shared not in names:
            errors.append(f"no shared stage {shared!r}")
    runtime_name, runtime_base, runtime = st[-1]
    if runtime_base != "scratch":
        errors.append(f"the runtime stage is FROM {runtime_base}, not scratch")
    # Sources: only this service's, and only after the shared stages.
    for name, _, body in st:
        for keyword, args in body:
            if keyword not in ("COPY", "ADD"):
                continue
            if keyword == "ADD":
                errors.append(f"ADD in stage {name} (use COPY)")
            for other in ("product-service", "order-service", "frontend"):
                if f"services/{other}/" in args and other != service:
                    errors.append(f"stage {name} copies services/{other}/")
                if f"services/{other}/" in args and name in SHARED_STAGES:
                    errors.append(f"shared stage {name} copies services/{other}/")
    kw = {}
    for keyword, args in runtime:
        kw.setdefault(keyword, []).append(args)
    if kw.get("USER") != ["65532:65532"]:
        errors.append(f"runtime USER is {kw.get('USER')}, not 65532:65532")
    try:
        entry = json.loads(kw.get("ENTRYPOINT", ["null"])[-1])
    except ValueError:
        entry = None
    if entry != [f"/app/{service}"]:
        errors.append(f"ENTRYPOINT is not the exec form [\"/app/{service}\"]: {kw.get('ENTRYPOINT')}")
    health = kw.get("HEALTHCHECK", [""])[-1]
    cmd = health.partition(" CMD ")[2] if " CMD " in f" {health}" else ""
    try:
        cmd = json.loads(cmd)
    except ValueError:
        cmd = None
    if cmd != [f"/app/{service}", "--health-check"]:
        errors.append(f"HEALTHCHECK does not run [\"/app/{service}\", \"--health-check\"] in exec form: {health!r}")
    if kw.get("STOPSIGNAL") != ["SIGTERM"]:
        errors.append(f"STOPSIGNAL is {kw.get('STOPSIGNAL')}, not SIGTERM")
    exposed = " ".join(kw.get("EXPOSE", [])).split()
    if not {"8080", "9090"} <= set(exposed):
        errors.append(f"EXPOSE {exposed} lacks 8080 and 9090")
    labels = " ".join(kw.get("LABEL", []))
    args = {a.partition("=")[0] for a in kw.get("ARG", [])}
    for label, arg in (("source", "SOURCE"), ("revision", "REVISION"), ("version", "VERSION")):
        if f'org.opencontainers.image.{label}="${{{arg}}}"' not in labels:
            errors.append(f"no label org.opencontainers.image.{label} from ${{{arg}}}")
        if arg not in args:
            errors.append(f"no ARG {arg} in the runtime stage")
    if "CMD" in kw:
        errors.append("runtime CMD set: arguments belong to the environment")
    return errors


def main(paths):
    failed = False
    for path in paths:
        for error in check(path):
            print(f"{path}: {error}")
            failed = True
    for shared in SHARED_STAGES:
        texts = {path: stage_text(path, shared) for path in paths}
        if len(set(texts.values())) != 1:
            print(f"stage {shared!r} differs between {', '.join(paths)}: the layer cache cannot share it")
            failed = True
    if not failed:
        print(f"{len(paths)} Dockerfiles follow the rules")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
