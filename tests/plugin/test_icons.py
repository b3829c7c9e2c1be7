"""LIKES_ICON: the shipped icons, and a blogger's own SVG file inlined only when it can neither
run, fetch nor restyle anything (fixtures/icons holds the files, good and hostile)."""

import xml.etree.ElementTree as ET

import pytest

from pelican.plugins.likes.icons import SHIPPED, RefusedIcon, inline_svg, widget_icon
from tests.plugin.pelican_builds import FIXTURES, PUBLISHED, likes_warnings

ICONS = FIXTURES / "icons"
SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


@pytest.mark.parametrize("name", ["thumb", "heart", "star"])
def test_each_shipped_icon_is_one_path_hidden_from_assistive_technology(name):
    icon = widget_icon(name)
    svg = parsed(icon.markup)

    assert icon.problem is None
    assert (svg.get("class"), svg.get("aria-hidden"), svg.get("focusable")) == (
        "likes-icon",
        "true",
        "false",
    )
    assert [path.get("d") for path in svg] == [SHIPPED[name]]


def test_an_editors_file_keeps_its_drawing_and_loses_the_editors_notes():
    svg = parsed(inline_svg((ICONS / "inkscape-heart.svg").read_bytes()))

    assert svg.get("class") == "likes-icon likes-icon-own"
    assert (svg.get("viewBox"), svg.get("aria-hidden"), svg.get("width")) == (
        "0 0 32 32",
        "true",
        None,
    )
    [group] = svg  # the root's fill, on a group the stylesheet does not override
    assert group.get("fill") == "#c2185b"
    assert [element.tag.removeprefix(SVG) for element in group.iter()] == [
        "g", "defs", "path", "g", "use", "use"
    ]  # fmt: skip
    assert [use.get("href") for use in group.iter(f"{SVG}use")] == ["#half", "#half"]
    assert "inkscape" not in str(ET.tostring(svg)) and "title" not in str(ET.tostring(svg))


def test_a_file_without_namespace_or_viewbox_takes_its_size_as_viewbox():
    svg = parsed(inline_svg((ICONS / "plain-star.svg").read_bytes()))

    assert svg.get("viewBox") == "0 0 20 20"
    assert [element.tag for element in svg] == [f"{SVG}polygon"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("script.svg", "it has a <script> element"),
        ("foreign-object.svg", "it has a <foreignObject> element"),
        ("style.svg", "it has a <style> element"),
        ("onload.svg", "<svg> has an event attribute, onload"),
        ("outside-use.svg", "<use> refers to 'https://evil.example/icons.svg#thumb'"),
        ("outside-fill.svg", "<path> style refers to outside the file"),
        ("entities.svg", "it is not an SVG document (EntitiesForbidden"),
        ("page.svg", "its root element is <html>, not <svg>"),
        ("broken.svg", "it is not an SVG document"),
        ("no-size.svg", "it has no viewBox, nor a width and a height in pixels"),
    ],
)
def test_what_could_run_fetch_or_restyle_is_refused_saying_why(name, reason):
    with pytest.raises(RefusedIcon, match="^" + reason.replace("(", r"\(")):
        inline_svg((ICONS / name).read_bytes())


def test_an_outside_reference_in_capitals_is_refused_too():
    """The HTML parser lowercases attribute names: ``HREF`` would be an ``href`` in the page."""
    data = b'<svg viewBox="0 0 1 1"><use HREF="https://evil.example/i.svg#a"/></svg>'

    with pytest.raises(RefusedIcon, match="outside the file"):
        inline_svg(data)


def test_a_refused_or_missing_file_falls_back_to_the_thumb_naming_it(tmp_path):
    refused = widget_icon(str(ICONS / "script.svg"))
    missing = widget_icon(str(tmp_path / "gone.svg"))

    assert refused.markup == widget_icon("thumb").markup == missing.markup
    assert refused.problem.startswith(f"LIKES_ICON {str(ICONS / 'script.svg')!r}: ")
    assert "script.svg is not used: it has a <script> element" in refused.problem
    assert "gone.svg: No such file or directory" in missing.problem


def test_a_large_file_is_refused_for_the_weight_of_every_page(tmp_path):
    big = tmp_path / "big.svg"
    path = '<path d="M0 0h24v24z"/>'
    big.write_text(f'<svg xmlns="{SVG[1:-1]}" viewBox="0 0 24 24">{path * 1000}</svg>')

    assert "bytes, over the 16,384 an icon may have" in widget_icon(str(big)).problem


@pytest.mark.parametrize("setting", ["hart", "Heart", "icon.png", 3, None])
def test_other_values_name_the_setting_and_what_it_accepts(setting):
    problem = widget_icon(setting).problem

    assert problem == (
        f"LIKES_ICON {setting!r}: expected one of 'thumb', 'heart', 'star', or the path of an "
        ".svg file"
    )


def test_a_build_with_a_relative_icon_path_inlines_it(build_site, sqlite_url, monkeypatch):
    monkeypatch.chdir(ICONS)
    site = build_site(PUBLISHED, LIKES_ICON="plain-star.svg", LIKES_DATABASE_URL=sqlite_url)

    page = site.page("first-post.html")
    assert '<svg class="likes-icon likes-icon-own"' in page and "<polygon points" in page


def test_a_build_with_a_refused_icon_warns_once_and_shows_the_thumb(build_site, caplog, sqlite_url):
    site = build_site(
        PUBLISHED, LIKES_ICON=str(ICONS / "onload.svg"), LIKES_DATABASE_URL=sqlite_url
    )

    [warning] = likes_warnings(caplog)
    assert "onload.svg is not used: <svg> has an event attribute" in warning.getMessage()
    assert warning.getMessage().endswith("; the widgets show the thumb")
    assert f'<path d="{SHIPPED["thumb"]}"/>' in site.page("first-post.html")
    assert "alert" not in site.page("first-post.html")
