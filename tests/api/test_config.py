"""Settings from the environment: defaults, and one clear line for each mistake."""

from ipaddress import ip_network

import pytest

from pelican_likes.api.config import Config, ConfigError

SECRET = "s" * 32
POSTGRES = "postgresql://likes@db.internal/likes"


def test_defaults(tmp_path):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"

    config = Config.from_environ({"DATABASE_URL": url})

    assert config.database_url == url
    assert len(config.secret) >= 32
    assert config.allowed_origins == ()
    assert config.public_origin is None
    assert config.trusted_proxies == ()
    assert (config.rate_limit, config.rate_window, config.cache_max_age) == (30, 60, 5)
    assert config.daily_limit == 20


def test_every_setting_is_read():
    config = Config.from_environ(
        {
            "DATABASE_URL": POSTGRES,
            "LIKES_SECRET": SECRET,
            "LIKES_ALLOWED_ORIGINS": "https://blog.example.com, http://localhost:8000",
            "LIKES_PUBLIC_ORIGIN": " http://[::1]:8000 ",
            "LIKES_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
            "LIKES_RATE_LIMIT": "10",
            "LIKES_RATE_WINDOW": "30",
            "LIKES_CACHE_MAX_AGE": "0",
            "LIKES_DAILY_LIMIT": "0",
        }
    )

    assert config.database_url == POSTGRES
    assert config.secret == SECRET.encode()
    assert config.allowed_origins == ("https://blog.example.com", "http://localhost:8000")
    assert config.public_origin == "http://[::1]:8000"
    assert config.trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("::1/128"))
    assert (config.rate_limit, config.rate_window, config.cache_max_age) == (10, 30, 0)
    assert config.daily_limit == 0


def test_postgresql_without_a_secret_refuses_to_start_saying_why():
    with pytest.raises(ConfigError) as error:
        Config.from_environ({"DATABASE_URL": POSTGRES})

    message = str(error.value)
    assert "LIKES_SECRET is required" in message
    assert "\n" not in message


@pytest.mark.parametrize("origin", ["blog.example.com", "https://blog.example.com/", "ftp://x.y"])
def test_origins_must_be_written_as_browsers_send_them(origin):
    with pytest.raises(ConfigError, match="LIKES_ALLOWED_ORIGINS"):
        Config.from_environ(
            {"DATABASE_URL": POSTGRES, "LIKES_SECRET": SECRET, "LIKES_ALLOWED_ORIGINS": origin}
        )


@pytest.mark.parametrize(
    ("origin", "hint"),
    [
        ("https://Blog.example.com", "https://blog.example.com"),
        ("https://blog.example.com:443", "https://blog.example.com"),
        ("https://blog.example.com/", "https://blog.example.com"),
        ("https://blog.example.com/blog", "https://blog.example.com"),
        ("blog.example.com", "scheme://host[:port]"),
        ("*", "scheme://host[:port]"),
        ("null", "scheme://host[:port]"),
    ],
)
def test_the_public_origin_must_be_written_as_browsers_send_it(origin, hint):
    """Compared as a string with the Origin header, it would otherwise silently never match."""
    environ = {"DATABASE_URL": POSTGRES, "LIKES_SECRET": SECRET, "LIKES_PUBLIC_ORIGIN": origin}

    with pytest.raises(ConfigError) as error:
        Config.from_environ(environ)

    message = str(error.value)
    assert message.startswith("LIKES_PUBLIC_ORIGIN: ")
    assert f"write {hint}" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LIKES_SECRET", "too short"),
        ("LIKES_SECRET", "秘密の鍵は十一文字です"),  # 11 characters, 33 bytes of UTF-8
        ("LIKES_SECRET", "a secret with a tab\tin it, long enough to pass"),
        ("LIKES_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("LIKES_TRUSTED_PROXIES", "proxy.internal"),
        ("LIKES_RATE_LIMIT", "-1"),
        ("LIKES_RATE_LIMIT", "ten"),
        ("LIKES_RATE_WINDOW", "0"),
        ("LIKES_CACHE_MAX_AGE", "1.5"),
        ("LIKES_DAILY_LIMIT", "-1"),
        ("LIKES_DAILY_LIMIT", "twenty"),
        ("LIKES_DAILY_LIMIT", "2147483648"),  # more than a count can hold
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://likes@db/likes"),
        ("LIKES_READ_DATABASE_URL", "not a url"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(name, value):
    environ = {"DATABASE_URL": POSTGRES, "LIKES_SECRET": SECRET, name: value}

    with pytest.raises(ConfigError) as error:
        Config.from_environ(environ)

    assert name in str(error.value)
    assert "\n" not in str(error.value)


def test_a_short_secret_is_refused_when_built_in_code():
    with pytest.raises(ConfigError):
        Config(database_url=POSTGRES, secret=b"short")


def test_neither_secret_nor_password_shows_in_a_printed_config():
    config = Config.from_environ(
        {"DATABASE_URL": "postgresql://likes:hunter2@db/likes", "LIKES_SECRET": SECRET}
    )

    assert SECRET not in repr(config)
    assert "hunter2" not in repr(config)


def test_a_site_folder_must_exist(tmp_path):
    environ = {"DATABASE_URL": POSTGRES, "LIKES_SECRET": SECRET}

    assert Config.from_environ(environ | {"LIKES_SITE_DIR": str(tmp_path)}).site_dir == tmp_path
    with pytest.raises(ConfigError, match="LIKES_SITE_DIR"):
        Config.from_environ(environ | {"LIKES_SITE_DIR": str(tmp_path / "output")})
