import pytest

from ecomtest import checkout


@pytest.fixture(scope="module")
def stack(shop):
    s = checkout.Stack(shop, order_env={"RECONCILE_WINDOW_SECONDS": 5, "RECONCILE_INTERVAL_MS": 500})
    yield s
    codes = s.close()
    assert all(code == 0 for code in codes.values()), codes
