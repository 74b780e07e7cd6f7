"""The whole platform on free ports: product-service, order-service and
frontend behind the local load balancer (nginx rendered from
config/routes.json), as scripts/run.sh starts it."""

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from . import cluster as pg
from . import ports
from . import service

WEB_DIST = os.path.join(pg.SOURCE_DIR, "services", "frontend", "web", "dist")
RENDER_NGINX = os.path.join(pg.SOURCE_DIR, "scripts", "lib", "render_nginx.py")
DEMO_CATALOG = os.path.join(pg.SOURCE_DIR, "services", "product-service", "demo", "catalog.json")
LOAD_DEMO = os.path.join(pg.SOURCE_DIR, "scripts", "lib", "load_demo.py")


class FullStack:
    def __init__(self, shop, order_env=None, demo=True, env=None, inventory=None):
        """`env`: extra environment for all three services; `inventory`: the
        product-service order-service calls (default: the stack's own)."""
        if not os.path.isfile(os.path.join(WEB_DIST, "index.html")):
            raise RuntimeError(f"{WEB_DIST} is not built: run services/frontend/web/run-tests.sh or npm run build")
        self.shop = shop
        common = env or {}
        self.products = service.product_service(shop, **common)
        self.orders = service.order_service(shop, (inventory or self.products).base_url,
                                            **{**common, **(order_env or {})})
        self.frontend = service.frontend(WEB_DIST, self.products.base_url, **common)
        self.port = ports.free_port()
        self.alb_dir = tempfile.mkdtemp(prefix="alb-")
        conf = subprocess.run(["/usr/bin/python3", RENDER_NGINX, self.alb_dir, str(self.port),
                               f"product-service={self.products.port}", f"order-service={self.orders.port}",
                               f"frontend={self.frontend.port}"], capture_output=True, text=True, check=True).stdout
        with open(os.path.join(self.alb_dir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.nginx = subprocess.Popen(["nginx", "-p", self.alb_dir, "-c", os.path.join(self.alb_dir, "nginx.conf"),
                                       "-e", os.path.join(self.alb_dir, "error.log")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_alb()
        if demo:
            subprocess.run(["/usr/bin/python3", LOAD_DEMO, self.base_url, service.TEST_ADMIN_KEY, DEMO_CATALOG],
                           check=True, capture_output=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def _wait_alb(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/api/products?limit=1", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {open(os.path.join(self.alb_dir, 'error.log')).read()}")
            time.sleep(0.05)
        raise RuntimeError("the local load balancer did not come up")

    def close(self):
        codes = {}
        if self.nginx.poll() is None:
            self.nginx.send_signal(3)  # SIGQUIT: graceful
            self.nginx.wait(timeout=10)
        for proc in (self.frontend, self.orders, self.products):
            if proc.alive():
                codes[proc.name] = proc.stop()
            proc.close()
        shutil.rmtree(self.alb_dir, ignore_errors=True)
        return codes
