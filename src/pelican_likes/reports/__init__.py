"""The author's reports: likes per article and per day read from the database (``stats``), shaped
as a table for the terminal, CSV rows and a JSON document (``summary``), and drawn as one
self-contained HTML page of charts (``page``; ``assets/`` holds its template, styles and the
vendored uPlot). The commands print them; nothing here imports the commands.
"""
