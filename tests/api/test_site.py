"""The built blog served beside the API for previews (LIKES_SITE_DIR)."""

import http.client
import json

import pytest

from tests.support import api_env


@pytest.fixture
def site_client(make_client, tmp_path):
    """The API with a small built blog: an index, an article in a folder, a stylesheet."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Home</title>")
    (tmp_path / "posts" / "index.html").write_text("<!doctype html><title>Posts</title>")
    (tmp_path / "posts" / "first.html").write_text("<!doctype html><title>First</title>")
    (tmp_path / "site.css").write_text("body { margin: 0 }")
    return make_client(site_dir=tmp_path)


@pytest.mark.parametrize(
    ("path", "title"), [("/", "Home"), ("/posts/", "Posts"), ("/posts/first.html", "First")]
)
def test_pages_and_folder_indexes(site_client, path, title):
    result = site_client.simulate_get(path)

    assert result.status_code == 200
    assert result.headers["content-type"] == "text/html"
    assert f"<title>{title}</title>" in result.text


def test_pages_allow_only_their_own_scripts(site_client):
    policy = site_client.simulate_get("/").headers["content-security-policy"]

    assert "default-src 'self'" in policy
    assert "script-src" not in policy  # scripts fall back to 'self': no inline, no foreign
    assert "frame-ancestors 'none'" in policy


def test_pages_let_the_widgets_form_say_where_it_comes_from(site_client):
    """Under the API's own no-referrer policy, browsers would send the form with "Origin: null",
    which the API refuses (tests/browser/test_without_javascript.py sends it for real)."""
    assert site_client.simulate_get("/").headers["referrer-policy"] == "same-origin"


def test_assets_get_their_type_and_revalidate(site_client):
    result = site_client.simulate_get("/site.css")

    assert result.headers["content-type"] == "text/css"
    assert result.headers["cache-control"] == "no-cache"
    assert result.headers["etag"]


@pytest.mark.parametrize("path", ["/missing.html", "/../../etc/passwd", "/posts", "/%2e%2e/x"])
def test_missing_or_escaping_paths_are_404(site_client, path):
    result = site_client.simulate_get(path)

    assert result.status_code == 404
    assert result.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    "path",
    [
        "/posts/first.html%00",
        "/%00/",
        "/posts/first.html%00.css",
        "/" + "a" * 300 + ".html",  # past the 255 bytes a file name may take
        "/" + "a/" * 2100,  # past the 4,096 bytes a path may take
    ],
)
def test_paths_the_file_system_refuses_are_404(site_client, path):
    result = site_client.simulate_get(path)

    assert result.status_code == 404
    assert result.json["status"] == 404


def test_a_nul_byte_is_404_under_gunicorn_without_a_traceback(start_gunicorn, sqlite_url, tmp_path):
    site = tmp_path / "output"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Home</title>")
    server = start_gunicorn(api_env(sqlite_url, LIKES_SITE_DIR=str(site)), workers=1)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    connection.request("GET", "/index.html%00")
    response = connection.getresponse()

    assert (response.status, json.loads(response.read())["status"]) == (404, 404)
    connection.close()
    assert server.log is not None and "Traceback" not in server.log.read_text()


def test_a_symlink_loop_in_the_folder_is_404(make_client, tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "round").symlink_to(tmp_path / "about")
    (tmp_path / "about").symlink_to(tmp_path / "round")
    client = make_client(site_dir=tmp_path)

    for path in ("/loop", "/round/index.html"):
        assert client.simulate_get(path).status_code == 404, path


@pytest.fixture
def outside(tmp_path_factory):
    """A secret file outside the built blog, as /etc/passwd is."""
    secret = tmp_path_factory.mktemp("outside") / "passwd"
    secret.write_text("root:x:0:0")
    return secret


@pytest.mark.parametrize("link", ["passwd", "posts/passwd.html"])
def test_a_symlink_out_of_the_folder_is_404(make_client, tmp_path, outside, link):
    (tmp_path / "posts").mkdir()
    (tmp_path / link).symlink_to(outside)
    (tmp_path / "escape").symlink_to(outside.parent, target_is_directory=True)
    client = make_client(site_dir=tmp_path)

    for path in (f"/{link}", "/escape/passwd"):
        result = client.simulate_get(path)

        assert result.status_code == 404, path
        assert "root:" not in result.text


def test_a_symlink_within_the_folder_is_served(make_client, tmp_path):
    (tmp_path / "feed.xml").write_text("<rss/>")
    (tmp_path / "latest.xml").symlink_to(tmp_path / "feed.xml")

    assert make_client(site_dir=tmp_path).simulate_get("/latest.xml").text == "<rss/>"


@pytest.mark.parametrize(
    "path", ["/.env", "/.git/config", "/posts/.secret.html", "/.well/index.html"]
)
def test_dotfiles_and_dot_folders_are_404(make_client, tmp_path, path):
    target = tmp_path / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("SECRET=1")
    client = make_client(site_dir=tmp_path)

    result = client.simulate_get(path)

    assert result.status_code == 404
    assert "SECRET" not in result.text


def test_the_site_is_read_only(site_client):
    result = site_client.simulate_put("/index.html")

    assert result.status_code == 405
    assert result.headers["allow"] == "GET, HEAD"


def test_the_api_keeps_its_paths(site_client):
    assert site_client.simulate_get("/api/health").json == {"status": "ok"}
    assert site_client.simulate_get("/api/nothing-here").status_code == 404


def test_without_a_site_only_the_api_answers(client):
    assert client.simulate_get("/").status_code == 404
