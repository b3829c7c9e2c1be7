"""Likes from where an article was shared: Mastodon, Bluesky and webmention.io counts, fetched
at build time through each service's public API and baked beside the widget.

posts.py recognises the shared posts in an article's frontmatter; fetching.py is the one HTTP
client, with its timeouts and limits; mastodon.py, bluesky.py and webmention.py each ask one
service; refresh.py decides what is due and keeps the last known counts on failure; baking.py is
the build's receiver. httpx is imported only by builds with something to fetch.
"""
