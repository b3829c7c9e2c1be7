"""Field names of Astro, Jekyll and Hugo, mapped onto Pelican's."""

import datetime

import pytest

from pelican.plugins.likes.field_mapping import as_flag, to_pelican
from pelican.plugins.likes.frontmatter_errors import FrontmatterError

SOURCE = "content/post.md"


@pytest.mark.parametrize("name", ["pubDate", "date", "publishDate"])
def test_publication_dates(name):
    assert to_pelican({name: "2024-04-07"}, SOURCE)["date"] == "2024-04-07"


@pytest.mark.parametrize("name", ["updatedDate", "lastmod", "last_modified_at", "modified"])
def test_modification_dates(name):
    assert to_pelican({name: "2024-05-02"}, SOURCE)["modified"] == "2024-05-02"


@pytest.mark.parametrize("name", ["description", "excerpt", "summary"])
def test_summaries(name):
    assert to_pelican({name: "In short."}, SOURCE)["summary"] == "In short."


@pytest.mark.parametrize("name", ["tags", "subcategories", "keywords"])
def test_tags_as_lists_or_comma_strings(name):
    assert to_pelican({name: ["a", 2024]}, SOURCE)["tags"] == ["a", "2024"]
    assert to_pelican({name: "a, b"}, SOURCE)["tags"] == ["a", "b"]  # as Pelican splits it


@pytest.mark.parametrize("name", ["heroImage", "image", "cover"])
def test_images_for_themes(name):
    assert to_pelican({name: "/hero.jpg"}, SOURCE)["image"] == "/hero.jpg"


def test_pelicans_own_name_wins_over_an_alias_and_the_alias_stays():
    metadata = to_pelican({"summary": "Pelican's", "description": "For <meta>"}, SOURCE)

    assert metadata["summary"] == "Pelican's"
    assert metadata["description"] == "For <meta>"


def test_jekyll_categories_give_the_first_as_pelicans_one_category():
    assert to_pelican({"categories": ["Travel", "Europe"]}, SOURCE)["category"] == "Travel"
    assert to_pelican({"category": "Craft"}, SOURCE)["category"] == "Craft"


def test_hugo_cover_objects_give_their_image():
    assert to_pelican({"cover": {"image": "c.png", "alt": "A"}}, SOURCE)["image"] == "c.png"


def test_authors_and_a_list_given_as_author():
    assert to_pelican({"author": "Jane"}, SOURCE)["author"] == "Jane"
    assert to_pelican({"authors": ["Ada", "Grace"]}, SOURCE)["authors"] == ["Ada", "Grace"]
    assert to_pelican({"author": ["Ada", "Grace"]}, SOURCE) == {"authors": ["Ada", "Grace"]}


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"draft": True}, "draft"),
        ({"draft": "true"}, "draft"),
        ({"published": False}, "draft"),
        ({"draft": True, "status": "hidden"}, "hidden"),
    ],
)
def test_drafts(fields, status):
    assert to_pelican(fields, SOURCE)["status"] == status


def test_draft_false_leaves_the_status_to_pelican():
    assert "status" not in to_pelican({"draft": False, "published": True}, SOURCE)


def test_likes_false_turns_the_widget_off():
    assert to_pelican({"likes": False}, SOURCE)["likes"] is False
    assert to_pelican({"likes": "no"}, SOURCE)["likes"] is False
    assert to_pelican({"likes": True}, SOURCE)["likes"] is True


@pytest.mark.parametrize("fields", [{"likes": "maybe"}, {"draft": "perhaps"}])
def test_a_flag_that_is_neither_true_nor_false_is_an_error(fields):
    with pytest.raises(FrontmatterError, match="expected true or false"):
        to_pelican(fields, SOURCE)


def test_yaml_and_toml_dates_become_text_for_pelicans_parser():
    offset = datetime.timezone(datetime.timedelta(hours=2))
    metadata = to_pelican(
        {
            "pubDate": datetime.date(2024, 4, 7),
            "lastmod": datetime.datetime(2024, 5, 2, 8, 30, tzinfo=offset),
        },
        SOURCE,
    )

    assert metadata["date"] == "2024-04-07"
    assert metadata["modified"] == "2024-05-02T08:30:00+02:00"


