"""The ``pelican-likes`` command line: ``main`` builds the parser and turns every error into one
line; each command group (``db``, ``articles``, ``counts``, ``likes``, ``stats``, ``exchange``) is
a module whose ``add_commands(subparsers)`` adds its commands, each run as ``run(args, url)``;
``output`` prints every table, CSV and JSON, ``export_file`` reads and writes the export's JSON
lines, and ``usage`` holds the error a user's mistake ends in.
"""
