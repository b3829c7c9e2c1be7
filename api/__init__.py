"""The likes API: the Falcon application every reader's click reaches, served by gunicorn.

It validates input, keeps readers anonymous (only a keyed hash of their token reaches storage)
and leaves every count to ``pelican_likes.storage``, where the rules that keep counts exact live.
"""
