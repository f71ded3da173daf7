"""The answer to an admin login refused by django-axes: the account is locked for this address."""

from django.conf import settings
from django.http import HttpResponse


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """429 saying why and for how long (from the latest try: a try while locked renews the lock)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    wait = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
    message = (
        f"Too many failed logins: this account is locked for your address. "
        f"Try again in {wait}, or ask an administrator to unlock it.\n"
    )
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
