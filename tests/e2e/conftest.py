import pytest

from ecomtest import cluster as pg
from ecomtest.stack import FullStack


@pytest.fixture(scope="module")
def full_stack():
    shop = pg.Cluster.shared().create_shop()
    stack = FullStack(shop)
    yield stack
    codes = stack.close()
    shop.drop()
    assert all(code == 0 for code in codes.values()), codes
