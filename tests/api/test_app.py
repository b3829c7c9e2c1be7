"""The assembled application: CORS for blogs on other hosts, and how it is built."""

import subprocess
import sys

import pytest

BLOG = "https://blog.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "likes-voter, content-type",
}


@pytest.fixture
def cors_client(make_client):
    return make_client(allowed_origins=(BLOG, "http://localhost:8000"))


def test_listed_origin_is_allowed_and_the_answer_varies_by_origin(cors_client):
    result = cors_client.simulate_get(
        "/api/likes", params={"slug": "first"}, headers={"Origin": BLOG}
    )

    assert result.headers["access-control-allow-origin"] == BLOG
    assert "Origin" in result.headers["vary"]
    assert "Retry-After" in result.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "http://blog.example.com", "https://blog.example.com:8443", "null"],
)
def test_unlisted_origin_gets_no_cors_headers(cors_client, origin):
    simple = cors_client.simulate_get(
        "/api/likes", params={"slug": "first"}, headers={"Origin": origin}
    )
    preflight = cors_client.simulate_options(
        "/api/articles/first/like", headers=PREFLIGHT | {"Origin": origin}
    )

    for result in (simple, preflight):
        assert not [name for name in result.headers if name.startswith("access-control-")]
        assert "Origin" in result.headers["vary"]


def test_preflight_of_a_like_is_granted_to_a_listed_origin(cors_client):
    result = cors_client.simulate_options(
        "/api/articles/first/like", headers=PREFLIGHT | {"Origin": BLOG}
    )

    assert result.status_code == 204
    assert result.headers["access-control-allow-origin"] == BLOG
    methods = {m.strip() for m in result.headers["access-control-allow-methods"].split(",")}
    assert {"PUT", "DELETE", "GET"} <= methods
    assert result.headers["access-control-allow-headers"] == "Content-Type, Likes-Voter"
    assert "Origin" in result.headers["vary"]


@pytest.mark.parametrize("origin", [None, BLOG])
def test_options_is_an_empty_answer_with_no_content_type(cors_client, origin):
    headers = PREFLIGHT | ({"Origin": origin} if origin else {})

    result = cors_client.simulate_options("/api/articles/first/like", headers=headers)

    assert result.status_code == 204
    assert result.content == b""
    assert "content-type" not in result.headers
    methods = result.headers.get("allow") or result.headers["access-control-allow-methods"]
    assert "PUT" in methods


def test_preflight_grants_only_the_headers_the_api_reads(cors_client):
    headers = PREFLIGHT | {"Origin": BLOG, "Access-Control-Request-Headers": "x-anything"}

    result = cors_client.simulate_options("/api/articles/first/like", headers=headers)

    assert "x-anything" not in result.headers["access-control-allow-headers"].lower()


def test_errors_carry_cors_headers_so_the_widget_can_read_them(cors_client):
    result = cors_client.simulate_put("/api/articles/first/like", headers={"Origin": BLOG})

    assert result.status_code == 400
    assert result.headers["access-control-allow-origin"] == BLOG


def test_no_origin_is_allowed_unless_configured(client):
    result = client.simulate_get("/api/likes", params={"slug": "first"}, headers={"Origin": BLOG})

    assert "access-control-allow-origin" not in result.headers


def test_wildcard_allows_any_origin(make_client):
    result = make_client(allowed_origins=("*",)).simulate_get(
        "/api/likes", params={"slug": "first"}, headers={"Origin": "https://any.example"}
    )

    assert result.headers["access-control-allow-origin"] == "*"


def test_importing_the_factory_reads_no_settings_and_writes_nothing(tmp_path):
    code = "import pelican_likes.api.app as m; print('app' in vars(m))"
    environment = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": ""}

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []


def test_a_worker_never_loads_alembic(tmp_path):
    """Migrations are the command line's: Alembic in every API worker was 10 MiB of each."""
    code = "import sys; from pelican_likes.api.wsgi import app; print('alembic' in sys.modules)"
    environment = {"DATABASE_URL": f"sqlite:///{tmp_path / 'blog.sqlite3'}", "PATH": ""}

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_wsgi_module_builds_the_app_from_the_environment(tmp_path):
    code = "from pelican_likes.api.wsgi import app; print(type(app).__name__)"
    database = tmp_path / "blog.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}", "PATH": ""}

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "LikesApp"
    assert (tmp_path / "blog.sqlite3.secret").stat().st_mode & 0o777 == 0o600
