"""
ASGI config for myeloma_lit project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myeloma_lit.settings")
os.environ["MYELOMA_LIT_SERVES_REQUESTS"] = "1"  # as myeloma_lit.wsgi: STATEMENT_TIMEOUT

application = get_asgi_application()
