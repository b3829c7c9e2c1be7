"""Storage for pelican-likes: the one package that both the API and the Pelican plugin build on.

It owns the schema, the database connection and every read or write of a like, so that the rules
that keep counts exact (atomic writes, one like per voter) live in a single place.
"""
