import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "tests", "lib"))

from ecomtest import checkout  # noqa: E402
from ecomtest import cluster as pg  # noqa: E402


@pytest.fixture(scope="session")
def shared_cluster():
    return pg.Cluster.shared()


@pytest.fixture(scope="module")
def shop(shared_cluster):
    db = shared_cluster.create_shop()
    yield db
    db.drop()


@pytest.fixture(scope="module")
def stack(shop):
    s = checkout.Stack(shop, order_env={"RECONCILE_WINDOW_SECONDS": 5, "RECONCILE_INTERVAL_MS": 500})
    yield s
    codes = s.close()
    assert all(code == 0 for code in codes.values()), codes
