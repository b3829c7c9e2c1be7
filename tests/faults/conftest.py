"""A PostgreSQL server of the test's own, to stop and start while the API is under load.

Where no throwaway cluster can be made (no initdb, no account to run it as) these tests are
skipped, saying why, except under ``CI=true``, where that is a failure.
"""

from collections.abc import Iterator

import pytest

from tests.faults.clusters import Cluster, ClusterUnavailable
from tests.support import unavailable


@pytest.fixture
def postgres_cluster() -> Iterator[Cluster]:
    """A running throwaway cluster; stopped and deleted at the end even if the test failed."""
    try:
        cluster = Cluster.create()
    except ClusterUnavailable as error:
        unavailable(f"a throwaway PostgreSQL cluster: {error}")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
