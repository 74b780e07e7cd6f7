#!/usr/bin/python3
"""docker-compose.yml against what the platform needs, and the running
containers of a compose project against docker-compose.yml.

  check_compose.py docker-compose.yml                    the file
  check_compose.py docker-compose.yml --running PROJECT  its containers (podman;
                                                         profiles included)

The file: PostgreSQL, the three services, the nginx ALB and the one-shot
seed service that loads the demo catalog by SKU; each service
built from its own Dockerfile, healthy by its own --health-check, on a
read-only root with a tmpfs /tmp, limited as its Fargate task in
terraform/envs/dev.tfvars; every depends_on waits for service_healthy; the
database initialised by scripts/sql/bootstrap.sql; the ALB configured by
compose/nginx.conf and published on 127.0.0.1 only; PostgreSQL checking
passwords on every TCP connection (scram-sha-256, as RDS) and trusting no
one on its socket; no secret written in the file (each is a required
${VAR:?...} from the git-ignored .env, and compose/.env.example names them
all)."""

import json
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = ("product-service", "order-service", "frontend")
SECRET_NAME = re.compile(r"PASSWORD|_KEY$|SECRET|TOKEN")


def fargate_sizes():
    """service -> (cpus, memory MiB) from the dev environment's task sizes."""
    text = open(os.path.join(ROOT, "terraform", "envs", "dev.tfvars")).read()
    sizes = {}
    for name, cpu, memory in re.findall(r'"?([a-z-]+)"?\s*=\s*\{\s*cpu\s*=\s*(\d+),\s*memory\s*=\s*(\d+)', text):
        sizes[name] = (int(cpu) / 1024, int(memory))
    return sizes


def memory_mib(value):
    m = re.fullmatch(r"(\d+)([kmg])?b?", str(value).lower())
    n, unit = int(m.group(1)), m.group(2) or ""
    return {"": n / 2**20, "k": n / 1024, "m": n, "g": n * 1024}[unit]


def check_file(doc):
    errors = []
    services = doc.get("services", {})
    core = {"postgres", "alb", "seed", *SERVICES}
    if not core <= set(services):
        errors.append(f"services {sorted(core - set(services))} missing")
    seed = services.get("seed", {})
    if seed.get("restart") != "no" or "compose/seed-catalog.mjs" not in " ".join(seed.get("volumes", [])) \
            or "./services/product-service/demo/catalog.json:/seed/catalog.json:ro" not in seed.get("volumes", []) \
            or "/seed/seed-catalog.mjs" not in seed.get("command", []):
        errors.append("seed: not a one-shot (restart: \"no\") run of compose/seed-catalog.mjs on the demo catalog")
    if (seed.get("depends_on") or {}).get("product-service", {}).get("condition") != "service_healthy":
        errors.append("seed: does not wait for product-service to be healthy")
    if str(seed.get("user", "0")).split(":")[0] in ("0", "root"):
        errors.append("seed: runs as root")
    extra = {name for name, s in services.items() if name not in core and not s.get("profiles")}
    if extra:
        errors.append(f"services outside a profile besides the platform's: {sorted(extra)}")
    sizes = fargate_sizes()
    for name in SERVICES:
        s = services.get(name, {})
        if not {"timeout:1", "attempts:5"} <= set(s.get("dns_opt") or []):
            errors.append(f"{name}: dns_opt lacks timeout:1 and attempts:5 (lost DNS queries would cost 5 s each)")
        if s.get("build", {}).get("dockerfile") != f"services/{name}/Dockerfile" or s.get("build", {}).get("context") != ".":
            errors.append(f"{name}: not built from services/{name}/Dockerfile with the repository as context")
        if s.get("healthcheck", {}).get("test") != ["CMD", f"/app/{name}", "--health-check"]:
            errors.append(f"{name}: health check is not its own --health-check in exec form")
        limits = s.get("deploy", {}).get("resources", {}).get("limits", {})
        if name not in sizes:
            errors.append(f"{name}: no task size in terraform/envs/dev.tfvars")
        elif (float(limits.get("cpus", 0)), memory_mib(limits.get("memory", 0))) != sizes[name]:
            errors.append(f"{name}: limits {limits} differ from the Fargate task size {sizes[name]}")
        if "user" in s:
            errors.append(f"{name}: overrides the image's user")
    for name, s in services.items():
        if s.get("read_only") is not True:
            errors.append(f"{name}: root filesystem not read-only")
        if "/tmp" not in s.get("tmpfs", []):
            errors.append(f"{name}: no tmpfs /tmp")
        if "healthcheck" not in s and not s.get("profiles") and s.get("restart") != "no":
            errors.append(f"{name}: no health check (only one-shot services, restart: \"no\", may have none)")
        if "limits" not in s.get("deploy", {}).get("resources", {}):
            errors.append(f"{name}: no resource limits")
        if "no-new-privileges:true" not in s.get("security_opt", []):
            errors.append(f"{name}: no no-new-privileges")
        for dep, cond in (s.get("depends_on") or {}).items():
            if not isinstance(cond, dict) or cond.get("condition") != "service_healthy":
                errors.append(f"{name}: depends on {dep} without condition: service_healthy")
        for port in s.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                errors.append(f"{name}: port {port} published on every interface")
    pg = services.get("postgres", {})
    volumes = pg.get("volumes", [])
    if "./compose/initdb:/docker-entrypoint-initdb.d:ro" not in volumes or \
       "./scripts/sql/bootstrap.sql:/etc/ecom/bootstrap.sql:ro" not in volumes:
        errors.append("postgres: not initialised by compose/initdb with scripts/sql/bootstrap.sql")
    initdb_args = str((pg.get("environment") or {}).get("POSTGRES_INITDB_ARGS", "")).split()
    if not {"--auth-host=scram-sha-256", "--auth-local=peer"} <= set(initdb_args):
        errors.append("postgres: POSTGRES_INITDB_ARGS must set --auth-host=scram-sha-256 and --auth-local=peer "
                      "(no trust, as on RDS)")
    if (pg.get("environment") or {}).get("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256") != "scram-sha-256":
        errors.append("postgres: POSTGRES_HOST_AUTH_METHOD must stay scram-sha-256")
    if "./compose/nginx.conf:/etc/nginx/alb/nginx.conf:ro" not in services.get("alb", {}).get("volumes", []):
        errors.append("alb: not configured by compose/nginx.conf")
    # Secrets: required variables, never values.
    raw = open(os.path.join(ROOT, "docker-compose.yml")).read()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", raw))
    for name, s in services.items():
        for key, value in (s.get("environment") or {}).items():
            if SECRET_NAME.search(key) and not re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", str(value)):
                errors.append(f"{name}: {key} is not a required ${{VAR:?...}} from .env")
    example = open(os.path.join(ROOT, "compose", ".env.example")).read()
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.M))
    if required - documented:
        errors.append(f"compose/.env.example lacks {sorted(required - documented)}")
    ignored = subprocess.run(["git", "-C", ROOT, "check-ignore", "-q", ".env"]).returncode == 0
    if not ignored:
        errors.append(".env is not git-ignored")
    return errors


