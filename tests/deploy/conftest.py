"""The shipped deploy/nginx.conf, filled in and run by Debian's nginx in front of two API hosts
(gunicorn instances on one PostgreSQL) and the demo blog, as docs/deploy.md sets them up.

nginx runs as the user running the tests, everything it writes (pid, logs, temporary and cache
files) in a folder of its own. Without nginx these tests skip, saying why, except under
``CI=true``, where a missing nginx is a failure.
"""

import grp
import os
import pwd
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pelican_likes.storage import migrate
from tests.support import (
    DAILY_LIMIT,
    NGINX,
    NGINX_CONF,
    SECRET,
    Deployment,
    Server,
    build_blog,
    fill,
    free_port,
    stop_process,
    unavailable,
    wait_for_url,
)

# The blog's host name; the tests reach nginx at 127.0.0.1 and name the blog in their Host header.
SERVER_NAME = "blog.example.com"

# The main configuration the shipped file is included from, as nginx.conf includes conf.d/*.conf
# on a Debian host; here every path nginx writes is under the test's folder.
MAIN_CONF = """\
daemon off;
worker_processes 2;
user {user} {group};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


@contextmanager
def nginx(site: str, folder: Path, port: int) -> Iterator[Server]:
    """nginx on ``127.0.0.1:port`` with ``site``, a filled-in server configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site)
    main = MAIN_CONF.format(
        prefix=folder,
        site=folder / "site.conf",
        user=pwd.getpwuid(os.getuid()).pw_name,
        group=grp.getgrgid(os.getgid()).gr_name,
    )
    (folder / "nginx.conf").write_text(main)
    log = folder / "error.log"
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", port=port, log=log, pid=process.pid)
    try:
        wait_for_url(f"{server.url}/", process=process, log=log)
        yield server
    finally:
        stop_process(process)


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
    values = {
        "LISTEN": f"127.0.0.1:{port}",
        "SERVER_NAME": SERVER_NAME,
        "BLOG_ROOT": str(output),
        "CACHE_DIR": str(tmp / "nginx" / "cache"),
        "API_1": f"127.0.0.1:{apis[0].port}",
        "API_2": f"127.0.0.1:{apis[1].port}",
    }
    slugs = tuple(
        sorted(re.findall(r'data-likes-slug="([^"]+)"', (output / "index.html").read_text()))
    )
    with nginx(fill(NGINX_CONF.read_text(), values), tmp / "nginx", port) as proxy:
        yield Deployment(proxy.url, port, host, apis, database_url, slugs)
