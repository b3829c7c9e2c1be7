"""Storage: the schema, database URLs and engines, and every read or write of a like.

The API, the plugin, the commands and the reports all build on this package and it imports none
of them, so the rules that keep counts exact (atomic writes, one like per reader) live in one
place. ``store.LikeStore`` is the list of what storage does; the SQL and the rules of each concern
live in modules of their own beside it.
"""
