"""What WSGI servers load: ``gunicorn -c python:pelican_likes.api.gunicorn_conf
pelican_likes.api.wsgi:app`` serves the API configured by the environment (docs/api.md)."""

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config

app = create_app(Config.from_environ())
