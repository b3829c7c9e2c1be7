"""The shipped deploy/nginx.conf, filled in and run by Debian's nginx in front of two API hosts
(gunicorn instances on one PostgreSQL) and the demo blog, as docs/deploy.md sets them up.

nginx runs as ``tests.support.nginx`` starts it, as the user running the tests. Without nginx
these tests skip, saying why, except under ``CI=true``, where a missing nginx is a failure.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pelican_likes.storage import migrate
from tests.support import (
    BLOG_HOST,
    DAILY_LIMIT,
    NGINX,
    SECRET,
    Deployment,
    Server,
    build_blog,
    free_port,
    nginx,
    nginx_site,
    unavailable,
)

# The blog's host name; the tests reach nginx at 127.0.0.1 and name the blog in their Host header.
SERVER_NAME = BLOG_HOST


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, make_postgres_database, start_gunicorn) -> Iterator[Deployment]:
    """The demo blog and two API hosts on one PostgreSQL, behind the shipped nginx.conf."""
    if not NGINX.exists():
        unavailable(f"{NGINX} is missing: apt-get install nginx")
    tmp = tmp_path_factory.mktemp("deploy")
    database_url = make_postgres_database()
    migrate.upgrade(database_url)
    output = tmp / "output"
    build_blog(output, database_url, "/api")
    env = {
        "DATABASE_URL": database_url,
        "LIKES_SECRET": SECRET,
        "LIKES_TRUSTED_PROXIES": "127.0.0.1",
        "LIKES_DAILY_LIMIT": str(DAILY_LIMIT),
    }
    slugs = tuple(
        sorted(re.findall(r'data-likes-slug="([^"]+)"', (output / "index.html").read_text()))
    )
    with behind_nginx(tmp, output, slugs, env, start_gunicorn) as site:
        yield site


@contextmanager
def behind_nginx(
    tmp: Path,
    root: Path,
    slugs: tuple[str, ...],
    env: dict[str, str],
    start_gunicorn: Callable[..., Server],
    workers: int = 2,
) -> Iterator[Deployment]:
    """The shipped nginx.conf on a free port, serving ``root`` in front of two API hosts of
    ``workers`` each, started with ``env`` and nginx's address as ``LIKES_PUBLIC_ORIGIN``:
    where readers' browsers reach the API."""
    port = free_port()
    host = f"{SERVER_NAME}:{port}"
    env = {**env, "LIKES_PUBLIC_ORIGIN": f"http://{host}"}
    apis = (start_gunicorn(env, workers=workers), start_gunicorn(env, workers=workers))
    addresses = [f"127.0.0.1:{api.port}" for api in apis]
    site = nginx_site(port, root, tmp / "nginx" / "cache", addresses)
    with nginx(site, tmp / "nginx", port) as proxy:
        yield Deployment(proxy.url, port, host, apis, env["DATABASE_URL"], slugs)
