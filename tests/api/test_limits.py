"""Rate limiting of likes and unlikes per client address."""

import secrets
import threading
from ipaddress import ip_network

import pytest

from pelican_likes.api.limits import RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_limit_then_one_per_refill():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)

    assert [limiter.acquire("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire("a") == pytest.approx(20)
    clock.now += 19
    assert limiter.acquire("a") == pytest.approx(1)
    clock.now += 1
    assert limiter.acquire("a") == 0
    assert limiter.acquire("a") > 0


def test_clients_have_budgets_of_their_own():
    limiter = RateLimiter(1, 60, clock=Clock())

    assert limiter.acquire("a") == 0
    assert limiter.acquire("b") == 0
    assert limiter.acquire("a") > 0


def test_memory_stays_bounded_under_many_addresses():
    limiter = RateLimiter(1, 60, max_clients=100, clock=Clock())

    for n in range(10_000):
        limiter.acquire(f"client-{n}")

    assert len(limiter) == 100
    assert limiter.acquire("client-9999") > 0  # the recent ones are still remembered


def test_threads_cannot_overspend():
    limiter = RateLimiter(50, 3600)
    allowed = []

    def spend() -> None:
        allowed.extend(wait == 0 for wait in [limiter.acquire("shared") for _ in range(20)])

    threads = [threading.Thread(target=spend) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(allowed) == 50


def write(client, method="PUT", **kwargs):
    headers = {"Likes-Voter": secrets.token_urlsafe(16)} | kwargs.pop("headers", {})
    return client.simulate_request(method, "/api/articles/first/like", headers=headers, **kwargs)


def test_too_many_writes_are_429_with_retry_after(make_client):
    client = make_client(rate_limit=3, rate_window=60)

    accepted = [write(client, method).status_code for method in ("PUT", "DELETE", "PUT")]
    refused = write(client)

    assert accepted == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert "try again in 20 s" in refused.json["detail"]


def test_reads_and_rejected_input_spend_nothing(make_client):
    client = make_client(rate_limit=1, rate_window=60)

    for _ in range(5):
        assert client.simulate_get("/api/articles/first/like").status_code == 200
        assert client.simulate_put("/api/articles/first/like").status_code == 400

    assert write(client).status_code == 200


def test_each_address_has_its_own_budget(make_client):
    client = make_client(rate_limit=1, rate_window=60)

    assert write(client, remote_addr="203.0.113.1").status_code == 200
    assert write(client, remote_addr="203.0.113.1").status_code == 429
    assert write(client, remote_addr="203.0.113.2").status_code == 200


def test_behind_a_trusted_proxy_clients_are_told_apart(make_client):
    client = make_client(rate_limit=1, rate_window=60, trusted_proxies=(ip_network("10.0.0.0/8"),))

    def through_proxy(forwarded: str):
        return write(client, remote_addr="10.0.0.2", headers={"X-Forwarded-For": forwarded})

    assert through_proxy("203.0.113.1").status_code == 200
    assert through_proxy("203.0.113.2").status_code == 200
    assert through_proxy("203.0.113.1").status_code == 429
    # a client cannot escape its budget by inventing hops to the left of the proxy's entry
    assert through_proxy("198.51.100.77, 203.0.113.1").status_code == 429


def test_an_untrusted_peer_cannot_pose_as_others(make_client):
    client = make_client(rate_limit=1, rate_window=60)

    assert write(client, remote_addr="203.0.113.9").status_code == 200
    spoofed = write(client, remote_addr="203.0.113.9", headers={"X-Forwarded-For": "192.0.2.1"})
    assert spoofed.status_code == 429


def test_zero_turns_the_limit_off(make_client):
    client = make_client(rate_limit=0, daily_limit=0)  # the daily cap would stop at 20

    assert all(write(client).status_code == 200 for _ in range(100))
