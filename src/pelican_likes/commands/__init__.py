"""The ``pelican-likes`` command line: one module per command group, each adding its commands to
the parser that ``main`` builds, all writing tables, CSV and JSON through one output helper.
"""
