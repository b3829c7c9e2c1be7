"""The shipped nginx.conf for real: the blog's pages, and likes through /api/ on two API hosts,
where readers on distinct addresses all count and one address, however it forges its headers,
adds no more than the daily cap; and no host name but the blog's is answered."""

import http.client
import json
import secrets
from collections import Counter

from pelican_likes.api.errors import DAILY_LIMIT_TYPE
from pelican_likes.storage.store import LikeStore
from tests.support import DAILY_LIMIT, NGINX_CONF, REPO, Deployment, Server

READERS = 30
# Far more than the cap and than the per-worker rate limits let through together (a burst of 30
# per worker: 60 got through, of 400, without the cap), so that the cap is what holds the count.
FLOOD_REQUESTS = 400
FLOOD_ADDRESS = "127.0.0.200"


def connect(deployment: Deployment, source: str) -> http.client.HTTPConnection:
    """A connection to nginx from ``source``: all of 127.0.0.0/8 is this machine's loopback."""
    return http.client.HTTPConnection(
        "127.0.0.1", deployment.port, timeout=30, source_address=(source, 0)
    )


def like(
    conn: http.client.HTTPConnection,
    deployment: Deployment,
    slug: str,
    headers: list[tuple[str, str]] = (),
) -> tuple[int, dict, http.client.HTTPResponse]:
    """PUT a like as a new reader (a fresh token), with ``headers`` besides, repeats included."""
    conn.putrequest("PUT", f"/api/articles/{slug}/like", skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", deployment.host)
    conn.putheader("Likes-Voter", secrets.token_urlsafe(24))
    conn.putheader("Content-Length", "0")
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = json.loads(response.read() or b"null")
    return response.status, body, response


def count(deployment: Deployment, slug: str) -> int:
    store = LikeStore.from_url(deployment.database_url)
    try:
        return store.counts([slug])[slug]
    finally:
        store.dispose()


def puts_served(api: Server, slug: str, status: int) -> int:
    """Likes of ``slug`` that one API host answered with ``status``, from its access log."""
    request = f'"PUT /api/articles/{slug}/like HTTP/1.1" {status} '
    return sum(request in line for line in api.log.read_text().splitlines())


def test_the_deployment_guide_shows_the_shipped_file():
    guide = (REPO / "docs" / "deploy.md").read_text()
    shown = guide.split("```nginx\n", 1)[1].split("```", 1)[0]
    assert shown == NGINX_CONF.read_text()


def test_the_blog_is_served_from_its_root(deployment):
    conn = connect(deployment, "127.0.0.1")
    conn.request("GET", "/", headers={"Host": deployment.host})
    index = conn.getresponse()
    page = index.read().decode()
    conn.request("GET", "/api/health", headers={"Host": deployment.host})
    health = conn.getresponse()
    health.read()

    assert (index.status, index.getheader("Content-Type")) == (200, "text/html")
    assert 'data-likes-slug="' in page
    assert health.status == 200


def test_thirty_readers_on_thirty_addresses_all_count_on_both_hosts(deployment):
    slug = deployment.slugs[0]
    before = count(deployment, slug)

    answers = []
    for n in range(READERS):
        conn = connect(deployment, f"127.0.0.{n + 2}")
        answers.append(like(conn, deployment, slug)[:2])
        conn.close()

    assert [status for status, _ in answers] == [200] * READERS, answers
    assert answers[-1][1]["liked"] is True
    assert count(deployment, slug) == before + READERS
    served = [puts_served(api, slug, 200) for api in deployment.apis]
    assert sum(served) == READERS
    assert min(served) > 0, f"one API host got every request: {served}"


def forged_headers(n: int) -> list[tuple[str, str]]:
    """What a flooder claims to be instead of itself: other addresses, nginx itself, a chain of
    proxies, the header twice, and the other headers some proxies trust."""
    other = f"203.0.113.{n % 250 + 1}"
    return [
        [("X-Forwarded-For", other)],
        [("X-Forwarded-For", "127.0.0.1")],
        [("X-Forwarded-For", f"198.51.100.{n % 250 + 1}, 127.0.0.1")],
        [("X-Forwarded-For", other), ("X-Forwarded-For", f"2001:db8:{n:x}::1")],
        [("X-Real-IP", other), ("Forwarded", f"for={other}")],
    ][n % 5]


def test_a_flood_from_one_address_moves_the_count_by_the_daily_cap_at_most(deployment):
    slug = deployment.slugs[1]
    before = count(deployment, slug)
    conn = connect(deployment, FLOOD_ADDRESS)

    statuses: Counter[int] = Counter()
    refusals = []
    for n in range(FLOOD_REQUESTS):
        status, body, response = like(conn, deployment, slug, forged_headers(n))
        statuses[status] += 1
        if status == 429:
            refusals.append((body, response.getheader("Retry-After")))
    conn.close()

    moved = count(deployment, slug) - before
    assert set(statuses) <= {200, 429}, statuses
    assert moved == statuses[200]  # each accepted like was a new reader's, counted once
    assert moved <= DAILY_LIMIT, f"one address added {moved} likes: {statuses}"
    assert moved == DAILY_LIMIT  # the rate limits alone let far more through: the cap held it
    assert all(retry and int(retry) >= 1 for _, retry in refusals)
    assert all(body["status"] == 429 and body["detail"] for body, _ in refusals)
    assert any(body["type"] == DAILY_LIMIT_TYPE for body, _ in refusals)  # the cap's own 429
    served = [puts_served(api, slug, 429) + puts_served(api, slug, 200) for api in deployment.apis]
    assert sum(served) == FLOOD_REQUESTS
    assert min(served) > 0, f"one API host got every request: {served}"


def send_form(deployment: Deployment, slug: str, host: str) -> http.client.HTTPResponse:
    """The widget's form as a browser sends it from a page of ``host``: named in Host and Origin."""
    conn = connect(deployment, "127.0.0.1")
    headers = {
        "Host": host,
        "Origin": f"http://{host}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": "0",
    }
    conn.request("POST", f"/api/form-likes/{slug}?return=/", headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_a_form_like_from_the_blogs_pages_counts(deployment):
    slug = deployment.slugs[2]
    before = count(deployment, slug)

    response = send_form(deployment, slug, deployment.host)

    assert response.status == 303
    assert response.getheader("Location") == f"http://{deployment.host}/#likes-counted-{slug}"
    assert count(deployment, slug) == before + 1


def test_no_other_host_name_reaches_the_blog_or_the_api(deployment):
    """DNS rebinding: a page of a name its owner pointed at nginx's address sends that name in
    Host and Origin alike; nginx answers only the blog's name, so its likes never reach the API."""
    slug = deployment.slugs[2]
    before = count(deployment, slug)
    rebound = "evil.example"  # as browsers name a page on port 80, where a deployment listens
    conn = connect(deployment, "127.0.0.1")
    conn.request("GET", "/", headers={"Host": rebound})
    page = conn.getresponse()
    page.read()
    conn.close()

    form = send_form(deployment, slug, rebound)

    assert (page.status, form.status) == (421, 421)
    assert count(deployment, slug) == before  # 421 is nginx's: no API host was asked
