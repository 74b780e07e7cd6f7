import secrets

import pytest

from ecomtest import http, service


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
