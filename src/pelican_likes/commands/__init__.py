"""The ``pelican-likes`` command line: ``main`` builds the parser and turns every error into one
line; each command group (``db``, ``articles``, ``counts``, ``likes``, ``stats``) is a module whose
``add_commands(subparsers)`` adds its commands, each run as ``run(args, url)``; ``output`` prints
every table, CSV and JSON, and ``usage`` holds the error a user's mistake ends in.
"""
