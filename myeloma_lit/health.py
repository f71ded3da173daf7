"""`/healthz` for load balancers and process supervisors."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when a trivial query succeeds, 503 when the database cannot answer. Never says why:
    the reason goes to the log, not to whoever is probing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


urlpatterns = [path("", healthz, name="healthz")]  # included at /healthz by myeloma_lit.urls
