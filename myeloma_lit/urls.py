from django.contrib import admin
from django.urls import include, path

from papers import views

admin.site.site_header = "Myeloma literature — curation"
admin.site.site_title = "Myeloma literature"

urlpatterns = [
    path("", views.home, name="home"),
    path("api/", include("papers.api.urls")),
    path("admin/", admin.site.urls),
]