def podman_inspect(name):
    out = subprocess.run(["podman", "inspect", name], capture_output=True, text=True)
    return json.loads(out.stdout)[0] if out.returncode == 0 else None


def check_running(doc, project):
    errors = []
    for name, s in doc["services"].items():
        c = podman_inspect(f"{project}_{name}_1")
        if c is None:
            errors.append(f"{name}: no container {project}_{name}_1")
            continue
        host = c["HostConfig"]
        if not host.get("ReadonlyRootfs"):
            errors.append(f"{name}: root filesystem is writable")
        if "/tmp" not in (host.get("Tmpfs") or {}):
            errors.append(f"{name}: no tmpfs on /tmp ({host.get('Tmpfs')})")
        health = (c["State"].get("Health") or {}).get("Status") or c["State"].get("Healthcheck", {}).get("Status")
        if "healthcheck" in s and health != "healthy":
            errors.append(f"{name}: health {health!r}")
        limits = s["deploy"]["resources"]["limits"]
        if host.get("Memory") != int(memory_mib(limits["memory"]) * 2**20):
            errors.append(f"{name}: memory limit {host.get('Memory')} is not {limits['memory']}")
        if host.get("NanoCpus") != int(float(limits["cpus"]) * 1e9):
            errors.append(f"{name}: CPU limit {host.get('NanoCpus')} is not {limits['cpus']}")
        if name in SERVICES:
            dns_options = set(host.get("DnsOptions") or [])
            if not {"timeout:1", "attempts:5"} <= dns_options:
                errors.append(f"{name}: DNS options {sorted(dns_options)}, not timeout:1 attempts:5 (dns_opt)")
            user = c["Config"].get("User")
            if user != "65532:65532":
                errors.append(f"{name}: runs as {user!r}, not 65532:65532")
            top = subprocess.run(["podman", "top", c["Id"], "huser"], capture_output=True, text=True).stdout.split()
            if top[1:] != ["65532"]:
                errors.append(f"{name}: processes run as {top[1:]}, not 65532")
        elif name == "seed":
            state = c["State"]
            if state.get("Status") != "exited" or state.get("ExitCode") != 0:
                errors.append(f"seed: {state.get('Status')} with exit code {state.get('ExitCode')} (expected exited 0)")
        elif name == "alb":
            if c["Config"].get("User") != s.get("user"):
                errors.append(f"alb: runs as {c['Config'].get('User')!r}, not {s.get('user')!r}")
    return errors


def main(argv):
    doc = yaml.safe_load(open(argv[0]))
    if len(argv) == 3 and argv[1] == "--running":
        errors = check_running(doc, argv[2])
    else:
        errors = check_file(doc)
    for e in errors:
        print(e)
    if not errors:
        print("ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
