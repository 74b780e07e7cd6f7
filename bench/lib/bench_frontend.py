"""frontend benchmark: the built web app's index.html and its main hashed
JavaScript asset, from the frontend service directly (target >= 50,000
req/s at 64 connections) and through the local load balancer (nginx, as
scripts/run.sh starts it), in the same run. Browsers send Accept-Encoding,
so the asset is also measured as its brotli variant."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from ecomtest import ports, service
from ecomtest.stack import RENDER_NGINX, WEB_DIST


def wrk_runs(url, headers=()):
    runs = []
    for _ in range(benchlib.RUNS):
        args = ["wrk", "-t1", "-c64", f"-d{int(benchlib.SECONDS)}s", "--latency"]
        for h in headers:
            args += ["-H", h]
        out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
        run = benchlib.parse_wrk(out)
        assert run["non_2xx"] == 0 and not run["socket_errors"], out
        runs.append(run)
    return {"runs": runs, "median_rps": benchlib.median_of(runs, "rps")}


def main(out_path):
    if not os.path.isfile(os.path.join(WEB_DIST, "index.html")):
        raise SystemExit(f"{WEB_DIST} is not built")
    scripts = sorted(glob.glob(os.path.join(WEB_DIST, "assets", "*.js")), key=os.path.getsize)
    asset = scripts[-1]  # the largest bundle: the worst case, bound by bytes
    asset_path = "/assets/" + os.path.basename(asset)
    chunk = scripts[len(scripts) // 2]  # a typical hashed asset: the median-sized chunk
    chunk_path = "/assets/" + os.path.basename(chunk)
    front = service.frontend(WEB_DIST, "http://127.0.0.1:1", LOG_SAMPLE_RATE=0)
    alb_dir = tempfile.mkdtemp(prefix="bench-alb-")
    alb_port = ports.free_port()
    conf = subprocess.run(["/usr/bin/python3", RENDER_NGINX, alb_dir, str(alb_port), "product-service=1",
                           "order-service=2", f"frontend={front.port}"], capture_output=True, text=True,
                          check=True).stdout
    # Benchmark without the access log (the ALB's access logs go to S3, off the request path).
    conf = conf.replace(f"access_log {alb_dir}/access.log;", "access_log off;")
    with open(os.path.join(alb_dir, "nginx.conf"), "w") as f:
        f.write(conf)
    nginx = subprocess.Popen(["nginx", "-p", alb_dir, "-c", os.path.join(alb_dir, "nginx.conf"), "-e",
                              os.path.join(alb_dir, "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    alb = f"http://127.0.0.1:{alb_port}"
    results = {"suite": "frontend", "machine": benchlib.machine(), "command": "bench/run.sh frontend",
               "seconds_per_run": benchlib.SECONDS, "runs": benchlib.RUNS, "asset": asset_path,
               "asset_bytes": os.path.getsize(asset),
               "asset_br_bytes": os.path.getsize(asset + ".br") if os.path.exists(asset + ".br") else None,
               "chunk": chunk_path, "chunk_bytes": os.path.getsize(chunk)}
    try:
        results["direct_index"] = wrk_runs(front.base_url + "/")
        results["direct_asset"] = wrk_runs(front.base_url + asset_path)
        results["direct_asset_br"] = wrk_runs(front.base_url + asset_path, ["Accept-Encoding: gzip, deflate, br"])
        results["direct_chunk"] = wrk_runs(front.base_url + chunk_path)
        results["alb_index"] = wrk_runs(alb + "/")
        results["alb_asset"] = wrk_runs(alb + asset_path)
        results["alb_asset_br"] = wrk_runs(alb + asset_path, ["Accept-Encoding: gzip, deflate, br"])
        results["alb_chunk"] = wrk_runs(alb + chunk_path)
        results["rss_peak_kib"] = benchlib.memory_kib(front.process.pid)["VmHWM"]
    finally:
        nginx.send_signal(3)
        nginx.wait(timeout=10)
        shutil.rmtree(alb_dir, ignore_errors=True)
        front.stop()
        front.close()
    benchlib.write(out_path, results)
    print(f"frontend: index {results['direct_index']['median_rps']:.0f} req/s direct, "
          f"{results['alb_index']['median_rps']:.0f} through nginx; asset {results['direct_asset']['median_rps']:.0f} / "
          f"{results['alb_asset']['median_rps']:.0f}")


if __name__ == "__main__":
    main(sys.argv[1])
