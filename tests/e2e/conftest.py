import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))

from ecomtest import cluster as pg  # noqa: E402
from ecomtest.stack import FullStack  # noqa: E402


@pytest.fixture(scope="module")
def full_stack():
    shop = pg.Cluster.shared().create_shop()
    stack = FullStack(shop)
    yield stack
    codes = stack.close()
    shop.drop()
    assert all(code == 0 for code in codes.values()), codes
