"""Counts kept by the systems a blog used before pelican-likes, read from the files they export
and matched to the blog's articles: a reader per system, and the matching they share."""
