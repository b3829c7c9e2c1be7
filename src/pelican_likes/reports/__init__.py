"""The author's reports: likes per article and per day read from the database, drawn as a table
for the terminal and as one self-contained HTML page of charts (``assets/`` holds its template,
styles and the vendored uPlot).
"""
