"""A failed form, as a reader without JavaScript gets it: a small page in the blog's language
saying why, with a link back, its status kept; scripts still get problem details. On SQLite and
PostgreSQL.

These answers are HTML, which the suite's contract client holds to problem details: the app is
driven through Falcon's plain TestClient here."""

from html.parser import HTMLParser

import falcon.testing
import pytest

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config
from pelican_likes.api.form_pages import texts_for
from pelican_likes.storage.store import ArticleInfo
from pelican_likes.translations import shipped_translations
from tests.support import ARTICLES

BLOG = "https://blog.example"
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
PAGE_TEXTS = {"back", "unknown", "closed", "busy", "refused"}


class Page(HTMLParser):
    """What a reader sees of an error page: its language, direction, text and link."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.attributes: dict[str, dict[str, str | None]] = {}
        self.paragraphs: list[str] = []
        self._tag = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.setdefault(tag, dict(attrs))
        self._tag = tag

    def handle_data(self, data: str) -> None:
        if data.strip() and self._tag in ("p", "a"):
            self.paragraphs.append(data.strip())

    @property
    def link(self) -> str | None:
        return self.attributes.get("a", {}).get("href")


@pytest.fixture
def browser_client(store, secret):
    """A client of an API that the blog at BLOG calls from another origin."""
    store.register(ARTICLES)

    def make(**settings) -> falcon.testing.TestClient:
        url = store.engine.url.render_as_string(hide_password=False)
        config = Config(url, secret, allowed_origins=(BLOG,), rate_limit=0, **settings)
        return falcon.testing.TestClient(create_app(config, store))

    return make


def send_form(client, slug="first", lang="fr", origin=BLOG, accept=BROWSER_ACCEPT):
    return client.simulate_post(
        f"/api/form-likes/{slug}",
        params={"return": f"/{slug}.html", "lang": lang},
        headers={"Origin": origin, "Accept": accept},
    )


def page_of(result) -> Page:
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    return Page(result.text)


def test_an_unregistered_article_is_a_404_page_in_the_forms_language_with_a_link_back(
    browser_client,
):
    result = send_form(browser_client(), slug="not-built")

    page = page_of(result)
    assert result.status_code == 404
    assert page.attributes["html"] == {"lang": "fr", "dir": "ltr"}
    assert page.paragraphs == [
        "Cet article ne peut pas encore recevoir de j’aime.",  # noqa: RUF001
        "Retour à l’article",  # noqa: RUF001
    ]
    assert page.link == f"{BLOG}/not-built.html"


def test_an_article_closed_to_likes_is_a_409_page(browser_client, store):
    store.close_likes(["first"])

    result = send_form(browser_client(), lang="de")

    assert result.status_code == 409
    assert page_of(result).paragraphs[0] == "Likes sind für diesen Artikel geschlossen."


def test_the_daily_cap_is_a_429_page_keeping_retry_after(browser_client):
    client = browser_client(daily_limit=1)
    assert send_form(client).status_code == 303

    result = send_form(client, lang="es")

    assert result.status_code == 429
    assert int(result.headers["retry-after"]) >= 1
    assert page_of(result).paragraphs[0] == "Demasiados me gusta desde tu red hoy."


def test_the_rate_limit_is_a_429_page_of_its_own(store, secret):
    store.register(ARTICLES)
    url = store.engine.url.render_as_string(hide_password=False)
    config = Config(url, secret, allowed_origins=(BLOG,), rate_limit=1, daily_limit=0)
    client = falcon.testing.TestClient(create_app(config, store))
    send_form(client)

    result = send_form(client, lang="en")

    assert result.status_code == 429
    assert page_of(result).paragraphs[0].startswith("Too many likes from your network just now")


def test_a_page_whose_origin_is_not_allowed_gets_a_403_page_linking_back_to_it(browser_client):
    result = send_form(browser_client(), origin="https://www.blog.example", lang="ar")

    page = page_of(result)
    assert result.status_code == 403
    assert page.attributes["html"] == {"lang": "ar", "dir": "rtl"}
    assert page.paragraphs[0] == "خادم الإعجابات لهذه المدونة لا يقبل الإعجابات من هذه الصفحة."
    assert page.link == "https://www.blog.example/first.html"  # where the reader just was


def test_a_malformed_request_is_the_generic_error_page(browser_client):
    client = browser_client()

    result = client.simulate_post(
        "/api/form-likes/first",
        params={"return": "https://evil.example/", "lang": "fr"},
        headers={"Origin": BLOG, "Accept": BROWSER_ACCEPT},
    )

    page = page_of(result)
    assert result.status_code == 400
    assert page.paragraphs == [
        "Votre j’aime n’a pas pu être enregistré. Veuillez réessayer."  # noqa: RUF001
    ]
    assert page.link is None  # no link to a page off the blog


@pytest.mark.parametrize(
    ("asked", "answered"),
    [("pt-BR", "pt"), ("zh-Hans-CN", "zh-Hans"), ("ZH-hans", "zh-Hans"), ("sv", "en"), ("", "en")],
)
def test_the_language_is_the_forms_or_its_nearest_shipped_else_english(asked, answered):
    assert texts_for(asked)[0] == answered


def test_what_the_form_sends_is_escaped(browser_client):
    result = send_form(browser_client(), slug="not-built", lang='"><script>alert(1)</script>')

    assert "<script>" not in result.text
    assert page_of(result).attributes["html"]["lang"] == "en"


@pytest.mark.parametrize("accept", ["*/*", "application/json", None])
def test_scripts_still_get_problem_details(browser_client, accept):
    client = browser_client()
    headers = {"Origin": BLOG} | ({"Accept": accept} if accept else {})

    result = client.simulate_post(
        "/api/form-likes/not-built", params={"return": "/x.html"}, headers=headers
    )

    assert result.status_code == 404
    assert result.headers["content-type"] == "application/problem+json"


def test_a_like_of_an_article_beyond_ascii_comes_back_to_its_thanks(browser_client, store):
    store.register([ArticleInfo("été-2024")])

    result = send_form(browser_client(), slug="été-2024")

    assert result.status_code == 303
    assert result.headers["location"].endswith("#likes-counted-%C3%A9t%C3%A9-2024")


@pytest.mark.parametrize("lang", list(shipped_translations()))
def test_every_shipped_language_has_its_own_words_for_each_page(lang):
    shipped = shipped_translations()
    english = shipped["en"]["page"]

    page = shipped[lang]["page"]

    assert set(page) == PAGE_TEXTS
    assert all(text.strip() for text in page.values())
    assert lang == "en" or all(page[name] != english[name] for name in PAGE_TEXTS)
