"""The shipped gunicorn settings as values and hooks, each read in a fresh interpreter: the
module reads the environment when gunicorn loads it, and gevent's patching must not reach the
test process."""

import json
import subprocess
import sys

YIELD_CHECK = """
from gevent import monkey
monkey.patch_all()
import gevent, socket, types
from pelican_likes.api import gunicorn_conf

ran = []
gevent.spawn(ran.append, "another connection")
req = types.SimpleNamespace(unreader=types.SimpleNamespace(sock=socket.socket()))
gunicorn_conf.post_request(None, req, {}, None)
print(ran)
"""


def test_a_gevent_worker_serves_its_other_connections_between_two_requests_of_one():
    ran = subprocess.run(
        [sys.executable, "-c", YIELD_CHECK], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(ran.replace("'", '"')) == ["another connection"]
