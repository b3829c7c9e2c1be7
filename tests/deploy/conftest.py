"""The shipped deploy/nginx.conf, filled in and run by Debian's nginx in front of two API hosts
(gunicorn instances on one PostgreSQL) and the demo blog, as docs/deploy.md sets them up.

nginx runs as ``tests.support.nginx`` starts it, as the user running the tests. Without nginx
these tests skip, saying why, except under ``CI=true``, where a missing nginx is a failure.
"""

import re
from collections.abc import Iterator

import pytest

from pelican_likes.storage import migrate
from tests.support import (
    BLOG_HOST,
    DAILY_LIMIT,
    NGINX,
    SECRET,
    Deployment,
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
    port = free_port()
    host = f"{SERVER_NAME}:{port}"
    env = {
        "DATABASE_URL": database_url,
        "LIKES_SECRET": SECRET,
        "LIKES_PUBLIC_ORIGIN": f"http://{host}",  # nginx's, where readers' browsers reach the API
        "LIKES_TRUSTED_PROXIES": "127.0.0.1",
        "LIKES_DAILY_LIMIT": str(DAILY_LIMIT),
    }
    apis = (start_gunicorn(env), start_gunicorn(env))
    slugs = tuple(
        sorted(re.findall(r'data-likes-slug="([^"]+)"', (output / "index.html").read_text()))
    )
    addresses = [f"127.0.0.1:{api.port}" for api in apis]
    site = nginx_site(port, output, tmp / "nginx" / "cache", addresses)
    with nginx(site, tmp / "nginx", port) as proxy:
        yield Deployment(proxy.url, port, host, apis, database_url, slugs)
