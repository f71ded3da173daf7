"""The WSGI application gunicorn serves (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myeloma_lit.settings")
# The site's database connections get STATEMENT_TIMEOUT; management commands do not.
os.environ["MYELOMA_LIT_SERVES_REQUESTS"] = "1"

application = get_wsgi_application()
