"""WSGI entry point for production serving (gunicorn msoko.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
application = get_wsgi_application()
