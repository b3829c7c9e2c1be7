"""Bluesky posts' public counts, from the public AppView without an account.

A post's URL names its author by handle or DID; a handle is resolved once with
``com.atproto.identity.resolveHandle`` (answering ``{"did": ...}``), its AT URI then kept in the
cache. Posts are asked 25 at a time, the most ``app.bsky.feed.getPosts`` takes (its lexicon's
``uris.maxLength``); of each ``app.bsky.feed.defs#postView``, ``uri``, ``likeCount`` and
``repostCount`` are read (optional in the lexicon: absent is 0). A post missing from the answer
was deleted (or never existed).
"""

import asyncio
from collections.abc import Iterable, Mapping

from pelican.plugins.likes.social.fetching import Fetcher, FetchProblem, whole_count
from pelican.plugins.likes.social.posts import Post

BATCH = 25

# (likes, reposts, AT URI) of a post, or why it has none.
Outcome = tuple[int, int, str] | FetchProblem


async def fetch_all(
    fetcher: Fetcher, posts: Iterable[tuple[Post, str | None]], api: str
) -> dict[str, Outcome]:
    """The outcome of each post, by URL; each comes with its AT URI if already known."""
    api = api.rstrip("/")
    posts = list(posts)
    handles = {p.key for p, uri in posts if uri is None and not p.key.startswith("did:")}
    resolved = dict(
        zip(
            handles,
            await asyncio.gather(*(_resolve(fetcher, api, h) for h in handles)),
            strict=True,
        )
    )
    outcomes: dict[str, Outcome] = {}
    uris: dict[str, str] = {}
    for post, known in posts:
        did = post.key if post.key.startswith("did:") else resolved.get(post.key)
        if known is not None:
            uris[post.url] = known
        elif isinstance(did, FetchProblem):
            outcomes[post.url] = did
        else:
            uris[post.url] = f"at://{did}/app.bsky.feed.post/{post.rkey}"
    wanted = sorted(set(uris.values()))
    batches = [wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)]
    views: dict[str, tuple[int, int] | FetchProblem] = {}
    for batch, answer in zip(
        batches, await asyncio.gather(*(_posts(fetcher, api, b) for b in batches)), strict=True
    ):
        for uri in batch:
            views[uri] = (
                answer if isinstance(answer, FetchProblem)
                else answer.get(uri, FetchProblem("not found (deleted?)"))
            )  # fmt: skip
    for url, uri in uris.items():
        view = views[uri]
        outcomes[url] = view if isinstance(view, FetchProblem) else (*view, uri)
    return outcomes


async def _resolve(fetcher: Fetcher, api: str, handle: str) -> str | FetchProblem:
    try:
        answer = await fetcher.get_json(
            f"{api}/xrpc/com.atproto.identity.resolveHandle", {"handle": handle}
        )
    except FetchProblem as problem:
        return FetchProblem(f"handle {handle}: {problem.reason}", problem.retry_after)
    did = answer.get("did") if isinstance(answer, Mapping) else None
    if not isinstance(did, str) or not did.startswith("did:"):
        return FetchProblem(f"handle {handle}: an answer without its DID")
    return did


async def _posts(
    fetcher: Fetcher, api: str, uris: list[str]
) -> dict[str, tuple[int, int]] | FetchProblem:
    try:
        answer = await fetcher.get_json(f"{api}/xrpc/app.bsky.feed.getPosts", {"uris": uris})
        views = answer.get("posts") if isinstance(answer, Mapping) else None
        if not isinstance(views, list):
            raise FetchProblem("an answer without its posts")
        return {
            view["uri"]: (
                whole_count(view.get("likeCount", 0)),
                whole_count(view.get("repostCount", 0)),
            )
            for view in views
            if isinstance(view, Mapping) and isinstance(view.get("uri"), str)
        }
    except FetchProblem as problem:
        return problem
