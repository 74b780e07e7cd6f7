import os
import secrets
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "tests", "lib"))

from ecomtest import cluster as pg  # noqa: E402
from ecomtest import http, service  # noqa: E402


@pytest.fixture(scope="session")
def shared_cluster():
    return pg.Cluster.shared()


@pytest.fixture(scope="module")
def shop(shared_cluster):
    db = shared_cluster.create_shop()
    yield db
    db.drop()


@pytest.fixture(scope="module")
def catalog(shop):
    proc = service.product_service(shop)
    yield proc
    code = proc.stop()
    assert code == 0, proc.output()
    proc.close()


@pytest.fixture
def client(catalog):
    c = http.Client(catalog.base_url, admin_key=service.TEST_ADMIN_KEY)
    yield c
    c.close()


def new_product(**overrides):
    product = {
        "sku": "T-" + secrets.token_hex(4),
        "name": "Test mug",
        "description": "A mug for tests.",
        "category": "kitchen",
        "price_cents": 1299,
        "stock": 10,
        "image_url": "/images/products/test.svg",
    }
    product.update(overrides)
    return product
