"""Client addresses behind proxies: believed only as far as trusted proxies vouch for them."""

from ipaddress import ip_network

import pytest

from pelican_likes.api.clients import client_address

PROXIES = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # an untrusted peer's X-Forwarded-For is whatever it wants us to believe
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # the client may prepend anything; the right-most untrusted hop is the one the proxy saw
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        ("10.0.0.2", "10.0.0.7,10.0.0.9", "10.0.0.7"),  # all trusted: the farthest one
        ("10.0.0.2", "not-an-address, 10.0.0.9", "10.0.0.9"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "198.51.100.1:4711", "198.51.100.1"),
        ("10.0.0.2", "[2001:db8::1]:4711", "2001:db8::/64"),
        ("fd00::1", "2001:db8::1", "2001:db8::/64"),
        ("2001:db8:1:2:3:4:5:6", None, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", None, "203.0.113.7"),
        ("", "198.51.100.1", "198.51.100.1"),  # a Unix socket: the peer is a local proxy
        ("", None, "unknown"),
    ],
)
def test_client_address(remote, forwarded, client):
    assert client_address(remote, forwarded, PROXIES) == client


def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert client_address("10.0.0.2", "198.51.100.1", ()) == "10.0.0.2"
