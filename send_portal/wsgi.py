"""WSGI entry point for gunicorn: `gunicorn send_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")
application = get_wsgi_application()

# Importing WeasyPrint takes a second or more: pay it when the worker starts, not in the first board pack
# someone generates (docs/performance.md). Commands and tests, which do not load this module, stay quick.
import governance.pdf  # noqa: E402, F401
