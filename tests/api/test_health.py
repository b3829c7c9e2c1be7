"""GET /api/health, for load balancers; its 503 is exercised in test_errors.py."""


def test_healthy_database_is_200(client):
    result = client.simulate_get("/api/health")

    assert result.status_code == 200
    assert result.json == {"status": "ok"}
    assert result.headers["cache-control"] == "no-store"


def test_head_for_uptime_checks(client):
    result = client.simulate_head("/api/health")

    assert result.status_code == 200
    assert result.content == b""
