"""The pytest plugin of every Python suite (cmake's ecom_add_pytest loads it
with `-p ecomtest.pytest_plugin` and puts tests/lib on PYTHONPATH, so no test
file edits sys.path): the fixtures they share.

  shared_cluster   the PostgreSQL cluster scripts/test.sh started (ECOM_TEST_PG)
  shop             a fresh database with the services' roles on it, per module
  private_cluster  a cluster of the test's own, to stop and restart at will
"""

import pytest

from ecomtest import cluster as pg


@pytest.fixture(scope="session")
def shared_cluster():
    return pg.Cluster.shared()


@pytest.fixture(scope="module")
def shop(shared_cluster):
    db = shared_cluster.create_shop()
    yield db
    db.drop()


@pytest.fixture
def private_cluster():
    cluster = pg.PrivateCluster()
    yield cluster
    cluster.destroy()
