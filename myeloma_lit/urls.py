from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Myeloma literature — curation"
admin.site.site_title = "Myeloma literature"

urlpatterns = [
    path("", include("papers.urls")),
    path("api/", include("papers.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", include("myeloma_lit.health")),
]
