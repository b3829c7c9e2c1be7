"""A blog build's exchange with the likes database, in plain records the plugin can send to a
process of its own: register the articles, merge renames, close articles, read every count; and
the rebuild's shortcut that answers the same from the database's driver alone; and the file in
which builds keep the likes of the articles' posts on other services (social_cache.py).

Nothing here imports SQLAlchemy until the exchange runs: the plugin imports these modules in
Pelican's own process.
"""