def test_a_date_that_is_not_a_date_is_an_error():
    with pytest.raises(FrontmatterError, match="date: expected a date"):
        to_pelican({"date": 2024}, SOURCE)


def test_titles_are_text_so_markup_in_them_is_escaped():
    metadata = to_pelican({"title": "Q&A: <script>x</script>", "subtitle": "<b>bold</b>"}, SOURCE)

    assert metadata["title"] == "Q&amp;A: &lt;script&gt;x&lt;/script&gt;"
    assert metadata["subtitle"] == "&lt;b&gt;bold&lt;/b&gt;"


def test_unknown_fields_are_kept_under_lowercased_names():
    metadata = to_pelican(
        {"readingTime": 5, "series": {"name": "Basics"}, "layout": "post"}, SOURCE
    )

    assert metadata == {"readingtime": 5, "series": {"name": "Basics"}, "layout": "post"}


def test_empty_fields_give_pelican_nothing():
    metadata = to_pelican({"summary": None, "categories": []}, SOURCE)

    assert "summary" not in metadata
    assert "category" not in metadata


@pytest.mark.parametrize(
    ("value", "flag"),
    [(True, True), ("Yes", True), (1, True), ("off", False), (0, False), ("0", False)],
)
def test_flags(value, flag):
    assert as_flag(value) is flag


def test_anything_else_is_not_a_flag():
    assert as_flag("sometimes") is None
    assert as_flag(2) is None


@pytest.mark.parametrize(
    ("fields", "category", "tags"),
    [
        ({"categories": "jekyll update"}, "jekyll", ["update"]),
        ({"categories": ["Travel", "Europe"], "tags": ["hills"]}, "Travel", ["hills", "Europe"]),
        ({"categories": "a, b c", "tags": "b c, d"}, "a", ["b c", "d"]),  # commas: split there
        ({"category": "Craft", "categories": "Craft Wood"}, "Craft", ["Wood"]),
        ({"category": "jekyll update"}, "jekyll update", None),  # one category, as Jekyll reads
        ({"categories": "solo"}, "solo", None),
    ],
)
def test_one_category_and_the_others_as_tags(fields, category, tags):
    metadata = to_pelican(fields, SOURCE)

    assert metadata["category"] == category
    assert metadata.get("tags") == tags


@pytest.mark.parametrize(
    ("url", "saved_as"),
    [
        ("/about-us/", "about-us/index.html"),
        ("/about-us", "about-us/index.html"),
        ("/docs/setup/", "docs/setup/index.html"),
        ("/notes.html", "notes.html"),
        ("about-us/", "about-us/index.html"),
    ],
)
def test_hugo_urls_give_the_path_pelican_saves_and_links(url, saved_as):
    metadata = to_pelican({"url": url}, SOURCE)

    assert metadata["save_as"] == saved_as
    assert metadata["url"] == saved_as.removesuffix("index.html")


def test_an_explicit_save_as_is_kept():
    metadata = to_pelican({"url": "/about-us/", "save_as": "about.html"}, SOURCE)

    assert metadata == {"url": "about-us/", "save_as": "about.html"}


@pytest.mark.parametrize(
    "url", ["/", "", "https://other.example/x/", "//cdn.example/x/", "/a/../b/", "/x/?page=2"]
)
def test_urls_that_are_no_page_of_the_site_are_left_out(url, caplog):
    assert to_pelican({"url": url, "title": "T"}, SOURCE) == {"title": "T"}
    assert f"{SOURCE}: url {url!r} is not a path on this site: left out" in caplog.text


@pytest.mark.parametrize(
    ("tags", "split"),
    [
        ("ruby static-sites", ["ruby", "static-sites"]),  # Jekyll's spaces
        ("static sites, blogging", ["static sites", "blogging"]),  # Pelican's commas
        ("Doe, Jane; Roe, Rick", ["Doe, Jane", "Roe, Rick"]),  # Pelican's semicolons
        ("solo", ["solo"]),
        ("", []),
    ],
)
def test_tags_given_as_text(tags, split):
    assert to_pelican({"tags": tags}, SOURCE)["tags"] == split
