"""The storefront in headless Chromium (Debian's, driven by playwright-core)
against the whole platform behind the local load balancer; axe-core runs
on every page visited. Screenshots go to build/screenshots/."""

import os
import subprocess

from ecomtest import cluster as pg
from ecomtest import service


def test_browser_scenarios(full_stack):
    script = os.path.join(pg.SOURCE_DIR, "tests", "browser", "run-browser-tests.sh")
    env = dict(os.environ, BASE_URL=full_stack.base_url, ADMIN_API_KEY=service.TEST_ADMIN_KEY,
               SCREENSHOT_DIR=os.path.join(pg.SOURCE_DIR, "build", "screenshots"))
    result = subprocess.run(["bash", script, "all"], env=env, capture_output=True, text=True, timeout=600)
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
