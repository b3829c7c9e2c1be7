"""Which client sent a request, for rate limiting: never stored, never logged.

``X-Forwarded-For`` is written by whoever sends it, so it is believed only as far as trusted
proxies vouch for it: walking from the right (the hop nearest to us), every trusted proxy is
skipped and the first address it reports that is not a trusted proxy is the client.
"""

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

# One IPv6 subscriber usually holds a whole /64: counting addresses inside it separately would
# give each reader billions of budgets.
IPV6_CLIENT_PREFIX = 64
# The key of a request whose client has no IP address the API can read.
UNKNOWN_CLIENT = "unknown"


def client_address(
    remote_addr: str | None, forwarded_for: str | None, trusted: Iterable[Network]
) -> str:
    """The client's address (an IPv6 client's /64 network), as a key for rate limiting."""
    trusted = tuple(trusted)
    nearest = parse_address(remote_addr or "")
    # A peer without an IP address is a local process on a Unix socket: a proxy by construction.
    vouched = nearest is None or _is_trusted(nearest, trusted)
    client = nearest
    if vouched and forwarded_for:
        for hop in reversed(forwarded_for.split(",")):
            address = parse_address(hop)
            if address is None:
                break  # garbage a trusted proxy passed on: keep the last hop it vouched for
            client = address
            if not _is_trusted(address, trusted):
                break
    return UNKNOWN_CLIENT if client is None else _key(client)


def parse_address(text: str) -> Address | None:
    """An address as proxies write it: bare, ``[v6]``, ``v4:port`` or ``[v6]:port``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _key(address: Address) -> str:
    if isinstance(address, IPv6Address):
        return str(IPv6Network((address, IPV6_CLIENT_PREFIX), strict=False))
    return str(address)
