#!/usr/bin/python3
"""A service image's configuration (podman image inspect JSON): non-root
numeric user, exec-form entry point, SIGTERM, the API and admin ports, the
health check, the OCI labels with this commit as revision.

  check_image.py SERVICE REVISION INSPECT_JSON_FILE"""

import json
import sys


def main(service, revision, path):
    image = json.load(open(path))[0]
    config = image["Config"]
    errors = []
    if config.get("User") != "65532:65532":
        errors.append(f"user {config.get('User')!r}, not 65532:65532")
    if config.get("Entrypoint") != [f"/app/{service}"]:
        errors.append(f"entry point {config.get('Entrypoint')}")
    if config.get("Cmd"):
        errors.append(f"a CMD is set: {config.get('Cmd')}")
    if config.get("StopSignal") not in ("SIGTERM", "15"):
        errors.append(f"stop signal {config.get('StopSignal')!r}")
    ports = set(config.get("ExposedPorts") or {})
    if not {"8080/tcp", "9090/tcp"} <= ports:
        errors.append(f"exposed ports {sorted(ports)}")
    health = image.get("Healthcheck") or image.get("HealthCheck") or config.get("Healthcheck") or {}
    if health.get("Test") != ["CMD", f"/app/{service}", "--health-check"]:
        errors.append(f"health check {health.get('Test')}")
    labels = config.get("Labels") or {}
    for key in ("source", "revision", "version", "title"):
        if not labels.get(f"org.opencontainers.image.{key}"):
            errors.append(f"no label org.opencontainers.image.{key}")
    if labels.get("org.opencontainers.image.revision") != revision:
        errors.append(f"revision label {labels.get('org.opencontainers.image.revision')!r} is not {revision}")
    if labels.get("org.opencontainers.image.title") != service:
        errors.append(f"title label {labels.get('org.opencontainers.image.title')!r}")
    env = dict(e.split("=", 1) for e in config.get("Env") or [])
    for key in env:
        if any(word in key for word in ("PASSWORD", "API_KEY", "SECRET")):
            errors.append(f"a secret in the image's environment: {key}")
    for e in errors:
        print(f"{service}: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
